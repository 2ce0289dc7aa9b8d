#pragma once
/// CUSUMDetector: Page's tabular CUSUM per column, for persistent shifts of the mean. Rows are
/// a sequence in time order. fit learns the in-control mean mu and standard deviation sigma
/// (population, ddof = 0); scoring runs, from C+ = C- = 0, on y_t = (x_t - mu) / sigma:
///   C+_t = max(0, C+_{t-1} + y_t - k),   C-_t = max(0, C-_{t-1} - y_t - k)
/// and scores max(C+_t, C-_t) in sigma units. The chart signals at score > h, which 'auto'
/// contamination uses. Sums are not reset after a signal (the score stays high while the shift
/// lasts); each scoring call starts a new chart.

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"
#include "oddkit/detect/zscore_detector.hpp"

namespace oddkit {

struct CUSUMDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (the decision interval h).
    std::optional<double> contamination;
    Combine combine = Combine::max;
    /// Allowance (slack) in sigma units: half the shift to detect, classically 0.5.
    double k = 0.5;
    /// Decision interval in sigma units, classically 4 or 5.
    double h = 5.0;

    void validate() const {
        detail::validate_contamination(contamination);
        require(std::isfinite(k) && k >= 0.0, "k", "must be a finite number >= 0, got ", k);
        require(std::isfinite(h) && h > 0.0, "h", "must be a finite number > 0, got ", h);
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)},
                {"k", k},
                {"h", h}};
    }
    static CUSUMDetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j), document_get<double>(j, "k"),
                document_get<double>(j, "h")};
    }
};

class CUSUMDetector final : public detail::StatisticalDetector<CUSUMDetector, CUSUMDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "CUSUMDetector";
    static constexpr int format_version = 1;
    explicit CUSUMDetector(Params params = {}) : StatisticalDetector(params) {}

    const std::vector<double> &mean() const noexcept { return mean_; }
    const std::vector<double> &sigma() const noexcept { return sigma_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        ZScoreDetector z;
        z.fit(X);
        mean_ = z.mean();
        sigma_ = z.scale();
    }
    void score_rows(const MatrixView &X, OutputView out) const {
        std::vector<double> upper(mean_.size(), 0.0), lower(mean_.size(), 0.0);
        const double k = params_.k;
        detail::combine_columns(X, out, params_.combine, [&](std::size_t j, double x) {
            const double y = (x - mean_[j]) / sigma_[j];
            upper[j] = std::max(0.0, upper[j] + y - k);
            lower[j] = std::max(0.0, lower[j] - y - k);
            return std::max(upper[j], lower[j]);
        });
    }
    double auto_threshold() const { return params_.h; }
    Json state_json() const { return {{"mean", mean_}, {"sigma", sigma_}}; }
    void load_state(const Json &s) {
        mean_ = detail::state_column(s, "mean", n_features_);
        sigma_ = detail::state_column(s, "sigma", n_features_, true);
    }

    std::vector<double> mean_, sigma_;
};

} // namespace oddkit
