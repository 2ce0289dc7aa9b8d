#pragma once
/// Column scalers with scikit-learn's definitions, fitted on the non-missing values of each
/// column; missing values pass through transform as NaN (as sklearn's scalers do).
///  - StandardScaler: (x - mean) / std (ddof 0); a constant column gets scale 1.
///  - RobustScaler: (x - median) / (q_high - q_low percentile range); zero range gets 1.
///  - MinMaxScaler: x * scale + min, mapping [data_min, data_max] onto [feature_min,
///    feature_max]; a constant column gets range 1.
/// Each round-trips through a model document ("StandardScaler", ... version 1).

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

namespace detail {

/// Rejects infinity (NaN is allowed: it means missing) and empty input.
inline void check_scaler_input(const MatrixView &X, const char *name = "X") {
    check_not_empty(X, name);
    for (std::size_t i = 0; i < X.rows(); ++i) {
        for (std::size_t j = 0; j < X.cols(); ++j) {
            require(!std::isinf(X(i, j)), name, "contains infinity at row ", i, ", column ", j,
                    " (NaN is accepted as missing, infinity is not)");
        }
    }
}

inline std::vector<double> present_values(const MatrixView &X, std::size_t j) {
    std::vector<double> v;
    v.reserve(X.rows());
    for (std::size_t i = 0; i < X.rows(); ++i) {
        if (!std::isnan(X(i, j))) v.push_back(X(i, j));
    }
    return v;
}

/// Shared fit/transform bookkeeping of a per-column affine scaler.
class ColumnScaler {
  public:
    bool is_fitted() const noexcept { return fitted_; }
    std::size_t n_features_in() const {
        require_fitted();
        return n_features_;
    }

  protected:
    void require_fitted() const {
        if (!fitted_) {
            throw NotFitted("This " + std::string(name_) + " instance is not fitted yet. Call 'fit' first.");
        }
    }
    void check_transform_input(const MatrixView &X) const {
        require_fitted();
        require(X.rows() == 0 || X.cols() == n_features_, "X", "has ", X.cols(), " features, but ", name_,
                " is expecting ", n_features_, " features as input");
        for (std::size_t i = 0; i < X.rows(); ++i)
            for (std::size_t j = 0; j < X.cols(); ++j)
                require(!std::isinf(X(i, j)), "X", "contains infinity at row ", i, ", column ", j);
    }
    template <class F> Matrix map(const MatrixView &X, F f) const {
        check_transform_input(X);
        Matrix out = xt::empty<double>({X.rows(), X.cols()});
        for (std::size_t i = 0; i < X.rows(); ++i)
            for (std::size_t j = 0; j < X.cols(); ++j) out(i, j) = f(X(i, j), j);
        return out;
    }
    static std::vector<double> state_vector(const Json &s, const char *key, std::size_t n) {
        auto v = document_get<std::vector<double>>(s, key);
        if (v.size() != n) {
            throw FormatError(std::string("model document: '") + key + "' does not have n_features_in values");
        }
        return v;
    }
    explicit ColumnScaler(const char *name) : name_(name) {}
    const char *name_;
    bool fitted_ = false;
    std::size_t n_features_ = 0;
};

inline double nonzero_scale(double s) { return s == 0.0 ? 1.0 : s; }

} // namespace detail

struct StandardScalerParams {
    bool with_mean = true;
    bool with_std = true;
    void validate() const {} // every combination is valid
    Json to_json() const { return {{"with_mean", with_mean}, {"with_std", with_std}}; }
    static StandardScalerParams from_json(const Json &j) {
        return {document_get<bool>(j, "with_mean"), document_get<bool>(j, "with_std")};
    }
};

class StandardScaler : public detail::ColumnScaler {
  public:
    using Params = StandardScalerParams;
    static constexpr int format_version = 1;
    explicit StandardScaler(Params p = {}) : ColumnScaler("StandardScaler"), params_(p) {}

