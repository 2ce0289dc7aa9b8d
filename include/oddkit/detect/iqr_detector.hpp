#pragma once
/// IQRDetector: Tukey's fences. Per column the score is how far x lies outside the box
/// [Q1, Q3], in IQR units: max(Q1 - x, x - Q3) / IQR (negative inside the box, so inliers
/// keep a ranking). Tukey's rule "outside [Q1 - k IQR, Q3 + k IQR]" is then score > k, which is
/// what 'auto' contamination uses. Quartiles are numpy.percentile's (linear). A column whose
/// IQR is 0 uses 1.

#include <cmath>
#include <optional>
#include <vector>

#include "oddkit/detect/detail/statistical_base.hpp"

namespace oddkit {

struct IQRDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (Tukey's fences at k).
    std::optional<double> contamination;
    Combine combine = Combine::max;
    /// The fence factor (1.5: Tukey's "outlier"; 3: "far out").
    double k = 1.5;

    void validate() const {
        detail::validate_contamination(contamination);
        require(std::isfinite(k) && k >= 0.0, "k", "must be a finite number >= 0, got ", k);
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)},
                {"k", k}};
    }
    static IQRDetectorParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j), document_get<double>(j, "k")};
    }
};

class IQRDetector final : public detail::StatisticalDetector<IQRDetector, IQRDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "IQRDetector";
    static constexpr int format_version = 1;
    explicit IQRDetector(Params params = {}) : StatisticalDetector(params) {}

    const std::vector<double> &q1() const noexcept { return q1_; }
    const std::vector<double> &q3() const noexcept { return q3_; }
    /// Q3 - Q1, or 1 where that is 0.
    const std::vector<double> &iqr() const noexcept { return iqr_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        const std::size_t d = X.cols();
        q1_.resize(d);
        q3_.resize(d);
        iqr_.resize(d);
        for (std::size_t j = 0; j < d; ++j) {
            auto column = detail::column_of(X, j);
            q1_[j] = percentile(column, 25.0);
            q3_[j] = percentile(std::move(column), 75.0);
            iqr_[j] = q3_[j] > q1_[j] ? q3_[j] - q1_[j] : 1.0;
        }
        set_inverse();
    }
    void score_rows(const MatrixView &X, OutputView out) const {
        const double *lo = q1_.data();
        const double *hi = q3_.data();
        const double *inv = inverse_iqr_.data();
        detail::combine_columns(X, out, params_.combine, [&](std::size_t j, double x) {
            return std::max(lo[j] - x, x - hi[j]) * inv[j];
        });
    }
    double auto_threshold() const { return params_.k; }
    Json state_json() const { return {{"q1", q1_}, {"q3", q3_}, {"iqr", iqr_}}; }
    void load_state(const Json &s) {
        q1_ = detail::state_column(s, "q1", n_features_);
        q3_ = detail::state_column(s, "q3", n_features_);
        iqr_ = detail::state_column(s, "iqr", n_features_, true);
        for (std::size_t j = 0; j < n_features_; ++j) {
            if (q3_[j] < q1_[j]) {
                throw FormatError("model document: q3 below q1");
            }
        }
        set_inverse();
    }
    void set_inverse() {
        inverse_iqr_.resize(iqr_.size());
        for (std::size_t j = 0; j < iqr_.size(); ++j) {
            inverse_iqr_[j] = 1.0 / iqr_[j];
        }
    }

    std::vector<double> q1_, q3_, iqr_, inverse_iqr_;
};

} // namespace oddkit
