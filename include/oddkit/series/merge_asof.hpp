#pragma once
/// merge_asof: for each left row, the right row nearest in time in one direction, as pandas'
/// merge_asof(on=<time>, by=..., direction, tolerance, allow_exact_matches). Both sides must be
/// sorted by time (duplicates allowed). backward takes the last right row at or before the left
/// time, forward the first at or after, nearest the closer of the two (a tie goes backward,
/// as in pandas). One merge-like pass; with `by`, one pass that remembers the latest right row
/// per key.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "oddkit/core/error.hpp"
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

} // namespace detail

/// For each left time, the matching right row or -1, written to out[left.size()]. `left_by`
/// and `right_by` (both or neither) are integer keys per row: a match must have the same key.
inline void asof_indexer(std::span<const std::int64_t> left, std::span<const std::int64_t> right,
                         const AsofParams &params, std::int64_t *out, const std::int64_t *left_by = nullptr,
                         const std::int64_t *right_by = nullptr) {
    params.validate();
    check_sorted_times(left, "left");
    check_sorted_times(right, "right");
    require((left_by == nullptr) == (right_by == nullptr), "by", "needs keys for both left and right");
    if (params.direction != AsofDirection::nearest) {
        detail::asof_one_direction(left, right, left_by, right_by, params.direction == AsofDirection::backward,
                                   params, out);
        return;
    }
    std::vector<std::int64_t> forward(left.size());
    detail::asof_one_direction(left, right, left_by, right_by, true, params, out);
    detail::asof_one_direction(left, right, left_by, right_by, false, params, forward.data());
    for (std::size_t i = 0; i < left.size(); ++i) {
        const std::int64_t b = out[i], f = forward[i];
        if (b >= 0 && f >= 0) {
            const std::int64_t bdiff = left[i] - right[static_cast<std::size_t>(b)];
            const std::int64_t fdiff = right[static_cast<std::size_t>(f)] - left[i];
            out[i] = bdiff <= fdiff ? b : f;
        } else if (b < 0) {
            out[i] = f;
        }
    }
}

/// The left frame with the right frame's columns matched as of each left time. `by` names an
/// int64 key column present in both frames (kept once, from the left). Column names present on
/// both sides get suffixes (pandas' "_x", "_y").
inline Frame merge_asof(const Frame &left, const Frame &right, const AsofParams &params = {},
                        const std::string &by = "", const std::string &left_suffix = "_x",
                        const std::string &right_suffix = "_y") {
    std::vector<std::int64_t> rows(left.rows());
    const std::int64_t *lb = nullptr, *rb = nullptr;
    if (!by.empty()) {
        require(left.has(by), "by", "no column '", by, "' in left");
        require(right.has(by), "by", "no column '", by, "' in right");
        lb = left.ints(by).data();
        rb = right.ints(by).data();
    }
    asof_indexer(left.index().span(), right.index().span(), params, rows.data(), lb, rb);
    Frame out(left.index());
    for (const auto &name : left.names()) {
        const bool clash = name != by && right.has(name);
        out.add(clash ? name + left_suffix : name, left.column(name));
    }
    for (std::size_t j = 0; j < right.cols(); ++j) {
        const std::string &name = right.names()[j];
        if (name == by) continue;
        const bool clash = left.has(name);
        out.add(clash ? name + right_suffix : name, take_rows(right.column(j), rows));
    }
    return out;
}

} // namespace oddkit
