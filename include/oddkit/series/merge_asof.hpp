#pragma once
/// merge_asof: for each left row, the right row nearest in time in one direction, as pandas'
/// merge_asof(on=<time>, by=..., direction, tolerance, allow_exact_matches). Both sides must be
/// sorted by time (duplicates allowed). backward takes the last right row at or before the left
/// time, forward the first at or after, nearest the closer of the two (a tie goes backward,
/// as in pandas). Without `by`, one merge-like pass that also writes the right columns
/// (asof_gather); with `by`, one pass that remembers the latest right row per key, then one
/// gather of all columns.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/touch_ahead.hpp"
#include "oddkit/series/frame.hpp"

namespace oddkit {

enum class AsofDirection { backward, forward, nearest };

inline AsofDirection parse_direction(std::string_view s) {
    if (s == "backward") return AsofDirection::backward;
    if (s == "forward") return AsofDirection::forward;
    if (s == "nearest") return AsofDirection::nearest;
    throw InvalidArgument(detail::concat("direction: expected 'backward', 'forward' or 'nearest', got '", s, "'"));
}

struct AsofParams {
    AsofDirection direction = AsofDirection::backward;
    std::optional<std::int64_t> tolerance; ///< ns, >= 0; none = unlimited
    bool allow_exact_matches = true;
    void validate() const {
        require(!tolerance || *tolerance >= 0, "tolerance", "must be a non-negative duration, got ",
                tolerance.value_or(0), " ns");
    }
};

namespace detail {

/// Small dense keys use a vector, others a hash map: key -> latest right row.
class LatestByKey {
  public:
    explicit LatestByKey(std::span<const std::int64_t> keys) {
        std::int64_t lo = 0, hi = -1;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            lo = i == 0 ? keys[i] : std::min(lo, keys[i]);
            hi = i == 0 ? keys[i] : std::max(hi, keys[i]);
        }
        dense_ = keys.empty() || (lo >= 0 && hi < (std::int64_t{1} << 22));
        if (dense_) table_.assign(keys.empty() ? 0 : static_cast<std::size_t>(hi) + 1, -1);
    }
    void set(std::int64_t key, std::int64_t row) {
        if (dense_) table_[static_cast<std::size_t>(key)] = row;
        else map_[key] = row;
    }
    std::int64_t get(std::int64_t key) const {
        if (dense_) return key >= 0 && static_cast<std::size_t>(key) < table_.size() ? table_[static_cast<std::size_t>(key)] : -1;
        const auto it = map_.find(key);
        return it == map_.end() ? -1 : it->second;
    }

  private:
    bool dense_ = true;
    std::vector<std::int64_t> table_;
    std::unordered_map<std::int64_t, std::int64_t> map_;
};

inline void asof_one_direction(std::span<const std::int64_t> left, std::span<const std::int64_t> right,
                               const std::int64_t *left_by, const std::int64_t *right_by, bool backward,
                               const AsofParams &p, std::int64_t *out) {
    const std::size_t n = left.size(), m = right.size();
    const bool exact = p.allow_exact_matches;
    const std::int64_t tol = p.tolerance.value_or(0);
    const bool has_tol = p.tolerance.has_value();
    auto within = [&](std::int64_t lt, std::int64_t rt) {
        return !has_tol || (backward ? lt - rt : rt - lt) <= tol;
    };
    if (left_by == nullptr) {
        if (backward) {
            std::size_t j = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t t = left[i];
                while (j < m && (exact ? right[j] <= t : right[j] < t)) ++j;
                out[i] = (j > 0 && within(t, right[j - 1])) ? static_cast<std::int64_t>(j - 1) : -1;
            }
        } else {
            std::size_t j = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t t = left[i];
                while (j < m && (exact ? right[j] < t : right[j] <= t)) ++j;
                out[i] = (j < m && within(t, right[j])) ? static_cast<std::int64_t>(j) : -1;
            }
        }
        return;
    }
    LatestByKey latest(std::span<const std::int64_t>(right_by, m));
    if (backward) {
        std::size_t j = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t t = left[i];
            for (; j < m && (exact ? right[j] <= t : right[j] < t); ++j) latest.set(right_by[j], static_cast<std::int64_t>(j));
            const std::int64_t r = latest.get(left_by[i]);
            out[i] = (r >= 0 && within(t, right[static_cast<std::size_t>(r)])) ? r : -1;
        }
    } else {
        std::size_t j = m; // right rows [j, m) are at or after the current left time
        for (std::size_t i = n; i-- > 0;) {
            const std::int64_t t = left[i];
            for (; j > 0 && (exact ? right[j - 1] >= t : right[j - 1] > t); --j)
                latest.set(right_by[j - 1], static_cast<std::int64_t>(j - 1));
            const std::int64_t r = latest.get(left_by[i]);
            out[i] = (r >= 0 && within(t, right[static_cast<std::size_t>(r)])) ? r : -1;
        }
    }
}


