#pragma once
/// The generalized extreme studentized deviate test (Rosner 1983) and a detector built on it.
///
/// The test: for i = 1..r, R_i = max |x - mean| / s over the values not yet removed (s with
/// n - 1 in the denominator), then the value attaining it is removed; the critical value is
///   lambda_i = (n - i) t_{p, n-i-1} / sqrt((n - i - 1 + t^2)(n - i + 1)),  p = 1 - alpha / (2(n - i + 1)).
/// The number of outliers is the largest i with R_i > lambda_i.
///
/// GeneralizedESD runs the test on each training column at fit. To score new rows it keeps,
/// per column, the mean and s of the values the test left in, and the next critical value
/// lambda_{k+1} (the one a further outlier would have had to beat); the column score is
/// |x - mean| / s / lambda_{k+1}, so 'auto' contamination flags scores above 1.

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "oddkit/core/distributions.hpp"
#include "oddkit/detect/detail/statistical_base.hpp"

namespace oddkit {

struct EsdResult {
    std::vector<double> statistics;      ///< R_i, i = 1..r (fewer if the rest became constant)
    std::vector<double> critical_values; ///< lambda_i
    std::vector<std::size_t> removed;    ///< index (into the input) of the value removed at step i
    std::size_t n_outliers = 0;          ///< the largest i with R_i > lambda_i (0 if none)
};

/// The ESD critical value lambda_i for step i (1-based) of a sample of n.
inline double esd_critical_value(std::size_t n, std::size_t i, double alpha) {
    const double nf = static_cast<double>(n);
    const double fi = static_cast<double>(i);
    const double p = 1.0 - alpha / (2.0 * (nf - fi + 1.0));
    const double t = student_t_quantile(p, nf - fi - 1.0);
    return (nf - fi) * t / std::sqrt((nf - fi - 1.0 + t * t) * (nf - fi + 1.0));
}

/// Rosner's generalized ESD test on `values` for up to max_anomalies outliers at level alpha.
/// Needs max_anomalies <= n - 3 (so every step keeps at least 3 values).
inline EsdResult generalized_esd(const std::vector<double> &values, std::size_t max_anomalies, double alpha) {
    require(max_anomalies >= 1, "max_anomalies", "must be >= 1, got ", max_anomalies);
    require(alpha > 0.0 && alpha < 1.0, "alpha", "must be in (0, 1), got ", alpha);
    require(values.size() >= max_anomalies + 3, "X",
            "the generalized ESD test needs at least max_anomalies + 3 = ", max_anomalies + 3, " samples, got ",
            values.size());
    const std::size_t n = values.size();
    std::vector<char> kept(n, 1);
    double sum = 0.0;
    for (double v : values) {
        sum += v;
    }
    EsdResult result;
    for (std::size_t i = 1; i <= max_anomalies; ++i) {
        const double m = static_cast<double>(n - i + 1);
        const double mean = sum / m;
        double ss = 0.0;
        double worst = -1.0;
        std::size_t at = 0;
        for (std::size_t k = 0; k < n; ++k) {
            if (!kept[k]) {
                continue;
            }
            const double dev = std::abs(values[k] - mean);
            ss += dev * dev;
            if (dev > worst) {
                worst = dev;
                at = k;
            }
        }
        const double s = std::sqrt(ss / (m - 1.0));
        if (!(s > 0.0)) {
            break; // the remaining values are all equal: nothing is extreme any more
        }
        result.statistics.push_back(worst / s);
        result.critical_values.push_back(esd_critical_value(n, i, alpha));
        result.removed.push_back(at);
        kept[at] = 0;
        sum -= values[at];
        if (result.statistics.back() > result.critical_values.back()) {
            result.n_outliers = i;
        }
    }
    return result;
}

struct GeneralizedESDParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (the test's own verdict).
    std::optional<double> contamination;
    Combine combine = Combine::max;
    /// Upper bound r on the number of outliers per column the test looks for.
    int max_anomalies = 10;
    /// Significance level of the test.
    double alpha = 0.05;

    void validate() const {
        detail::validate_contamination(contamination);
        require(max_anomalies >= 1, "max_anomalies", "must be >= 1, got ", max_anomalies);
        require(alpha > 0.0 && alpha < 1.0, "alpha", "must be in (0, 1), got ", alpha);
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"combine", detail::combine_to_json(combine)},
                {"max_anomalies", max_anomalies},
                {"alpha", alpha}};
    }
    static GeneralizedESDParams from_json(const Json &j) {
        return {detail::contamination_from_json(j), detail::combine_from_json(j),
                document_get<int>(j, "max_anomalies"), document_get<double>(j, "alpha")};
    }
};

