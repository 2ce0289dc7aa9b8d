#pragma once
/// Classical seasonal decomposition by moving averages, as
/// statsmodels.tsa.seasonal.seasonal_decompose(x, model, period) with its defaults
/// (two-sided filter, no trend extrapolation):
///  - trend: centred moving average over one period (for an even period, period + 1 points
///    with half weight at both ends); the period / 2 rows at each end are NaN;
///  - seasonal: the mean of the detrended series at each phase, centred to sum to zero
///    (additive) or normalised to mean one (multiplicative), repeated over the series;
///  - resid: observed - trend - seasonal, or observed / (trend * seasonal).
/// Inputs must be finite, hold at least two full periods, and be positive for the
/// multiplicative model.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

enum class SeasonalModel { additive, multiplicative };

inline SeasonalModel parse_seasonal_model(std::string_view text) {
    if (text == "additive" || text == "add" || text == "a") return SeasonalModel::additive;
    if (text == "multiplicative" || text == "mul" || text == "m") return SeasonalModel::multiplicative;
    throw InvalidArgument(detail::concat("model: expected 'additive' or 'multiplicative', got '", std::string(text), "'"));
}

struct Decomposition {
    Vector observed, trend, seasonal, resid;
};

inline Decomposition seasonal_decompose(const VectorView &x, std::int64_t period,
                                        SeasonalModel model = SeasonalModel::additive) {
    require(period >= 2, "period", "must be >= 2, got ", period);
    const std::size_t n = x.size;
    const auto p = static_cast<std::size_t>(period);
    require(n >= 2 * p, "x", "must have 2 complete cycles: ", 2 * p, " observations for period ", period,
            ", got ", n);
    const bool multiplicative = model == SeasonalModel::multiplicative;
    for (std::size_t i = 0; i < n; ++i) {
        require(std::isfinite(x[i]), "x", "contains ", std::isnan(x[i]) ? "NaN" : "infinity", " at row ", i,
                " (seasonal decomposition does not handle missing values)");
        require(!multiplicative || x[i] > 0.0, "x",
                "multiplicative seasonality needs positive values; row ", i, " is ", x[i]);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Decomposition d;
    d.observed = xt::empty<double>({n});
    std::copy(x.data, x.data + n, d.observed.begin());
    d.trend = xt::empty<double>({n});
    const std::size_t half = p / 2;
    const double w = 1.0 / static_cast<double>(p);
    const bool even = p % 2 == 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i < half || i + half >= n) {
            d.trend(i) = nan;
            continue;
        }
        double s = 0.0;
        if (even) {
            s += 0.5 * w * x[i - half];
            for (std::size_t k = i - half + 1; k < i + half; ++k) s += w * x[k];
            s += 0.5 * w * x[i + half];
        } else {
            for (std::size_t k = i - half; k <= i + half; ++k) s += w * x[k];
        }
        d.trend(i) = s;
    }
    Vector detrended = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        detrended(i) = multiplicative ? x[i] / d.trend(i) : x[i] - d.trend(i);
    }
    Vector phase_mean = xt::zeros<double>({p});
    double overall = 0.0;
    for (std::size_t ph = 0; ph < p; ++ph) {
        double s = 0.0;
        std::size_t c = 0;
        for (std::size_t i = ph; i < n; i += p) {
            if (!std::isnan(detrended(i))) {
                s += detrended(i);
                ++c;
            }
        }
        phase_mean(ph) = s / static_cast<double>(c); // n >= 2p leaves every phase >= 1 value
        overall += phase_mean(ph);
    }
    overall /= static_cast<double>(p);
    for (std::size_t ph = 0; ph < p; ++ph) {
        phase_mean(ph) = multiplicative ? phase_mean(ph) / overall : phase_mean(ph) - overall;
    }
    d.seasonal = xt::empty<double>({n});
    d.resid = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        d.seasonal(i) = phase_mean(i % p);
        d.resid(i) = multiplicative ? detrended(i) / d.seasonal(i) : detrended(i) - d.seasonal(i);
    }
    return d;
}

} // namespace oddkit