/// The merge walk without keys over left rows [i0, i1): emit(begin, end, row) for each run of
/// consecutive left rows that match the same right row (-1: none). Runs are what make it fast:
/// the right side is usually sparser, so a run is many left rows written with one value per
/// column. Cursors start by binary search at left[i0], so any chunk of left rows can be walked
/// alone (and on its own thread) with the same answer. Returns whether left[i0 - 1 .. i1) is
/// sorted; on unsorted input the cursors still only move forward and every row stays in range
/// (no hang, no bad read), and the caller throws.
template <AsofDirection D, bool Exact, bool HasTolerance, class Emit>
bool asof_walk(const std::int64_t *left, std::size_t i0, std::size_t i1, std::span<const std::int64_t> right,
               std::int64_t tolerance, Emit &emit) {
    const std::int64_t *r = right.data();
    const std::size_t m = right.size();
    // The backward cursor counts right rows at (Exact) or strictly before the left time, so
    // its match is the row before it; the forward cursor skips rows before (Exact) or at the
    // left time, so its match is the row it points at.
    auto back_skips = [](std::int64_t rt, std::int64_t t) { return Exact ? rt <= t : rt < t; };
    auto fwd_skips = [](std::int64_t rt, std::int64_t t) { return Exact ? rt < t : rt <= t; };
    if (i0 >= i1) return true;
    const std::int64_t t0 = left[i0];
    std::size_t jb = 0, jf = 0;
    if constexpr (D != AsofDirection::forward)
        jb = static_cast<std::size_t>(std::partition_point(r, r + m, [&](std::int64_t rt) { return back_skips(rt, t0); }) - r);
    if constexpr (D != AsofDirection::backward)
        jf = static_cast<std::size_t>(std::partition_point(r, r + m, [&](std::int64_t rt) { return fwd_skips(rt, t0); }) - r);
    // The match at time t for the current cursors.
    auto match = [&](std::int64_t t) -> std::int64_t {
        std::int64_t back = -1, fwd = -1;
        if constexpr (D != AsofDirection::forward) {
            if (jb > 0 && (!HasTolerance || t - r[jb - 1] <= tolerance)) back = static_cast<std::int64_t>(jb - 1);
        }
        if constexpr (D != AsofDirection::backward) {
            if (jf < m && (!HasTolerance || r[jf] - t <= tolerance)) fwd = static_cast<std::int64_t>(jf);
        }
        if constexpr (D == AsofDirection::backward) {
            return back;
        } else if constexpr (D == AsofDirection::forward) {
            return fwd;
        } else {
            if (back >= 0 && fwd >= 0) return t - r[back] <= r[fwd] - t ? back : fwd; // a tie goes backward, as pandas
            return back >= 0 ? back : fwd;
        }
    };
    // A left time at or past which a cursor must move (the run ends there).
    auto moves_cursor = [&](std::int64_t t) {
        bool moves = false;
        if constexpr (D != AsofDirection::forward) moves |= jb < m && back_skips(r[jb], t);
        if constexpr (D != AsofDirection::backward) moves |= jf < m && fwd_skips(r[jf], t);
        return moves;
    };
    // With a tolerance or nearest, the match can change inside a run of equal cursors.
    constexpr bool match_varies = HasTolerance || D == AsofDirection::nearest;
    bool sorted = i0 == 0 || left[i0 - 1] <= t0;
    std::size_t i = i0;
    while (i < i1) {
        const std::int64_t t = left[i];
        if constexpr (D != AsofDirection::forward)
            while (jb < m && back_skips(r[jb], t)) ++jb;
        if constexpr (D != AsofDirection::backward)
            while (jf < m && fwd_skips(r[jf], t)) ++jf;
        const std::int64_t row = match(t);
        std::size_t k = i + 1;
        for (; k < i1; ++k) {
            const std::int64_t tk = left[k];
            sorted &= left[k - 1] <= tk;
            if (moves_cursor(tk)) break;
            if constexpr (match_varies) {
                if (match(tk) != row) break;
            }
        }
        emit(i, k, row);
        i = k;
    }
    return sorted;
}

