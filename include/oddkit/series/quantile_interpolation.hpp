#pragma once
/// How a quantile between two order statistics is taken (pandas / numpy names).

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "oddkit/core/error.hpp"

namespace oddkit {

enum class QuantileInterpolation { linear, lower, higher, nearest, midpoint };

inline QuantileInterpolation parse_interpolation(std::string_view text) {
    if (text == "linear") return QuantileInterpolation::linear;
    if (text == "lower") return QuantileInterpolation::lower;
    if (text == "higher") return QuantileInterpolation::higher;
    if (text == "nearest") return QuantileInterpolation::nearest;
    if (text == "midpoint") return QuantileInterpolation::midpoint;
    throw InvalidArgument(detail::concat("interpolation: expected 'linear', 'lower', 'higher', 'nearest' or "
                                         "'midpoint', got '", std::string(text), "'"));
}

/// The q-quantile (q in [0, 1]) of n >= 1 sorted values reached through `at(k)`.
template <class At>
double quantile_of_sorted(At &&at, std::size_t n, double q, QuantileInterpolation how) {
    if (n == 1) {
        return at(0);
    }
    const double position = q * static_cast<double>(n - 1);
    const auto k = static_cast<std::size_t>(position);
    const double fraction = position - static_cast<double>(k);
    if (fraction == 0.0) {
        return at(k);
    }
    const double low = at(k);
    const double high = at(k + 1);
    switch (how) {
    case QuantileInterpolation::lower: return low;
    case QuantileInterpolation::higher: return high;
    case QuantileInterpolation::midpoint: return (low + high) / 2.0;
    case QuantileInterpolation::nearest:
        // Round half to even, as Python's round() (pandas' rule).
        if (fraction == 0.5) return k % 2 == 0 ? low : high;
        return fraction < 0.5 ? low : high;
    case QuantileInterpolation::linear: break;
    }
    return low + (high - low) * fraction;
}

} // namespace oddkit
