#pragma once
/// RobustZScoreDetector: per column |x - median| / (1.4826 MAD), the modified z-score of
/// Iglewicz and Hoaglin (1.4826 makes the MAD estimate the standard deviation of a normal).
/// A column whose MAD is 0 (more than half its values equal) falls back to the mean absolute
/// deviation from the median times sqrt(pi / 2) (also a normal-consistent scale), and to 1 if
/// that is 0 too. 'auto' contamination flags a robust z above 3.5 (Iglewicz and Hoaglin).

#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"

namespace oddkit {

/// 1 / Phi^-1(3/4): scales a MAD to a normal standard deviation.
inline constexpr double mad_normal_scale = 1.4826;

/// A normal-consistent robust scale of `values` around `center`: 1.4826 MAD, or the mean
/// absolute deviation times sqrt(pi/2) when the MAD is 0, or 1 when that is 0 as well.
inline double robust_scale(const std::vector<double> &values, double center) {
    std::vector<double> dev(values.size());
    double total = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        dev[i] = std::abs(values[i] - center);
        total += dev[i];
    }
    const double mad = mad_normal_scale * detail::median_of(std::move(dev));
    if (mad > 0.0) {
        return mad;
    }
    const double mean_ad = std::sqrt(std::numbers::pi / 2.0) * total / static_cast<double>(values.size());
    return mean_ad > 0.0 ? mean_ad : 1.0;
}

struct RobustZScoreDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (threshold 3.5).
    std::optional<double> contamination;
    Combine combine = Combine::max;

    void validate() const { detail::validate_contamination(contamination); }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)}};
    }
    static RobustZScoreDetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j)};
    }
};

class RobustZScoreDetector final
    : public detail::StatisticalDetector<RobustZScoreDetector, RobustZScoreDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "RobustZScoreDetector";
    static constexpr int format_version = 1;
    explicit RobustZScoreDetector(Params params = {}) : StatisticalDetector(params) {}

    const std::vector<double> &median() const noexcept { return median_; }
    const std::vector<double> &scale() const noexcept { return scale_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        median_.resize(X.cols());
        scale_.resize(X.cols());
        for (std::size_t j = 0; j < X.cols(); ++j) {
            const auto column = detail::column_of(X, j);
            median_[j] = detail::median_of(column);
            scale_[j] = robust_scale(column, median_[j]);
        }
        set_inverse();
    }
    void score_rows(const MatrixView &X, OutputView out) const {
        const double *med = median_.data();
        const double *inv = inverse_scale_.data();
        detail::combine_columns(X, out, params_.combine,
                                [&](std::size_t j, double x) { return std::abs(x - med[j]) * inv[j]; });
    }
    double auto_threshold() const { return 3.5; }
    Json state_json() const { return {{"median", median_}, {"scale", scale_}}; }
    void load_state(const Json &s) {
        median_ = detail::state_column(s, "median", n_features_);
        scale_ = detail::state_column(s, "scale", n_features_, true);
        set_inverse();
    }
    void set_inverse() {
        inverse_scale_.resize(scale_.size());
        for (std::size_t j = 0; j < scale_.size(); ++j) {
            inverse_scale_[j] = 1.0 / scale_[j];
        }
    }

    std::vector<double> median_, scale_, inverse_scale_;
};

} // namespace oddkit