/// asof_walk with the direction, exactness and tolerance chosen at run time.
template <class Emit>
bool asof_walk(const std::int64_t *left, std::size_t i0, std::size_t i1, std::span<const std::int64_t> right,
               const AsofParams &p, Emit &emit) {
    auto with_tolerance = [&]<AsofDirection D, bool Exact>() {
        return p.tolerance ? asof_walk<D, Exact, true>(left, i0, i1, right, *p.tolerance, emit)
                           : asof_walk<D, Exact, false>(left, i0, i1, right, 0, emit);
    };
    auto with_exact = [&]<AsofDirection D>() {
        return p.allow_exact_matches ? with_tolerance.template operator()<D, true>()
                                     : with_tolerance.template operator()<D, false>();
    };
    switch (p.direction) {
    case AsofDirection::backward:
        return with_exact.template operator()<AsofDirection::backward>();
    case AsofDirection::forward:
        return with_exact.template operator()<AsofDirection::forward>();
    case AsofDirection::nearest:
        break;
    }
    return with_exact.template operator()<AsofDirection::nearest>();
}

/// Writes right row `row` of every column (NaN for -1) into left rows [begin, end).
struct AsofGather {
    std::span<const double *const> columns;
    std::span<double *const> out;
    std::int64_t *rows = nullptr; ///< optional: the indexer too
    void operator()(std::size_t begin, std::size_t end, std::int64_t row) const {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const double v = row >= 0 ? columns[c][row] : std::numeric_limits<double>::quiet_NaN();
            double *dst = out[c];
            for (std::size_t i = begin; i < end; ++i) dst[i] = v;
        }
        if (rows != nullptr) std::fill(rows + begin, rows + end, row);
    }
    void operator()(std::size_t i, std::int64_t row) const { (*this)(i, i + 1, row); }
};

/// Left rows per chunk when the walk is split over threads.
inline constexpr std::size_t asof_min_chunk = std::size_t{1} << 16;

} // namespace detail

/// As-of match and gather in one pass: for each left time, right row r matched as of it (the
/// rules of merge_asof), out[c][i] = columns[c][r] for every float64 right column c (NaN where
/// nothing matches), and rows_out[i] = r when rows_out is given. Without keys the walk and
/// the gather are fused (the indexer need never be written) and split over n_jobs threads by
/// chunks of left rows; each chunk finds its start by binary search, so the result is the
/// same for any thread count. With keys (`left_by`, `right_by`: both or neither) the indexer
/// is built first, then gathered in one pass over all columns.
inline void asof_gather(std::span<const std::int64_t> left, std::span<const std::int64_t> right,
                        const AsofParams &params, std::span<const double *const> columns,
                        std::span<double *const> out, std::int64_t *rows_out = nullptr,
                        const std::int64_t *left_by = nullptr, const std::int64_t *right_by = nullptr, int n_jobs = 1) {
    params.validate();
    require(columns.size() == out.size(), "out", "needs one output per column: ", columns.size(), " columns, ",
            out.size(), " outputs");
    require((left_by == nullptr) == (right_by == nullptr), "by", "needs keys for both left and right");
    check_sorted_times(right, "right");
    const std::size_t threads = resolve_n_jobs(n_jobs);
    if (left_by != nullptr) {
        check_sorted_times(left, "left");
        std::vector<std::int64_t> own;
        std::int64_t *rows = rows_out;
        if (rows == nullptr) {
            own.resize(left.size());
            rows = own.data();
        }
        if (params.direction != AsofDirection::nearest) {
            detail::asof_one_direction(left, right, left_by, right_by, params.direction == AsofDirection::backward,
                                       params, rows);
        } else {
            std::vector<std::int64_t> forward(left.size());
            detail::asof_one_direction(left, right, left_by, right_by, true, params, rows);
            detail::asof_one_direction(left, right, left_by, right_by, false, params, forward.data());
            for (std::size_t i = 0; i < left.size(); ++i) {
                const std::int64_t b = rows[i], f = forward[i];
                if (b >= 0 && f >= 0) {
                    const std::int64_t bdiff = left[i] - right[static_cast<std::size_t>(b)];
                    const std::int64_t fdiff = right[static_cast<std::size_t>(f)] - left[i];
                    rows[i] = bdiff <= fdiff ? b : f;
                } else if (b < 0) {
                    rows[i] = f;
                }
            }
        }
        if (columns.empty()) return;
        const detail::AsofGather gather{columns, out, nullptr};
        parallel_for_chunks(
            left.size(), threads,
            [&](std::size_t i0, std::size_t i1) {
                for (std::size_t i = i0; i < i1; ++i) gather(i, rows[i]);
            },
            detail::asof_min_chunk);
        return;
    }
    require(left.empty() || left.front() != not_a_time, "left", "contains a missing timestamp (NaT) at position 0");
    std::atomic<bool> sorted{true};
    detail::AsofGather gather{columns, out, rows_out};
    auto walk = [&](std::size_t i0, std::size_t i1) {
        if (!detail::asof_walk(left.data(), i0, i1, right, params, gather)) sorted.store(false, std::memory_order_relaxed);
    };
    if (threads > 1 && left.size() >= 2 * detail::asof_min_chunk) {
        // Blocks of left rows, walked by whichever thread is free once thread 0 has faulted in
        // their part of the fresh outputs (core/touch_ahead.hpp): one thread faulting at a time.
        const std::size_t block = std::clamp(left.size() / (8 * threads), detail::asof_min_chunk, std::size_t{1} << 18);
        auto touch = [&](std::size_t i0, std::size_t i1) {
            for (double *o : out) {
                for (std::size_t i = i0; i < i1; i += 512) o[i] = 0.0;
            }
            if (rows_out != nullptr) {
                for (std::size_t i = i0; i < i1; i += 512) rows_out[i] = 0;
            }
        };
        work_blocks_touching_ahead(even_block_bounds(left.size(), block), threads, touch, walk);
    } else {
        parallel_for_chunks(left.size(), threads, walk, detail::asof_min_chunk);
    }
    if (!sorted.load()) check_sorted_times(left, "left"); // names the first row out of order
}

