#pragma once
/// ZScoreDetector: per column |x - mean| / std with the mean and (population, ddof = 0)
/// standard deviation of the training rows, as sklearn's StandardScaler; a constant column
/// gets scale 1 (again as StandardScaler). anomaly_score combines the columns' |z| by max or
/// mean; 'auto' contamination flags |z| > 3.

#include <cmath>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"

namespace oddkit {

struct ZScoreDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (threshold |z| = 3).
    std::optional<double> contamination;
    Combine combine = Combine::max;

    void validate() const { detail::validate_contamination(contamination); }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)}};
    }
    static ZScoreDetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j)};
    }
};

class ZScoreDetector final : public detail::StatisticalDetector<ZScoreDetector, ZScoreDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "ZScoreDetector";
    static constexpr int format_version = 1;
    explicit ZScoreDetector(Params params = {}) : StatisticalDetector(params) {}

    /// Per-column mean and scale (std, or 1 for a constant column) learnt by fit.
    const std::vector<double> &mean() const noexcept { return mean_; }
    const std::vector<double> &scale() const noexcept { return scale_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        const std::size_t n = X.rows();
        const std::size_t d = X.cols();
        mean_.assign(d, 0.0);
        std::vector<double> m2(d, 0.0);
        // Welford's update: one pass, row-major, and stable for large offsets.
        for (std::size_t i = 0; i < n; ++i) {
            const double *x = X.row(i);
            const double inv = 1.0 / static_cast<double>(i + 1);
            for (std::size_t j = 0; j < d; ++j) {
                const double delta = x[j] - mean_[j];
                mean_[j] += delta * inv;
                m2[j] += delta * (x[j] - mean_[j]);
            }
        }
        scale_.resize(d);
        for (std::size_t j = 0; j < d; ++j) {
            const double sd = std::sqrt(m2[j] / static_cast<double>(n));
            scale_[j] = sd > 0.0 ? sd : 1.0;
        }
        set_inverse();
    }

    void score_rows(const MatrixView &X, OutputView out) const {
        const double *mu = mean_.data();
        const double *inv = inverse_scale_.data();
        detail::combine_columns(X, out, params_.combine,
                                [&](std::size_t j, double x) { return std::abs(x - mu[j]) * inv[j]; });
    }

    double auto_threshold() const { return 3.0; }
    Json state_json() const { return {{"mean", mean_}, {"scale", scale_}}; }
    void load_state(const Json &s) {
        mean_ = detail::state_column(s, "mean", n_features_);
        scale_ = detail::state_column(s, "scale", n_features_, true);
        set_inverse();
    }
    void set_inverse() {
        inverse_scale_.resize(scale_.size());
        for (std::size_t j = 0; j < scale_.size(); ++j) {
            inverse_scale_[j] = 1.0 / scale_[j];
        }
    }

    std::vector<double> mean_, scale_, inverse_scale_;
};

} // namespace oddkit
