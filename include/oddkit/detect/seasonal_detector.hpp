#pragma once
/// SeasonalDetector: classical additive seasonal decomposition per column, then a robust z of
/// the residual. Rows are a series in time order with a known `period` (rows per season).
///
/// fit, on each training column (which must hold at least two full periods):
///   trend     centered moving average over one period (a 2 x m average when m is even), only
///             where the whole window fits, as statsmodels.tsa.seasonal_decompose (additive);
///   seasonal  the mean of x - trend at each phase (row index mod period), centered to sum 0;
///   residual  x - trend - seasonal where the trend exists: its median and 1.4826 MAD.
/// Scoring a series X (row 0 at phase 0, like the training series): y = x - seasonal[phase],
/// trend = the same centered average of y with the window cut at the ends of X (weights
/// renormalized), residual = y - trend, score = |residual - median| / (1.4826 MAD). 'auto'
/// contamination flags scores above 3.5.

#include <cmath>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"
#include "oddkit/detect/robust_zscore_detector.hpp"

namespace oddkit {

namespace detail {

/// The weights of the centered moving average over one period: m ones (odd m), or m - 1 ones
/// and two halves at the ends (even m), divided by m. Half-width h: the window is [i-h, i+h].
inline std::vector<double> seasonal_trend_weights(std::size_t period) {
    const std::size_t h = period / 2;
    std::vector<double> w(2 * h + 1, 1.0 / static_cast<double>(period));
    if (period % 2 == 0) {
        w.front() *= 0.5;
        w.back() *= 0.5;
    }
    return w;
}

/// The centered moving average of y (n values, stride apart) at every row; where the window
/// leaves [0, n), the part inside is averaged with its weights renormalized.
inline void centered_average(const double *y, std::size_t n, const std::vector<double> &w, double *out) {
    const std::size_t h = w.size() / 2;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t lo = i >= h ? i - h : 0;
        const std::size_t hi = std::min(n - 1, i + h);
        double sum = 0.0;
        double weight = 0.0;
        for (std::size_t k = lo; k <= hi; ++k) {
            const double wk = w[k + h - i];
            sum += wk * y[k];
            weight += wk;
        }
        out[i] = sum / weight;
    }
}

} // namespace detail

struct SeasonalDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (robust z above 3.5).
    std::optional<double> contamination;
    Combine combine = Combine::max;
    /// Rows per season (24 for hourly data with a daily cycle), >= 2.
    int period = 24;

    void validate() const {
        detail::validate_contamination(contamination);
        require(period >= 2, "period", "must be >= 2, got ", period);
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)},
                {"period", period}};
    }
    static SeasonalDetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j), document_get<int>(j, "period")};
    }
};