    StandardScaler &fit(const MatrixView &X) {
        detail::check_scaler_input(X);
        const std::size_t d = X.cols();
        mean_.assign(d, 0.0);
        var_.assign(d, 0.0);
        scale_.assign(d, 1.0);
        const double eps = std::numeric_limits<double>::epsilon();
        for (std::size_t j = 0; j < d; ++j) {
            const auto v = detail::present_values(X, j);
            const double n = static_cast<double>(v.size());
            double sum = 0.0;
            for (double x : v) sum += x;
            const double mean = v.empty() ? std::numeric_limits<double>::quiet_NaN() : sum / n;
            // Two-pass variance with the rounding correction scikit-learn applies.
            double correction = 0.0, squares = 0.0;
            for (double x : v) {
                correction += x - mean;
                squares += (x - mean) * (x - mean);
            }
            const double var = v.empty() ? std::numeric_limits<double>::quiet_NaN()
                                         : (squares - correction * correction / n) / n;
            mean_[j] = mean;
            var_[j] = var;
            // A feature is constant when its variance is within rounding of zero.
            const double bound = n * eps * var + (n * mean * eps) * (n * mean * eps);
            scale_[j] = (var <= bound || std::isnan(var)) ? 1.0 : std::sqrt(var);
        }
        n_features_ = d;
        fitted_ = true;
        return *this;
    }
    Matrix transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) {
            if (params_.with_mean) x -= mean_[j];
            if (params_.with_std) x /= scale_[j];
            return x;
        });
    }
    Matrix fit_transform(const MatrixView &X) { return fit(X).transform(X); }
    Matrix inverse_transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) {
            if (params_.with_std) x *= scale_[j];
            if (params_.with_mean) x += mean_[j];
            return x;
        });
    }
    const std::vector<double> &mean() const { require_fitted(); return mean_; }
    const std::vector<double> &var() const { require_fitted(); return var_; }
    const std::vector<double> &scale() const { require_fitted(); return scale_; }
    const Params &params() const noexcept { return params_; }

    Json to_document() const {
        require_fitted();
        Json state{{"n_features_in", n_features_}, {"mean", mean_}, {"var", var_}, {"scale", scale_}};
        return make_document("StandardScaler", format_version, params_.to_json(), std::move(state));
    }
    static StandardScaler from_document(const Json &doc) {
        check_document(doc, "StandardScaler", format_version);
        StandardScaler s(document_params<Params>(doc));
        const Json &st = doc.at("state");
        s.n_features_ = document_get<std::size_t>(st, "n_features_in");
        s.mean_ = state_vector(st, "mean", s.n_features_);
        s.var_ = state_vector(st, "var", s.n_features_);
        s.scale_ = state_vector(st, "scale", s.n_features_);
        s.fitted_ = true;
        return s;
    }
    void save(const std::string &path) const { write_document(to_document(), path); }
    static StandardScaler load(const std::string &path) { return from_document(read_document(path)); }

  private:
    Params params_;
    std::vector<double> mean_, var_, scale_;
};

struct RobustScalerParams {
    bool with_centering = true;
    bool with_scaling = true;
    double q_low = 25.0;  ///< percentiles of the range (scikit-learn's quantile_range)
    double q_high = 75.0;
    void validate() const {
        require(q_low >= 0.0 && q_low <= q_high && q_high <= 100.0, "quantile_range",
                "must satisfy 0 <= low <= high <= 100, got (", q_low, ", ", q_high, ")");
    }
    Json to_json() const {
        return {{"with_centering", with_centering}, {"with_scaling", with_scaling}, {"q_low", q_low}, {"q_high", q_high}};
    }
    static RobustScalerParams from_json(const Json &j) {
        return {document_get<bool>(j, "with_centering"), document_get<bool>(j, "with_scaling"),
                document_get<double>(j, "q_low"), document_get<double>(j, "q_high")};
    }
};

class RobustScaler : public detail::ColumnScaler {
  public:
    using Params = RobustScalerParams;
    static constexpr int format_version = 1;
    explicit RobustScaler(Params p = {}) : ColumnScaler("RobustScaler"), params_(p) { params_.validate(); }

    RobustScaler &fit(const MatrixView &X) {
        detail::check_scaler_input(X);
        const std::size_t d = X.cols();
        center_.assign(d, 0.0);
        scale_.assign(d, 1.0);
        for (std::size_t j = 0; j < d; ++j) {
            const auto v = detail::present_values(X, j);
            if (v.empty()) {
                center_[j] = scale_[j] = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            center_[j] = percentile(v, 50.0);
            scale_[j] = detail::nonzero_scale(percentile(v, params_.q_high) - percentile(v, params_.q_low));
        }
        n_features_ = d;
        fitted_ = true;
        return *this;
    }
    Matrix transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) {
            if (params_.with_centering) x -= center_[j];
            if (params_.with_scaling) x /= scale_[j];
            return x;
        });
    }
    Matrix fit_transform(const MatrixView &X) { return fit(X).transform(X); }
    Matrix inverse_transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) {
            if (params_.with_scaling) x *= scale_[j];
            if (params_.with_centering) x += center_[j];
            return x;
        });
    }
    const std::vector<double> &center() const { require_fitted(); return center_; }
    const std::vector<double> &scale() const { require_fitted(); return scale_; }
    const Params &params() const noexcept { return params_; }

    Json to_document() const {
        require_fitted();
        Json state{{"n_features_in", n_features_}, {"center", center_}, {"scale", scale_}};
        return make_document("RobustScaler", format_version, params_.to_json(), std::move(state));
    }
    static RobustScaler from_document(const Json &doc) {
        check_document(doc, "RobustScaler", format_version);
        const Params p = document_params<Params>(doc);
        RobustScaler s(p);
        const Json &st = doc.at("state");
        s.n_features_ = document_get<std::size_t>(st, "n_features_in");
        s.center_ = state_vector(st, "center", s.n_features_);
        s.scale_ = state_vector(st, "scale", s.n_features_);
        s.fitted_ = true;
        return s;
    }
    void save(const std::string &path) const { write_document(to_document(), path); }
    static RobustScaler load(const std::string &path) { return from_document(read_document(path)); }

  private:
    Params params_;
    std::vector<double> center_, scale_;
};