class GeneralizedESD final : public detail::StatisticalDetector<GeneralizedESD, GeneralizedESDParams> {
  public:
    static constexpr std::string_view estimator_name = "GeneralizedESD";
    static constexpr int format_version = 1;
    explicit GeneralizedESD(Params params = {}) : StatisticalDetector(params) {}

    /// Per column: outliers the test found in the training rows, the mean and s of the rest,
    /// and lambda_{k+1}, the critical value new values are measured against.
    const std::vector<std::int64_t> &n_outliers() const noexcept { return n_outliers_; }
    const std::vector<double> &mean() const noexcept { return mean_; }
    const std::vector<double> &scale() const noexcept { return scale_; }
    const std::vector<double> &critical_value() const noexcept { return critical_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        const std::size_t n = X.rows();
        const auto r = static_cast<std::size_t>(params_.max_anomalies);
        require(n >= r + 3, "X", "GeneralizedESD with max_anomalies = ", r, " needs at least ", r + 3,
                " samples, got ", n, " sample(s)");
        const std::size_t d = X.cols();
        n_outliers_.assign(d, 0);
        mean_.assign(d, 0.0);
        scale_.assign(d, 1.0);
        critical_.assign(d, 1.0);
        for (std::size_t j = 0; j < d; ++j) {
            const auto column = detail::column_of(X, j);
            const EsdResult test = generalized_esd(column, r, params_.alpha);
            const std::size_t k = test.n_outliers;
            n_outliers_[j] = static_cast<std::int64_t>(k);
            std::vector<char> kept(n, 1);
            for (std::size_t i = 0; i < k; ++i) {
                kept[test.removed[i]] = 0;
            }
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                sum += kept[i] ? column[i] : 0.0;
            }
            const double m = static_cast<double>(n - k);
            mean_[j] = sum / m;
            double ss = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                const double dev = column[i] - mean_[j];
                ss += kept[i] ? dev * dev : 0.0;
            }
            const double s = std::sqrt(ss / (m - 1.0));
            scale_[j] = s > 0.0 ? s : 1.0;
            critical_[j] = esd_critical_value(n, k + 1, params_.alpha);
        }
        set_inverse();
    }
    void score_rows(const MatrixView &X, OutputView out) const {
        const double *mu = mean_.data();
        const double *inv = inverse_.data();
        detail::combine_columns(X, out, params_.combine,
                                [&](std::size_t j, double x) { return std::abs(x - mu[j]) * inv[j]; });
    }
    double auto_threshold() const { return 1.0; }
    Json state_json() const {
        return {{"n_outliers", n_outliers_}, {"mean", mean_}, {"scale", scale_}, {"critical_value", critical_}};
    }
    void load_state(const Json &s) {
        n_outliers_ = document_get<std::vector<std::int64_t>>(s, "n_outliers");
        if (n_outliers_.size() != n_features_) {
            throw FormatError("model document: 'n_outliers' does not match n_features_in");
        }
        mean_ = detail::state_column(s, "mean", n_features_);
        scale_ = detail::state_column(s, "scale", n_features_, true);
        critical_ = detail::state_column(s, "critical_value", n_features_, true);
        set_inverse();
    }
    void set_inverse() {
        inverse_.resize(scale_.size());
        for (std::size_t j = 0; j < scale_.size(); ++j) {
            inverse_[j] = 1.0 / (scale_[j] * critical_[j]);
        }
    }

    std::vector<std::int64_t> n_outliers_;
    std::vector<double> mean_, scale_, critical_, inverse_;
};

} // namespace oddkit