class SeasonalDetector final : public detail::StatisticalDetector<SeasonalDetector, SeasonalDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "SeasonalDetector";
    static constexpr int format_version = 1;
    explicit SeasonalDetector(Params params = {}) : StatisticalDetector(params) {}

    /// period x d seasonal component (row p = phase p), row-major.
    const std::vector<double> &seasonal() const noexcept { return seasonal_; }
    const std::vector<double> &residual_median() const noexcept { return median_; }
    const std::vector<double> &residual_scale() const noexcept { return scale_; }

    /// The decomposition of one column of a training-length series, as fit computes it:
    /// trend (NaN where the full window does not fit), seasonal (per row) and residual.
    struct Decomposition {
        std::vector<double> trend, seasonal, residual;
    };
    static Decomposition decompose(const std::vector<double> &x, std::size_t period) {
        const std::size_t n = x.size();
        require(period >= 2, "period", "must be >= 2, got ", period);
        require(n >= 2 * period, "X", "a seasonal decomposition with period ", period, " needs at least two periods (",
                2 * period, " rows), got ", n, " sample(s)");
        const auto w = detail::seasonal_trend_weights(period);
        const std::size_t h = w.size() / 2;
        Decomposition out;
        out.trend.assign(n, std::nan(""));
        for (std::size_t i = h; i + h < n; ++i) {
            double sum = 0.0;
            for (std::size_t k = 0; k < w.size(); ++k) {
                sum += w[k] * x[i - h + k];
            }
            out.trend[i] = sum;
        }
        std::vector<double> phase_sum(period, 0.0), phase_count(period, 0.0);
        for (std::size_t i = h; i + h < n; ++i) {
            phase_sum[i % period] += x[i] - out.trend[i];
            phase_count[i % period] += 1.0;
        }
        double mean = 0.0;
        for (std::size_t p = 0; p < period; ++p) {
            phase_sum[p] /= phase_count[p];
            mean += phase_sum[p];
        }
        mean /= static_cast<double>(period);
        out.seasonal.resize(n);
        out.residual.assign(n, std::nan(""));
        for (std::size_t i = 0; i < n; ++i) {
            out.seasonal[i] = phase_sum[i % period] - mean;
            if (i >= h && i + h < n) {
                out.residual[i] = x[i] - out.trend[i] - out.seasonal[i];
            }
        }
        return out;
    }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        const auto period = static_cast<std::size_t>(params_.period);
        const std::size_t d = X.cols();
        require(X.rows() >= 2 * period, "X", "SeasonalDetector with period ", period,
                " needs a series of at least two periods (", 2 * period, " rows), got ", X.rows(), " sample(s)");
        seasonal_.assign(period * d, 0.0);
        median_.resize(d);
        scale_.resize(d);
        for (std::size_t j = 0; j < d; ++j) {
            const Decomposition dec = decompose(detail::column_of(X, j), period);
            for (std::size_t p = 0; p < period; ++p) {
                seasonal_[p * d + j] = dec.seasonal[p];
            }
            std::vector<double> resid;
            resid.reserve(dec.residual.size());
            for (double r : dec.residual) {
                if (!std::isnan(r)) {
                    resid.push_back(r);
                }
            }
            median_[j] = detail::median_of(resid);
            scale_[j] = robust_scale(resid, median_[j]);
        }
    }

    void score_rows(const MatrixView &X, OutputView out) const {
        const std::size_t n = X.rows();
        const std::size_t d = n_features_;
        const auto period = static_cast<std::size_t>(params_.period);
        const auto w = detail::seasonal_trend_weights(period);
        // Column at a time (the trend needs the whole column), scores combined afterwards.
        std::vector<double> y(n), trend(n);
        std::vector<double> z(d == 1 ? 0 : n * d);
        for (std::size_t j = 0; j < d; ++j) {
            for (std::size_t i = 0; i < n; ++i) {
                y[i] = X(i, j) - seasonal_[(i % period) * d + j];
            }
            detail::centered_average(y.data(), n, w, trend.data());
            const double inv = 1.0 / scale_[j];
            for (std::size_t i = 0; i < n; ++i) {
                const double score = std::abs(y[i] - trend[i] - median_[j]) * inv;
                if (d == 1) {
                    out[i] = score;
                } else {
                    z[i * d + j] = score;
                }
            }
        }
        if (d > 1) {
            detail::combine_columns(MatrixView(z.data(), n, d), out, params_.combine,
                                    [](std::size_t, double v) { return v; });
        }
    }
    double auto_threshold() const { return 3.5; }
    Json state_json() const { return {{"seasonal", seasonal_}, {"residual_median", median_}, {"residual_scale", scale_}}; }
    void load_state(const Json &s) {
        seasonal_ = detail::state_column(s, "seasonal", static_cast<std::size_t>(params_.period) * n_features_);
        median_ = detail::state_column(s, "residual_median", n_features_);
        scale_ = detail::state_column(s, "residual_scale", n_features_, true);
    }

    std::vector<double> seasonal_, median_, scale_;
};

} // namespace oddkit
