#pragma once
/// QuantileBand: scores a reading by how far each feature lies outside the band
/// [q_low, q_high] of its own stream, with the quantiles (and the median) estimated online by
/// P-square in O(1) memory per feature.
///
///   score_j = max(q_low - x, x - q_high, 0) / scale,  scale = q_high - q_low
///
/// and the reading's score is the largest over its features. low = 0 drops the lower bound and
/// high = 1 the upper one (a one-sided band); the scale is then the distance from the remaining
/// bound to the median. A zero scale gives +infinity outside the band and 0 inside. Until
/// `warm_up` readings have been learned every score is 0 (extreme quantiles of a handful of
/// values mean little).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "oddkit/stream/online_detector.hpp"
#include "oddkit/stream/p_square.hpp"

namespace oddkit {

struct QuantileBandParams {
    /// Lower quantile in [0, 1) (0: no lower bound).
    double low = 0.01;
    /// Upper quantile in (0, 1] (1: no upper bound).
    double high = 0.99;
    /// Readings learned before scores are given (at least 5, P-square's start).
    std::uint64_t warm_up = 30;

    void validate() const {
        require(std::isfinite(low) && low >= 0.0 && low < 0.5, "low", "must be in [0, 0.5), got ", low);
        require(std::isfinite(high) && high > 0.5 && high <= 1.0, "high", "must be in (0.5, 1], got ", high);
        require(low > 0.0 || high < 1.0, "low", "low = 0 and high = 1 leave no band to score against");
        require(warm_up >= 5, "warm_up", "must be >= 5, got ", warm_up);
    }
    Json to_json() const { return {{"low", low}, {"high", high}, {"warm_up", warm_up}}; }
    static QuantileBandParams from_json(const Json &j) {
        QuantileBandParams p;
        p.low = document_get<double>(j, "low");
        p.high = document_get<double>(j, "high");
        p.warm_up = document_get<std::uint64_t>(j, "warm_up");
        return p;
    }
};

class QuantileBand final : public OnlineDetector {
  public:
    static constexpr int format_version = 1;
    using Params = QuantileBandParams;

    explicit QuantileBand(Params params = {}) : params_(params) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "QuantileBand"; }

    /// The current estimates of feature j: {q_low, median, q_high} (NaN for a dropped bound).
    std::array<double, 3> band(std::size_t j) const {
        require(j < features_.size(), "j", "feature ", j, " out of range (", features_.size(), " features)");
        const Feature &f = features_[j];
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {has_low() ? f.low.value() : nan, f.median.value(), has_high() ? f.high.value() : nan};
    }

    Json to_document() const override {
        Json state;
        write_common_state(state);
        Json features = Json::array();
        for (const auto &f : features_) {
            features.push_back({{"low", f.low.to_json()}, {"median", f.median.to_json()}, {"high", f.high.to_json()}});
        }
        state["features"] = std::move(features);
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static QuantileBand from_document(const Json &doc) {
        check_document(doc, "QuantileBand", format_version);
        QuantileBand q(document_params<Params>(doc));
        const Json &s = doc.at("state");
        q.read_common_state(s);
        const auto features = document_get<Json>(s, "features");
        if (!features.is_array() || features.size() != q.n_features()) {
            throw FormatError("model document: features must hold one entry per feature");
        }
        for (const auto &f : features) {
            Feature one = q.make_feature();
            one.low = read_estimator(f, "low", one.low.p(), q.n_seen());
            one.median = read_estimator(f, "median", 0.5, q.n_seen());
            one.high = read_estimator(f, "high", one.high.p(), q.n_seen());
            q.features_.push_back(one);
        }
        return q;
    }
    static QuantileBand load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    double score_row(const double *x) const override {
        if (n_seen() < params_.warm_up) {
            return 0.0;
        }
        double worst = 0.0;
        for (std::size_t j = 0; j < features_.size(); ++j) {
            worst = std::max(worst, score_feature(features_[j], x[j]));
        }
        return worst;
    }

    void learn_row(const double *x) override {
        for (std::size_t j = 0; j < features_.size(); ++j) {
            Feature &f = features_[j];
            if (has_low()) {
                f.low.add(x[j]);
            }
            f.median.add(x[j]);
            if (has_high()) {
                f.high.add(x[j]);
            }
        }
    }

    void on_features_fixed(std::size_t n) override { features_.assign(n, make_feature()); }

  private:
    struct Feature {
        PSquareQuantile low, median, high;
    };

    bool has_low() const noexcept { return params_.low > 0.0; }
    bool has_high() const noexcept { return params_.high < 1.0; }

    /// A dropped bound keeps a placeholder estimator that is never fed.
    Feature make_feature() const {
        return {PSquareQuantile(has_low() ? params_.low : 0.25), PSquareQuantile(0.5),
                PSquareQuantile(has_high() ? params_.high : 0.75)};
    }

    static PSquareQuantile read_estimator(const Json &f, const char *key, double p, std::uint64_t seen) {
        auto q = PSquareQuantile::from_json(document_get<Json>(f, key));
        if (q.p() != p || q.count() > seen) {
            throw FormatError(std::string("model document: quantile estimator '") + key +
                              "' does not match the parameters or the count");
        }
        return q;
    }

    double score_feature(const Feature &f, double x) const noexcept {
        const double median = f.median.value();
        const double lo = has_low() ? f.low.value() : -HUGE_VAL;
        const double hi = has_high() ? f.high.value() : HUGE_VAL;
        double scale;
        if (has_low() && has_high()) {
            scale = hi - lo;
        } else if (has_low()) {
            scale = median - lo;
        } else {
            scale = hi - median;
        }
        const double outside = std::max({lo - x, x - hi, 0.0});
        if (outside == 0.0) {
            return 0.0;
        }
        return scale > 0.0 ? outside / scale : HUGE_VAL;
    }

    Params params_;
    std::vector<Feature> features_;
};

} // namespace oddkit
