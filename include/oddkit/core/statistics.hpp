#pragma once
/// Small order statistics shared across layers.

#include <algorithm>
#include <cmath>
#include <vector>

#include "oddkit/core/error.hpp"

namespace oddkit {

/// The q-th percentile (q in [0, 100]) with linear interpolation between order statistics, the
/// same rule and rounding as numpy.percentile's default ('linear'). Takes its input by value
/// (it is partially sorted).
inline double percentile(std::vector<double> values, double q) {
    require(!values.empty(), "values", "percentile of an empty array");
    require(q >= 0.0 && q <= 100.0, "q", "must be in [0, 100], got ", q);
    const double position = q / 100.0 * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(position));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
    const double a = values[lo];
    double b = a;
    if (hi != lo) {
        b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
    }
    const double t = position - static_cast<double>(lo);
    // numpy's lerp: from the nearer end, which keeps the result monotonic in t.
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

} // namespace oddkit