/// For each left time, the matching right row or -1, written to out[left.size()]. `left_by`
/// and `right_by` (both or neither) are integer keys per row: a match must have the same key.
inline void asof_indexer(std::span<const std::int64_t> left, std::span<const std::int64_t> right,
                         const AsofParams &params, std::int64_t *out, const std::int64_t *left_by = nullptr,
                         const std::int64_t *right_by = nullptr, int n_jobs = 1) {
    asof_gather(left, right, params, {}, {}, out, left_by, right_by, n_jobs);
}

/// The left frame with the right frame's columns matched as of each left time. `by` names an
/// int64 key column present in both frames (kept once, from the left). Column names present on
/// both sides get suffixes (pandas' "_x", "_y"). Float64 right columns are gathered during the
/// walk; `n_jobs` threads share the left rows (same result for any count).
inline Frame merge_asof(const Frame &left, const Frame &right, const AsofParams &params = {},
                        const std::string &by = "", const std::string &left_suffix = "_x",
                        const std::string &right_suffix = "_y", int n_jobs = 1) {
    const std::int64_t *lb = nullptr, *rb = nullptr;
    if (!by.empty()) {
        require(left.has(by), "by", "no column '", by, "' in left");
        require(right.has(by), "by", "no column '", by, "' in right");
        lb = left.ints(by).data();
        rb = right.ints(by).data();
    }
    // float64 right columns are gathered during the walk; others need the indexer afterwards
    std::vector<const double *> sources;
    std::vector<FloatColumn> gathered;
    bool other_types = false;
    for (std::size_t j = 0; j < right.cols(); ++j) {
        if (right.names()[j] == by) continue;
        if (const auto *f = std::get_if<FloatColumn>(&right.column(j))) {
            sources.push_back(f->data());
            gathered.push_back(FloatColumn::from_shape({left.rows()}));
        } else {
            other_types = true;
        }
    }
    std::vector<double *> targets;
    for (auto &g : gathered) targets.push_back(g.data());
    std::vector<std::int64_t> rows(other_types ? left.rows() : 0);
    asof_gather(left.index().span(), right.index().span(), params, sources, targets,
                other_types ? rows.data() : nullptr, lb, rb, n_jobs);
    Frame out(left.index());
    for (const auto &name : left.names()) {
        const bool clash = name != by && right.has(name);
        out.add(clash ? name + left_suffix : name, left.column(name));
    }
    std::size_t next_gathered = 0;
    for (std::size_t j = 0; j < right.cols(); ++j) {
        const std::string &name = right.names()[j];
        if (name == by) continue;
        const bool clash = left.has(name);
        const bool is_float = std::holds_alternative<FloatColumn>(right.column(j));
        out.add(clash ? name + right_suffix : name,
                is_float ? Column(std::move(gathered[next_gathered++])) : take_rows(right.column(j), rows));
    }
    return out;
}

} // namespace oddkit
