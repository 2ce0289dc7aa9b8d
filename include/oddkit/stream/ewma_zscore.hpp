#pragma once
/// EWMAZScore: the z-score of each feature against an exponentially weighted mean and variance,
/// the reading's score being the largest over its features.
///
/// The recursions are those of pandas' ewm(adjust=False): the first value starts the mean,
/// then mean_t = (1 - alpha) mean_{t-1} + alpha x_t and the weighted (biased) variance
/// var_t = (1 - alpha) (var_{t-1} + alpha (x_t - mean_{t-1})^2). With bias = false the variance
/// is divided by 1 - sum(w_i^2) (the weights sum to 1), pandas' default bias correction; the
/// sum of squared weights follows s_t = (1 - alpha)^2 s_{t-1} + alpha^2, s_0 = 1.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "oddkit/stream/online_detector.hpp"

namespace oddkit {

struct EWMAZScoreParams {
    /// Smoothing factor in (0, 1) (1 would forget everything at once); or give span instead (alpha = 2 / (span + 1)).
    std::optional<double> alpha;
    std::optional<double> span;
    /// false: pandas' default bias-corrected variance; true: the plain weighted variance.
    bool bias = false;

    double resolved_alpha() const { return alpha ? *alpha : 2.0 / (*span + 1.0); }

    void validate() const {
        require(alpha.has_value() != span.has_value(), "alpha", "give exactly one of alpha and span");
        if (alpha) {
            require(std::isfinite(*alpha) && *alpha > 0.0 && *alpha < 1.0, "alpha", "must be in (0, 1), got ", *alpha);
        } else {
            require(std::isfinite(*span) && *span > 1.0, "span", "must be > 1, got ", *span);
        }
    }
    Json to_json() const {
        return {{"alpha", alpha ? Json(*alpha) : Json(nullptr)},
                {"span", span ? Json(*span) : Json(nullptr)},
                {"bias", bias}};
    }
    static EWMAZScoreParams from_json(const Json &j) {
        EWMAZScoreParams p;
        const Json &a = j.at("alpha");
        const Json &s = j.at("span");
        if (!a.is_null()) {
            p.alpha = a.get<double>();
        }
        if (!s.is_null()) {
            p.span = s.get<double>();
        }
        p.bias = document_get<bool>(j, "bias");
        return p;
    }
};

class EWMAZScore final : public OnlineDetector {
  public:
    static constexpr int format_version = 1;
    using Params = EWMAZScoreParams;

    /// Default: span 30.
    EWMAZScore() : EWMAZScore(Params{.span = 30.0}) {}
    explicit EWMAZScore(Params params) : params_(params) {
        params_.validate();
        alpha_ = params_.resolved_alpha();
    }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "EWMAZScore"; }
    double alpha() const noexcept { return alpha_; }

    double mean(std::size_t j) const { return at(mean_, j); }
    /// The variance (bias-corrected unless params.bias); NaN after a single reading when
    /// corrected, as pandas gives.
    double variance(std::size_t j) const { return variance_of(at(var_, j)); }

    Json to_document() const override {
        Json state;
        write_common_state(state);
        state["mean"] = mean_;
        state["var"] = var_;
        state["sum_w2"] = sum_w2_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static EWMAZScore from_document(const Json &doc) {
        check_document(doc, "EWMAZScore", format_version);
        EWMAZScore z(document_params<Params>(doc));
        const Json &s = doc.at("state");
        z.read_common_state(s);
        z.mean_ = document_get<std::vector<double>>(s, "mean");
        z.var_ = document_get<std::vector<double>>(s, "var");
        z.sum_w2_ = document_get<double>(s, "sum_w2");
        if (z.mean_.size() != z.n_features() || z.var_.size() != z.n_features()) {
            throw FormatError("model document: mean and var must hold one value per feature");
        }
        for (std::size_t j = 0; j < z.mean_.size(); ++j) {
            if (!std::isfinite(z.mean_[j]) || !std::isfinite(z.var_[j]) || z.var_[j] < 0.0) {
                throw FormatError("model document: mean and var must be finite and var >= 0");
            }
        }
        if (!(z.sum_w2_ > 0.0 && z.sum_w2_ <= 1.0)) {
            throw FormatError("model document: sum_w2 must be in (0, 1]");
        }
        return z;
    }
    static EWMAZScore load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    double score_row(const double *x) const override {
        if (n_seen() < 2) {
            return 0.0;
        }
        double worst = 0.0;
        for (std::size_t j = 0; j < mean_.size(); ++j) {
            worst = std::max(worst, detail::z_distance(x[j], mean_[j], variance_of(var_[j])));
        }
        return worst;
    }

    void learn_row(const double *x) override {
        if (n_seen() == 0) {
            std::copy(x, x + mean_.size(), mean_.begin());
            return;
        }
        const double keep = 1.0 - alpha_;
        for (std::size_t j = 0; j < mean_.size(); ++j) {
            const double delta = x[j] - mean_[j];
            var_[j] = keep * (var_[j] + alpha_ * delta * delta);
            mean_[j] += alpha_ * delta;
        }
        sum_w2_ = keep * keep * sum_w2_ + alpha_ * alpha_;
    }

    void on_features_fixed(std::size_t n) override {
        mean_.assign(n, 0.0);
        var_.assign(n, 0.0);
        sum_w2_ = 1.0;
    }

  private:
    static double at(const std::vector<double> &v, std::size_t j) {
        require(j < v.size(), "j", "feature ", j, " out of range (", v.size(), " features)");
        return v[j];
    }
    double variance_of(double biased) const noexcept {
        if (params_.bias) {
            return biased;
        }
        const double denom = 1.0 - sum_w2_;
        return denom > 0.0 ? biased / denom : std::numeric_limits<double>::quiet_NaN();
    }

    Params params_;
    double alpha_ = 0.0;
    std::vector<double> mean_;
    std::vector<double> var_; // weighted (biased) variance
    double sum_w2_ = 1.0;
};

} // namespace oddkit
