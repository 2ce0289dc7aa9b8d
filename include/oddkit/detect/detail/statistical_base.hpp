#pragma once
/// Plumbing shared by the statistical detectors, so each one is only its statistics: the
/// contamination -> offset rule, the fitted/feature checks, scoring through anomaly_score,
/// and the model document (params + per-column state + n_features_in + offset).
///
/// A Derived detector provides
///   static constexpr std::string_view estimator_name; static constexpr int format_version;
///   void fit_state(const MatrixView &X);            per-column statistics from training rows
///   void score_rows(const MatrixView &X, OutputView out) const;   anomaly scores (checked X)
///   double auto_threshold() const;                  anomaly score where 'auto' draws the line
///   Json state_json() const; void load_state(const Json &s);  (load_state validates)

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/detect/detector.hpp"

namespace oddkit {

/// How the per-column scores of a univariate detector become one score per row.
enum class Combine {
    max,  ///< the most anomalous column decides (a spike in any sensor flags the row)
    mean, ///< the average over columns (needs several columns to agree)
};

namespace detail {

inline void validate_contamination(const std::optional<double> &c) {
    if (c) {
        require(*c > 0.0 && *c <= 0.5, "contamination", "must be 'auto' or in (0, 0.5], got ", *c);
    }
}
inline Json contamination_to_json(const std::optional<double> &c) { return c ? Json(*c) : Json("auto"); }
inline std::optional<double> contamination_from_json(const Json &j) {
    const Json &c = j.at("contamination");
    if (c.is_number()) {
        return c.get<double>();
    }
    if (!(c.is_string() && c.get<std::string>() == "auto")) {
        throw FormatError("model document: parameter 'contamination' must be 'auto' or a number");
    }
    return std::nullopt;
}
inline Json combine_to_json(Combine c) { return c == Combine::max ? "max" : "mean"; }
inline Combine combine_from_json(const Json &j) {
    const auto s = document_get<std::string>(j, "combine");
    if (s == "max") {
        return Combine::max;
    }
    if (s == "mean") {
        return Combine::mean;
    }
    throw FormatError("model document: parameter 'combine' must be 'max' or 'mean', got '" + s + "'");
}

/// Per-column values read from a document: exactly `n` finite numbers (positive if asked).
inline std::vector<double> state_column(const Json &s, std::string_view key, std::size_t n, bool positive = false) {
    auto v = document_get<std::vector<double>>(s, key);
    if (v.size() != n) {
        throw FormatError("model document: '" + std::string(key) + "' has " + std::to_string(v.size()) +
                          " values, expected " + std::to_string(n));
    }
    for (double x : v) {
        if (!std::isfinite(x) || (positive && !(x > 0.0))) {
            throw FormatError("model document: '" + std::string(key) + "' holds a " +
                              (positive ? "non-positive or " : "") + "non-finite value");
        }
    }
    return v;
}

/// Calls column_score(j, x) for every cell in row order (columns inner) and writes the max or
/// mean of each row's values to out. Row order matters to the sequence detectors, whose
/// column_score carries state from one row to the next.
template <class ColumnScore>
inline void combine_columns(const MatrixView &X, OutputView out, Combine combine, ColumnScore &&column_score) {
    const std::size_t n = X.rows();
    const std::size_t d = X.cols();
    if (d == 1) {
        const double *p = X.data();
        const std::size_t stride = X.row_stride();
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = column_score(std::size_t{0}, p[i * stride]);
        }
        return;
    }
    const double inv_d = 1.0 / static_cast<double>(d);
    for (std::size_t i = 0; i < n; ++i) {
        const double *x = X.row(i);
        double acc = column_score(std::size_t{0}, x[0]);
        if (combine == Combine::max) {
            for (std::size_t j = 1; j < d; ++j) {
                acc = std::max(acc, column_score(j, x[j]));
            }
            out[i] = acc;
        } else {
            for (std::size_t j = 1; j < d; ++j) {
                acc += column_score(j, x[j]);
            }
            out[i] = acc * inv_d;
        }
    }
}

/// One column of X copied out (the order statistics need a contiguous, sortable copy).
inline std::vector<double> column_of(const MatrixView &X, std::size_t j) {
    std::vector<double> v(X.rows());
    for (std::size_t i = 0; i < X.rows(); ++i) {
        v[i] = X(i, j);
    }
    return v;
}

/// The median of v (numpy.median: the mean of the two middle values for an even count).
inline double median_of(std::vector<double> v) { return percentile(std::move(v), 50.0); }

template <class Derived, class ParamsT> class StatisticalDetector : public Detector {
  public:
    using Params = ParamsT;
    explicit StatisticalDetector(Params params) : params_(std::move(params)) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return Derived::estimator_name; }
    bool is_fitted() const noexcept override { return n_features_ > 0; }
    std::size_t n_features_in() const override {
        require_fitted();
        return n_features_;
    }
    double offset() const override {
        require_fitted();
        return offset_;
    }

    using Detector::anomaly_score;
    using Detector::score_samples;

    void fit(const MatrixView &X) override {
        params_.validate();
        check_not_empty(X);
        check_finite(X);
        derived().fit_state(X);
        n_features_ = X.cols();
        offset_ = -derived().auto_threshold();
        if (params_.contamination) {
            const Vector s = score_samples(X);
            offset_ = percentile(std::vector<double>(s.begin(), s.end()), 100.0 * *params_.contamination);
        }
    }

    /// scikit-learn's sign: minus the anomaly score, lower is more abnormal.
    void score_samples(const MatrixView &X, OutputView out) const override {
        anomaly_score(X, out);
        for (std::size_t i = 0; i < out.size; ++i) {
            out[i] = -out[i];
        }
    }

    void anomaly_score(const MatrixView &X, OutputView out) const override {
        require_fitted();
        check_n_features(X, n_features_, Derived::estimator_name.data());
        check_finite(X);
        check_output_size(out, X.rows());
        derived().score_rows(X, out);
    }

    Json to_document() const override {
        require_fitted();
        Json state = derived().state_json();
        state["n_features_in"] = n_features_;
        state["offset"] = offset_;
        return make_document(Derived::estimator_name, Derived::format_version, params_.to_json(), std::move(state));
    }

    /// Rebuilds a fitted detector; any inconsistency is a FormatError.
    static Derived from_document(const Json &doc) {
        check_document(doc, Derived::estimator_name, Derived::format_version);
        Derived out;
        out.params_ = document_params<Params>(doc);
        const Json &s = doc.at("state");
        out.n_features_ = document_get<std::size_t>(s, "n_features_in");
        out.offset_ = document_get<double>(s, "offset");
        if (out.n_features_ == 0 || !std::isfinite(out.offset_)) {
            throw FormatError("model document: n_features_in must be positive and offset finite");
        }
        try {
            out.load_state(s);
        } catch (const Json::exception &e) {
            throw FormatError(std::string("model document: malformed state: ") + e.what());
        }
        return out;
    }
    static Derived load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    void require_fitted() const {
        if (!is_fitted()) {
            throw NotFitted("This " + std::string(Derived::estimator_name) +
                            " instance is not fitted yet. Call 'fit' first.");
        }
    }
    Params params_;
    std::size_t n_features_ = 0;
    double offset_ = 0.0;

  private:
    Derived &derived() noexcept { return static_cast<Derived &>(*this); }
    const Derived &derived() const noexcept { return static_cast<const Derived &>(*this); }
};

} // namespace detail
} // namespace oddkit
