#pragma once
/// Autocorrelation and cross-correlation over a range of lags, as statsmodels' acf and ccf
/// (direct sums rather than an FFT: the same values to rounding, and exact for short lag
/// ranges). Inputs must be finite.
///
///   acf[k] = sum_t (x[t] - m)(x[t-k] - m) / c  /  (sum_t (x[t] - m)^2 / n)
///   with c = n (default) or n - k (adjusted);
///   ccf[k] = sum_t (x[t+k] - mx)(y[t] - my) / c  /  (std(x) std(y)), std with ddof 0,
///   c = n - |k| (adjusted, statsmodels' default for ccf) or n. Negative k pairs x[t] with
///   y[t + |k|]: a positive best lag means x follows y.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

namespace detail {
inline std::vector<double> demeaned_finite(const VectorView &x, const char *name) {
    require(x.data != nullptr || x.size == 0, name, "null data pointer");
    require(x.size >= 2, name, "needs at least 2 values, got ", x.size);
    double mean = 0.0;
    for (std::size_t i = 0; i < x.size; ++i) {
        require(std::isfinite(x[i]), name, "contains ", std::isnan(x[i]) ? "NaN" : "infinity", " at row ", i,
                " (expected finite values)");
        mean += x[i];
    }
    mean /= static_cast<double>(x.size);
    std::vector<double> d(x.size);
    for (std::size_t i = 0; i < x.size; ++i) d[i] = x[i] - mean;
    return d;
}
} // namespace detail

/// Autocorrelations at lags 0..max_lag (max_lag in [0, n - 1]).
inline Vector autocorrelation(const VectorView &x, std::int64_t max_lag, bool adjusted = false) {
    const auto d = detail::demeaned_finite(x, "x");
    const std::size_t n = d.size();
    require(max_lag >= 0 && static_cast<std::size_t>(max_lag) < n, "nlags", "must be in [0, n - 1] = [0, ",
            n - 1, "], got ", max_lag);
    const auto L = static_cast<std::size_t>(max_lag);
    Vector out = xt::empty<double>({L + 1});
    double c0 = 0.0;
    for (double v : d) c0 += v * v;
    c0 /= static_cast<double>(n);
    for (std::size_t k = 0; k <= L; ++k) {
        double s = 0.0;
        for (std::size_t t = k; t < n; ++t) s += d[t] * d[t - k];
        s /= adjusted ? static_cast<double>(n - k) : static_cast<double>(n);
        out(k) = s / c0; // a constant series gives 0 / 0 = NaN, as statsmodels
    }
    return out;
}

struct CrossCorrelation {
    std::vector<std::int64_t> lags; ///< -max_lag .. max_lag
    Vector values;                  ///< correlation at each lag
    std::int64_t best_lag = 0;      ///< the lag of the largest correlation (first on ties)
    double best_value = std::numeric_limits<double>::quiet_NaN();
};

/// Cross-correlations of equal-length x and y at lags -max_lag..max_lag (max_lag in [0, n-1]).
inline CrossCorrelation cross_correlation(const VectorView &x, const VectorView &y, std::int64_t max_lag,
                                          bool adjusted = true) {
    require(x.size == y.size, "y", "has ", y.size, " values but x has ", x.size);
    const auto dx = detail::demeaned_finite(x, "x");
    const auto dy = detail::demeaned_finite(y, "y");
    const std::size_t n = dx.size();
    require(max_lag >= 0 && static_cast<std::size_t>(max_lag) < n, "nlags", "must be in [0, n - 1] = [0, ",
            n - 1, "], got ", max_lag);
    double sx = 0.0, sy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        sx += dx[i] * dx[i];
        sy += dy[i] * dy[i];
    }
    const double scale = std::sqrt(sx / static_cast<double>(n)) * std::sqrt(sy / static_cast<double>(n));
    CrossCorrelation r;
    const auto L = static_cast<std::size_t>(max_lag);
    r.values = xt::empty<double>({2 * L + 1});
    for (std::int64_t k = -max_lag; k <= max_lag; ++k) {
        const std::size_t a = static_cast<std::size_t>(std::abs(k));
        double s = 0.0;
        for (std::size_t t = 0; t + a < n; ++t) {
            s += k >= 0 ? dx[t + a] * dy[t] : dx[t] * dy[t + a];
        }
        s /= adjusted ? static_cast<double>(n - a) : static_cast<double>(n);
        const double v = s / scale;
        r.lags.push_back(k);
        r.values(r.lags.size() - 1) = v;
        if (!std::isnan(v) && (std::isnan(r.best_value) || v > r.best_value)) {
            r.best_value = v;
            r.best_lag = k;
        }
    }
    return r;
}

} // namespace oddkit
