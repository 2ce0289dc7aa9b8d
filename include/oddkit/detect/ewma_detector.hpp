#pragma once
/// EWMADetector: an EWMA control chart per column (Roberts 1959) for small persistent shifts.
/// Rows are a sequence in time order. fit learns the in-control mean mu and standard deviation
/// sigma (population, ddof = 0) of each column. Scoring runs, from z_0 = mu,
///   z_t = lambda x_t + (1 - lambda) z_{t-1}
/// and scores |z_t - mu| / sigma_t with the exact time-varying
///   sigma_t = sigma sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2t))),
/// i.e. the chart statistic in units of its own standard deviation; the chart's L-sigma
/// limits are score > L, which 'auto' contamination uses. Each scoring call starts a new chart.

#include <cmath>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"
#include "oddkit/detect/zscore_detector.hpp"

namespace oddkit {

struct EWMADetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (the L-sigma limits).
    std::optional<double> contamination;
    Combine combine = Combine::max;
    /// lambda, the smoothing weight of the newest value, in (0, 1]; 1 is a Shewhart chart.
    /// (`lam` because `lambda` is a Python keyword; the same name in both languages.)
    double lam = 0.2;
    /// Width of the control limits in standard deviations of the statistic.
    double L = 3.0;

    void validate() const {
        detail::validate_contamination(contamination);
        require(lam > 0.0 && lam <= 1.0, "lam", "must be in (0, 1], got ", lam);
        require(std::isfinite(L) && L > 0.0, "L", "must be a finite number > 0, got ", L);
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)},
                {"lam", lam},
                {"L", L}};
    }
    static EWMADetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j), document_get<double>(j, "lam"),
                document_get<double>(j, "L")};
    }
};

class EWMADetector final : public detail::StatisticalDetector<EWMADetector, EWMADetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "EWMADetector";
    static constexpr int format_version = 1;
    explicit EWMADetector(Params params = {}) : StatisticalDetector(params) {}

    const std::vector<double> &mean() const noexcept { return mean_; }
    const std::vector<double> &sigma() const noexcept { return sigma_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        ZScoreDetector z;
        z.fit(X); // mean and population std (1 for constant columns)
        mean_ = z.mean();
        sigma_ = z.scale();
    }
    void score_rows(const MatrixView &X, OutputView out) const {
        const double lambda = params_.lam;
        const double keep = 1.0 - lambda;
        const double asymptotic = lambda / (2.0 - lambda);
        std::vector<double> z(mean_);
        std::vector<double> inv_sigma(sigma_.size());
        double decay = 1.0; // (1 - lambda)^(2t), updated once per row
        std::size_t row_of_last = static_cast<std::size_t>(-1);
        std::size_t cell = 0;
        const std::size_t d = mean_.size();
        double row_factor = 0.0;
        detail::combine_columns(X, out, params_.combine, [&](std::size_t j, double x) {
            const std::size_t row = cell++ / d;
            if (row != row_of_last) {
                row_of_last = row;
                decay *= keep * keep;
                row_factor = 1.0 / std::sqrt(asymptotic * (1.0 - decay));
            }
            z[j] = lambda * x + keep * z[j];
            return std::abs(z[j] - mean_[j]) / sigma_[j] * row_factor;
        });
    }
    double auto_threshold() const { return params_.L; }
    Json state_json() const { return {{"mean", mean_}, {"sigma", sigma_}}; }
    void load_state(const Json &s) {
        mean_ = detail::state_column(s, "mean", n_features_);
        sigma_ = detail::state_column(s, "sigma", n_features_, true);
    }

    std::vector<double> mean_, sigma_;
};

} // namespace oddkit
