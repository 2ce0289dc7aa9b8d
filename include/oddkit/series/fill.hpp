#pragma once
/// Gaps and duplicates: ffill/bfill with a limit, linear and time interpolation with a limit,
/// dropna, and the duplicate-timestamp policy (keep first, keep last, or average). Semantics
/// are pandas' (Series.ffill(limit), interpolate(method, limit) with limit_direction='forward':
/// leading NaNs stay, trailing NaNs take the last value; duplicated(keep), groupby(level=0).mean()).
/// Only float64 columns can hold NaN; int64 and bool columns pass through unchanged.

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/series/frame.hpp"

namespace oddkit {

/// Fills NaN with the last valid value before it, at most `limit` in a row (none = all).
inline void ffill_in_place(std::span<double> x, std::optional<std::size_t> limit = std::nullopt) {
    double last = std::nan("");
    std::size_t run = 0;
    const std::size_t cap = limit.value_or(SIZE_MAX);
    for (double &v : x) {
        if (v == v) {
            last = v;
            run = 0;
        } else if (last == last && run < cap) {
            v = last;
            ++run;
        }
    }
}

/// Fills NaN with the next valid value after it, at most `limit` in a row (none = all).
inline void bfill_in_place(std::span<double> x, std::optional<std::size_t> limit = std::nullopt) {
    double next = std::nan("");
    std::size_t run = 0;
    const std::size_t cap = limit.value_or(SIZE_MAX);
    for (std::size_t i = x.size(); i-- > 0;) {
        double &v = x[i];
        if (v == v) {
            next = v;
            run = 0;
        } else if (next == next && run < cap) {
            v = next;
            ++run;
        }
    }
}

enum class InterpolateMethod { linear, time };

inline InterpolateMethod parse_interpolate_method(std::string_view s) {
    if (s == "linear") return InterpolateMethod::linear;
    if (s == "time") return InterpolateMethod::time;
    throw InvalidArgument(detail::concat("method: expected 'linear' or 'time', got '", s, "'"));
}

/// Interpolates NaN runs between valid values: against the row number (linear) or the
/// timestamp (time; `times` then has x.size() sorted values). Only the first `limit` NaNs of a
/// run are filled; NaNs before the first valid value stay; NaNs after the last take it.
inline void interpolate_in_place(std::span<double> x, std::span<const std::int64_t> times, InterpolateMethod method,
                                 std::optional<std::size_t> limit = std::nullopt) {
    if (method == InterpolateMethod::time) {
        require(times.size() == x.size(), "index", "has ", times.size(), " times for ", x.size(), " values");
        check_sorted_times(times, "index");
    }
    const std::size_t n = x.size();
    const std::size_t cap = limit.value_or(SIZE_MAX);
    auto position = [&](std::size_t i) {
        return method == InterpolateMethod::time ? static_cast<double>(times[i]) : static_cast<double>(i);
    };
    std::size_t i = 0;
    while (i < n && !(x[i] == x[i])) ++i; // leading NaNs stay
    while (i < n) {
        if (x[i] == x[i]) {
            ++i;
            continue;
        }
        const std::size_t a = i - 1; // last valid
        std::size_t b = i;
        while (b < n && !(x[b] == x[b])) ++b;
        const std::size_t fill_end = std::min(b, i + std::min(cap, b - i));
        if (b == n) {
            for (std::size_t k = i; k < fill_end; ++k) x[k] = x[a];
        } else {
            // numpy.interp's form: slope * (x - x0) + y0
            const double x0 = position(a), y0 = x[a];
            const double slope = (x[b] - y0) / (position(b) - x0);
            for (std::size_t k = i; k < fill_end; ++k) x[k] = slope * (position(k) - x0) + y0;
        }
        i = b;
    }
}

namespace detail {
template <class Fill> Frame map_float_columns(const Frame &frame, Fill fill) {
    Frame out(frame.index());
    for (std::size_t j = 0; j < frame.cols(); ++j) {
        Column c = frame.column(j);
        if (auto *f = std::get_if<FloatColumn>(&c)) fill(std::span<double>(f->data(), f->size()));
        out.add(frame.names()[j], std::move(c));
    }
    return out;
}
} // namespace detail

inline Frame ffill(const Frame &frame, std::optional<std::size_t> limit = std::nullopt) {
    return detail::map_float_columns(frame, [&](std::span<double> x) { ffill_in_place(x, limit); });
}
inline Frame bfill(const Frame &frame, std::optional<std::size_t> limit = std::nullopt) {
    return detail::map_float_columns(frame, [&](std::span<double> x) { bfill_in_place(x, limit); });
}
inline Frame interpolate(const Frame &frame, InterpolateMethod method = InterpolateMethod::linear,
                         std::optional<std::size_t> limit = std::nullopt) {
    return detail::map_float_columns(frame, [&](std::span<double> x) {
        interpolate_in_place(x, frame.index().span(), method, limit);
    });
}

enum class DropHow { any, all };

/// Rows without NaN in `subset` (all columns when empty): how=any drops a row with any NaN,
/// how=all only a row whose subset columns are all NaN.
inline Frame dropna(const Frame &frame, DropHow how = DropHow::any, const std::vector<std::string> &subset = {}) {
    std::vector<std::size_t> cols;
    if (subset.empty()) {
        for (std::size_t j = 0; j < frame.cols(); ++j) cols.push_back(j);
    } else {
        for (const auto &name : subset) cols.push_back(frame.position(name));
    }
    std::vector<std::int64_t> keep;
    keep.reserve(frame.rows());
    for (std::size_t i = 0; i < frame.rows(); ++i) {
        std::size_t missing = 0;
        for (std::size_t j : cols) {
            if (const auto *f = std::get_if<FloatColumn>(&frame.column(j))) missing += !(f->data()[i] == f->data()[i]);
        }
        const bool drop = how == DropHow::any ? missing > 0 : (!cols.empty() && missing == cols.size());
        if (!drop) keep.push_back(static_cast<std::int64_t>(i));
    }
    IndexVector times = IndexVector::from_shape({keep.size()});
    for (std::size_t i = 0; i < keep.size(); ++i) times.data()[i] = frame.index()[static_cast<std::size_t>(keep[i])];
    return frame.take(TimeIndex(std::move(times)), keep);
}

/// What to do with rows that share a timestamp.
enum class DuplicatePolicy { keep_first, keep_last, mean };

inline DuplicatePolicy parse_duplicate_policy(std::string_view s) {
    if (s == "first") return DuplicatePolicy::keep_first;
    if (s == "last") return DuplicatePolicy::keep_last;
    if (s == "mean") return DuplicatePolicy::mean;
    throw InvalidArgument(detail::concat("keep: expected 'first', 'last' or 'mean', got '", s, "'"));
}

/// One row per timestamp. keep_first/keep_last keep that row whole; mean averages each
/// column over the rows of a timestamp (NaN skipped; int64 and bool columns become float64).
inline Frame deduplicate(const Frame &frame, DuplicatePolicy policy = DuplicatePolicy::keep_first) {
    const auto t = frame.index().span();
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i == 0 || t[i] != t[i - 1]) starts.push_back(i);
    starts.push_back(t.size());
    const std::size_t groups = starts.size() - 1;
    IndexVector times = IndexVector::from_shape({groups});
    for (std::size_t g = 0; g < groups; ++g) times.data()[g] = t[starts[g]];
    if (policy != DuplicatePolicy::mean) {
        std::vector<std::int64_t> rows(groups);
        for (std::size_t g = 0; g < groups; ++g)
            rows[g] = static_cast<std::int64_t>(policy == DuplicatePolicy::keep_first ? starts[g] : starts[g + 1] - 1);
        return frame.take(TimeIndex(std::move(times)), rows);
    }
    Frame out{TimeIndex(std::move(times))};
    for (std::size_t j = 0; j < frame.cols(); ++j) {
        const FloatColumn x = to_float(frame.column(j));
        FloatColumn m = FloatColumn::from_shape({groups});
        for (std::size_t g = 0; g < groups; ++g) {
            double sum = 0.0, comp = 0.0;
            std::size_t n = 0;
            for (std::size_t i = starts[g]; i < starts[g + 1]; ++i) {
                const double v = x.data()[i];
                if (v == v) {
                    const double y = v - comp, s = sum + y;
                    comp = (s - sum) - y;
                    sum = s;
                    ++n;
                }
            }
            m.data()[g] = n == 0 ? std::nan("") : sum / static_cast<double>(n);
        }
        out.add(frame.names()[j], std::move(m));
    }
    return out;
}

} // namespace oddkit
