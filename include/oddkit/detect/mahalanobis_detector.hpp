#pragma once
/// MahalanobisDetector: the squared Mahalanobis distance of each row from a fitted location
/// and covariance, for outliers that are unusual only in combination of sensors.
///   robust = false  mean and population covariance (sklearn.covariance.EmpiricalCovariance)
///   robust = true   the reweighted Minimum Covariance Determinant estimate
///                   (sklearn.covariance.MinCovDet / EllipticEnvelope), found by FastMCD
/// The precision is the symmetric pseudo-inverse (scipy.linalg.pinvh), so a constant column
/// or collinear sensors do not fail: their degenerate directions are ignored.
/// anomaly_score is the squared distance (sklearn's mahalanobis()); 'auto' contamination flags
/// rows beyond the chi-square(d) 97.5% quantile, the cut the reweighting step uses.

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "oddkit/core/distributions.hpp"
#include "oddkit/detect/detail/fast_mcd.hpp"
#include "oddkit/detect/detail/statistical_base.hpp"

namespace oddkit {

struct MahalanobisDetectorParams {
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (chi2_d 97.5% quantile).
    std::optional<double> contamination;
    /// Minimum Covariance Determinant instead of the sample covariance.
    bool robust = false;
    /// Share of rows in the MCD support, in (0, 1]; nullopt = (n + d + 1) / 2 rows, the
    /// maximal breakdown point (scikit-learn's default).
    std::optional<double> support_fraction;
    std::uint64_t random_state = 0;

    void validate() const {
        detail::validate_contamination(contamination);
        if (support_fraction) {
            require(*support_fraction > 0.0 && *support_fraction <= 1.0, "support_fraction",
                    "must be None or in (0, 1], got ", *support_fraction);
        }
    }
    Json to_json() const {
        return {{"contamination", detail::contamination_to_json(contamination)},
                {"robust", robust},
                {"support_fraction", support_fraction ? Json(*support_fraction) : Json(nullptr)},
                {"random_state", random_state}};
    }
    static MahalanobisDetectorParams from_json(const Json &j) {
        MahalanobisDetectorParams p;
        p.contamination = detail::contamination_from_json(j);
        p.robust = document_get<bool>(j, "robust");
        const Json &s = j.at("support_fraction");
        if (!s.is_null()) {
            p.support_fraction = s.get<double>();
        }
        p.random_state = document_get<std::uint64_t>(j, "random_state");
        return p;
    }
};

class MahalanobisDetector final
    : public detail::StatisticalDetector<MahalanobisDetector, MahalanobisDetectorParams> {
  public:
    static constexpr std::string_view estimator_name = "MahalanobisDetector";
    static constexpr int format_version = 1;
    explicit MahalanobisDetector(Params params = {}) : StatisticalDetector(params) {}

    const std::vector<double> &location() const noexcept { return location_; }
    /// d x d, row-major.
    const std::vector<double> &covariance() const noexcept { return covariance_; }
    const std::vector<double> &precision() const noexcept { return precision_; }
    /// Rows the final estimate was computed from (all rows unless robust).
    std::size_t support_size() const noexcept { return support_size_; }

  private:
    friend StatisticalDetector;

    void fit_state(const MatrixView &X) {
        const std::size_t n = X.rows();
        const std::size_t d = X.cols();
        detail::Gaussian g;
        if (params_.robust) {
            std::size_t h = params_.support_fraction
                                ? static_cast<std::size_t>(*params_.support_fraction * static_cast<double>(n))
                                : static_cast<std::size_t>(std::ceil(0.5 * static_cast<double>(n + d + 1)));
            h = std::min(n, h);
            require(h > d, "support_fraction", "leaves ", h, " rows in the support; the MCD needs more than the ", d,
                    " features (got ", n, " sample(s))");
            const auto result = detail::fast_mcd(X, h, params_.random_state);
            g = result.reweighted;
            support_size_ = result.support_size;
        } else {
            std::vector<std::uint32_t> all(n);
            for (std::size_t i = 0; i < n; ++i) {
                all[i] = static_cast<std::uint32_t>(i);
            }
            g = detail::estimate_rows(detail::eigen_map(X), all);
            support_size_ = n;
        }
        location_.assign(g.location.data(), g.location.data() + d);
        covariance_.resize(d * d);
        precision_.resize(d * d);
        for (std::size_t a = 0; a < d; ++a) {
            for (std::size_t b = 0; b < d; ++b) {
                covariance_[a * d + b] = g.covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
                precision_[a * d + b] = g.precision(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
            }
        }
        threshold_ = chi2_quantile(0.975, static_cast<double>(d));
    }

    void score_rows(const MatrixView &X, OutputView out) const {
        const std::size_t d = location_.size();
        std::vector<double> diff(d);
        for (std::size_t i = 0; i < X.rows(); ++i) {
            const double *x = X.row(i);
            for (std::size_t j = 0; j < d; ++j) {
                diff[j] = x[j] - location_[j];
            }
            double q = 0.0;
            for (std::size_t a = 0; a < d; ++a) {
                const double *p = precision_.data() + a * d;
                double row = 0.0;
                for (std::size_t b = 0; b < d; ++b) {
                    row += p[b] * diff[b];
                }
                q += diff[a] * row;
            }
            out[i] = q;
        }
    }
    double auto_threshold() const { return threshold_; }
    Json state_json() const {
        return {{"location", location_}, {"covariance", covariance_}, {"precision", precision_},
                {"support_size", support_size_}};
    }
    void load_state(const Json &s) {
        const std::size_t d = n_features_;
        location_ = detail::state_column(s, "location", d);
        covariance_ = detail::state_column(s, "covariance", d * d);
        precision_ = detail::state_column(s, "precision", d * d);
        support_size_ = document_get<std::size_t>(s, "support_size");
        threshold_ = chi2_quantile(0.975, static_cast<double>(d));
    }

    std::vector<double> location_, covariance_, precision_;
    std::size_t support_size_ = 0;
    double threshold_ = 0.0;
};

} // namespace oddkit