struct MinMaxScalerParams {
    double feature_min = 0.0;
    double feature_max = 1.0;
    bool clip = false;
    void validate() const {
        require(feature_min < feature_max, "feature_range", "minimum must be smaller than maximum, got (",
                feature_min, ", ", feature_max, ")");
    }
    Json to_json() const { return {{"feature_min", feature_min}, {"feature_max", feature_max}, {"clip", clip}}; }
    static MinMaxScalerParams from_json(const Json &j) {
        return {document_get<double>(j, "feature_min"), document_get<double>(j, "feature_max"),
                document_get<bool>(j, "clip")};
    }
};

class MinMaxScaler : public detail::ColumnScaler {
  public:
    using Params = MinMaxScalerParams;
    static constexpr int format_version = 1;
    explicit MinMaxScaler(Params p = {}) : ColumnScaler("MinMaxScaler"), params_(p) { params_.validate(); }

    MinMaxScaler &fit(const MatrixView &X) {
        detail::check_scaler_input(X);
        const std::size_t d = X.cols();
        const double nan = std::numeric_limits<double>::quiet_NaN();
        data_min_.assign(d, nan);
        data_max_.assign(d, nan);
        scale_.assign(d, nan);
        min_.assign(d, nan);
        for (std::size_t j = 0; j < d; ++j) {
            for (std::size_t i = 0; i < X.rows(); ++i) {
                const double v = X(i, j);
                if (std::isnan(v)) continue;
                data_min_[j] = std::isnan(data_min_[j]) ? v : std::min(data_min_[j], v);
                data_max_[j] = std::isnan(data_max_[j]) ? v : std::max(data_max_[j], v);
            }
            scale_[j] = (params_.feature_max - params_.feature_min) / detail::nonzero_scale(data_max_[j] - data_min_[j]);
            min_[j] = params_.feature_min - data_min_[j] * scale_[j];
        }
        n_features_ = d;
        fitted_ = true;
        return *this;
    }
    Matrix transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) {
            x = x * scale_[j] + min_[j];
            if (params_.clip && !std::isnan(x)) x = std::min(std::max(x, params_.feature_min), params_.feature_max);
            return x;
        });
    }
    Matrix fit_transform(const MatrixView &X) { return fit(X).transform(X); }
    Matrix inverse_transform(const MatrixView &X) const {
        return map(X, [this](double x, std::size_t j) { return (x - min_[j]) / scale_[j]; });
    }
    const std::vector<double> &data_min() const { require_fitted(); return data_min_; }
    const std::vector<double> &data_max() const { require_fitted(); return data_max_; }
    const std::vector<double> &scale() const { require_fitted(); return scale_; }
    const std::vector<double> &min() const { require_fitted(); return min_; }
    const Params &params() const noexcept { return params_; }

    Json to_document() const {
        require_fitted();
        Json state{{"n_features_in", n_features_}, {"data_min", data_min_}, {"data_max", data_max_},
                   {"scale", scale_}, {"min", min_}};
        return make_document("MinMaxScaler", format_version, params_.to_json(), std::move(state));
    }
    static MinMaxScaler from_document(const Json &doc) {
        check_document(doc, "MinMaxScaler", format_version);
        const Params p = document_params<Params>(doc);
        MinMaxScaler s(p);
        const Json &st = doc.at("state");
        s.n_features_ = document_get<std::size_t>(st, "n_features_in");
        s.data_min_ = state_vector(st, "data_min", s.n_features_);
        s.data_max_ = state_vector(st, "data_max", s.n_features_);
        s.scale_ = state_vector(st, "scale", s.n_features_);
        s.min_ = state_vector(st, "min", s.n_features_);
        s.fitted_ = true;
        return s;
    }
    void save(const std::string &path) const { write_document(to_document(), path); }
    static MinMaxScaler load(const std::string &path) { return from_document(read_document(path)); }

  private:
    Params params_;
    std::vector<double> data_min_, data_max_, scale_, min_;
};

} // namespace oddkit
