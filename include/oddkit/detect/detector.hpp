#pragma once
/// The interface every batch anomaly detector implements, so ensembles and the streaming layer
/// can hold any of them. Score vocabulary (the same in C++ and Python):
///   score_samples(X)      scikit-learn's sign: lower is more abnormal
///   decision_function(X)  score_samples(X) - offset(); negative means outlier
///   predict(X)            -1 for outliers, +1 for inliers
///   anomaly_score(X)      higher is more anomalous (ensembles and thresholds use this one)
/// Fitted detectors are const to score, so one model may score from many threads at once.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "oddkit/core/document.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

using Labels = xt::xtensor<std::int64_t, 1>;

class Detector {
  public:
    virtual ~Detector() = default;

    /// The estimator's name as written in its model document ("IsolationForest").
    virtual std::string_view name() const noexcept = 0;
    virtual bool is_fitted() const noexcept = 0;
    /// Feature count seen at fit time.
    virtual std::size_t n_features_in() const = 0;
    /// The threshold on score_samples: decision_function = score_samples - offset.
    virtual double offset() const = 0;

    virtual void fit(const MatrixView &X) = 0;
    /// Writes one score per row of X into out (size X.rows()).
    virtual void score_samples(const MatrixView &X, OutputView out) const = 0;
    virtual void anomaly_score(const MatrixView &X, OutputView out) const = 0;
    virtual Json to_document() const = 0;

    Vector score_samples(const MatrixView &X) const {
        Vector out = xt::empty<double>({X.rows()});
        score_samples(X, out);
        return out;
    }
    Vector anomaly_score(const MatrixView &X) const {
        Vector out = xt::empty<double>({X.rows()});
        anomaly_score(X, out);
        return out;
    }
    Vector decision_function(const MatrixView &X) const {
        Vector out = score_samples(X);
        const double off = offset();
        for (auto &v : out) {
            v -= off;
        }
        return out;
    }
    Labels predict(const MatrixView &X) const {
        const Vector d = decision_function(X);
        Labels out = xt::empty<std::int64_t>({d.size()});
        for (std::size_t i = 0; i < d.size(); ++i) {
            out[i] = d[i] < 0.0 ? -1 : 1;
        }
        return out;
    }
    Labels fit_predict(const MatrixView &X) {
        fit(X);
        return predict(X);
    }
    void save(const std::string &path) const { write_document(to_document(), path); }
};

} // namespace oddkit
