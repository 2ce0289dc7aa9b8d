#pragma once
/// Aggregations of a field's values inside a time window (the pipeline's resampler), with the
/// meaning pandas' resample gives them: mean, sum, min, max, first, last, count. NaN values never
/// reach an accumulator (the pipeline counts and skips them), so `count` is the number of values
/// the field had in the window. A field with no value in a window aggregates to NaN, except
/// count (0) and sum (0), as in pandas.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "oddkit/core/error.hpp"

namespace oddkit {

enum class WindowAggregation : std::uint8_t { mean, sum, min, max, first, last, count };

inline constexpr std::string_view aggregation_name(WindowAggregation a) noexcept {
    switch (a) {
    case WindowAggregation::mean:
        return "mean";
    case WindowAggregation::sum:
        return "sum";
    case WindowAggregation::min:
        return "min";
    case WindowAggregation::max:
        return "max";
    case WindowAggregation::first:
        return "first";
    case WindowAggregation::last:
        return "last";
    case WindowAggregation::count:
        return "count";
    }
    return "?";
}

/// The aggregation called `name`; InvalidArgument naming `argument` otherwise.
inline WindowAggregation parse_aggregation(std::string_view name, const char *argument = "aggregations") {
    for (auto a : {WindowAggregation::mean, WindowAggregation::sum, WindowAggregation::min, WindowAggregation::max, WindowAggregation::first,
                   WindowAggregation::last, WindowAggregation::count}) {
        if (aggregation_name(a) == name) {
            return a;
        }
    }
    throw InvalidArgument(detail::concat(argument, ": unknown aggregation '", name,
                                         "' (expected mean, sum, min, max, first, last or count)"));
}

/// Everything the aggregations need about one field in one window: O(1) whatever the event
/// count. `first`/`last` are by event time (ties: the earlier / later arrival), so events that
/// arrive out of order within the allowed lateness aggregate as if they had come sorted.
struct FieldAccumulator {
    std::uint64_t count = 0;
    double sum = 0.0;
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();
    double first = std::numeric_limits<double>::quiet_NaN();
    double last = std::numeric_limits<double>::quiet_NaN();
    std::int64_t first_time = 0;
    std::int64_t last_time = 0;

    void add(std::int64_t t, double v) noexcept {
        if (count == 0) {
            min = max = first = last = v;
            first_time = last_time = t;
        } else {
            min = v < min ? v : min;
            max = v > max ? v : max;
            if (t < first_time) {
                first = v;
                first_time = t;
            }
            if (t >= last_time) {
                last = v;
                last_time = t;
            }
        }
        sum += v;
        ++count;
    }

    double value(WindowAggregation a) const noexcept {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        switch (a) {
        case WindowAggregation::mean:
            return count == 0 ? nan : sum / static_cast<double>(count);
        case WindowAggregation::sum:
            return sum;
        case WindowAggregation::min:
            return min;
        case WindowAggregation::max:
            return max;
        case WindowAggregation::first:
            return first;
        case WindowAggregation::last:
            return last;
        case WindowAggregation::count:
            return static_cast<double>(count);
        }
        return nan;
    }
};

} // namespace oddkit
