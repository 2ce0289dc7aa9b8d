#pragma once
/// Exact joins of frames on their time index (pandas merge(left_index=True, right_index=True,
/// how=...)) and align (pandas DataFrame.align / reindex onto one grid). One merge pass over
/// both sorted indexes; equal timestamps on both sides pair up as a cartesian product, in
/// left-major order (right-major for how=right), as pandas does.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/series/frame.hpp"

namespace oddkit {

enum class JoinHow { inner, left, right, outer };

inline JoinHow parse_join_how(std::string_view s) {
    if (s == "inner") return JoinHow::inner;
    if (s == "left") return JoinHow::left;
    if (s == "right") return JoinHow::right;
    if (s == "outer") return JoinHow::outer;
    throw InvalidArgument(detail::concat("how: expected 'inner', 'left', 'right' or 'outer', got '", s, "'"));
}

/// The joined index and, per output row, the left and right rows (-1 = none).
struct JoinIndexers {
    std::vector<std::int64_t> times, left, right;
};

inline JoinIndexers join_indexers(std::span<const std::int64_t> l, std::span<const std::int64_t> r, JoinHow how) {
    check_sorted_times(l, "left");
    check_sorted_times(r, "right");
    JoinIndexers out;
    const bool keep_left = how == JoinHow::left || how == JoinHow::outer;
    const bool keep_right = how == JoinHow::right || how == JoinHow::outer;
    auto emit = [&](std::int64_t t, std::int64_t a, std::int64_t b) {
        out.times.push_back(t);
        out.left.push_back(a);
        out.right.push_back(b);
    };
    const std::size_t reserve = std::max(l.size(), r.size());
    out.times.reserve(reserve);
    out.left.reserve(reserve);
    out.right.reserve(reserve);
    std::size_t i = 0, j = 0;
    while (i < l.size() || j < r.size()) {
        if (j == r.size() || (i < l.size() && l[i] < r[j])) {
            if (keep_left) emit(l[i], static_cast<std::int64_t>(i), -1);
            ++i;
        } else if (i == l.size() || r[j] < l[i]) {
            if (keep_right) emit(r[j], -1, static_cast<std::int64_t>(j));
            ++j;
        } else {
            const std::int64_t t = l[i];
            std::size_t i_end = i, j_end = j;
            while (i_end < l.size() && l[i_end] == t) ++i_end;
            while (j_end < r.size() && r[j_end] == t) ++j_end;
            if (how == JoinHow::right) { // pandas walks the kept side first
                for (std::size_t b = j; b < j_end; ++b)
                    for (std::size_t a = i; a < i_end; ++a) emit(t, static_cast<std::int64_t>(a), static_cast<std::int64_t>(b));
            } else {
                for (std::size_t a = i; a < i_end; ++a)
                    for (std::size_t b = j; b < j_end; ++b) emit(t, static_cast<std::int64_t>(a), static_cast<std::int64_t>(b));
            }
            i = i_end;
            j = j_end;
        }
    }
    return out;
}

/// Columns of both frames on the joined index; names on both sides get the suffixes.
inline Frame join(const Frame &left, const Frame &right, JoinHow how = JoinHow::outer,
                  const std::string &left_suffix = "_x", const std::string &right_suffix = "_y") {
    require(left_suffix != right_suffix, "suffixes", "left and right suffixes must differ");
    JoinIndexers ix = join_indexers(left.index().span(), right.index().span(), how);
    IndexVector times = IndexVector::from_shape({ix.times.size()});
    std::copy(ix.times.begin(), ix.times.end(), times.data());
    Frame out{TimeIndex(std::move(times))};
    for (std::size_t j = 0; j < left.cols(); ++j) {
        const auto &name = left.names()[j];
        out.add(right.has(name) ? name + left_suffix : name, take_rows(left.column(j), ix.left));
    }
    for (std::size_t j = 0; j < right.cols(); ++j) {
        const auto &name = right.names()[j];
        out.add(left.has(name) ? name + right_suffix : name, take_rows(right.column(j), ix.right));
    }
    return out;
}

/// The frame's rows at exactly the grid's times (missing rows are NaN). The frame's index
/// must be unique (a time would otherwise be ambiguous).
inline Frame reindex(const Frame &frame, const TimeIndex &grid) {
    check_unique_times(frame.index().span(), "index");
    std::vector<std::int64_t> rows(grid.size(), -1);
    const auto t = frame.index().span();
    std::size_t j = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        while (j < t.size() && t[j] < grid[i]) ++j;
        if (j < t.size() && t[j] == grid[i]) rows[i] = static_cast<std::int64_t>(j);
    }
    return frame.take(grid, rows);
}

/// Every frame reindexed onto one grid: the union (outer) or intersection (inner) of their
/// indexes, or each onto the first frame's index (left). Indexes must be unique.
inline std::vector<Frame> align(const std::vector<Frame> &frames, JoinHow how = JoinHow::outer) {
    require(!frames.empty(), "frames", "at least one frame is needed");
    require(how != JoinHow::right, "how", "'right' is not defined for several frames; use inner, left or outer");
    for (const auto &f : frames) check_unique_times(f.index().span(), "index");
    std::vector<std::int64_t> grid(frames[0].index().data(), frames[0].index().data() + frames[0].rows());
    if (how != JoinHow::left) {
        for (std::size_t k = 1; k < frames.size(); ++k) {
            const JoinIndexers ix = join_indexers(grid, frames[k].index().span(), how);
            grid = ix.times;
        }
    }
    IndexVector times = IndexVector::from_shape({grid.size()});
    std::copy(grid.begin(), grid.end(), times.data());
    const TimeIndex index(std::move(times));
    std::vector<Frame> out;
    for (const auto &f : frames) out.push_back(reindex(f, index));
    return out;
}

} // namespace oddkit
