#pragma once
/// The scoring stage of the streaming pipeline: one anomaly score per complete feature row,
/// from either
///   - a batch-fitted Detector (shared by every device; const, never updated), or
///   - an OnlineDetector: each device gets its own copy of the given detector (its state, if
///     it had learned anything, is every device's warm start) and scores each row before
///     learning it (prequential order).
/// It also names the features that drove an anomaly: for IsolationForest its
/// feature_attributions of the row; for any other detector the features with the largest
/// |x_j - mean_j| / std_j against the device's running mean and sample standard deviation of
/// that feature over its earlier scored rows (Welford; empty until two rows were scored).

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/detect/registry.hpp"
#include "oddkit/stream/anomaly.hpp"
#include "oddkit/stream/detail/json_double.hpp"
#include "oddkit/stream/load_online_detector.hpp"
#include "oddkit/stream/online_detector.hpp"

namespace oddkit {

/// The batch detector a document holds. Hook: each batch detector added to detect/ gets one
/// line here, so pipelines holding it can be restored.
inline std::shared_ptr<const Detector> batch_detector_from_document(const Json &doc) {
    return std::shared_ptr<const Detector>(load_detector(doc)); // any registered detector
}

/// Per-device state of the scorer.
struct DeviceScorerState {
    std::unique_ptr<OnlineDetector> online;
    std::uint64_t n = 0;       ///< rows in the running statistics
    std::vector<double> mean;  ///< per feature
    std::vector<double> m2;    ///< per feature: sum of squared deviations
};

class WindowScorer {
  public:
    enum class Kind { none, batch, online };

    WindowScorer() = default;
    /// A batch detector, fitted on rows of n_features features.
    WindowScorer(std::shared_ptr<const Detector> detector, std::size_t n_features)
        : kind_(Kind::batch), batch_(std::move(detector)), n_features_(n_features) {
        require(batch_ != nullptr, "detector", "null detector");
        if (!batch_->is_fitted()) {
            throw NotFitted(detail::concat("detector: this ", batch_->name(),
                                           " is not fitted yet; fit it on the pipeline's feature rows first"));
        }
        require(batch_->n_features_in() == n_features, "detector", "was fitted on ", batch_->n_features_in(),
                " features, but the pipeline makes ", n_features, " features per window");
        forest_ = dynamic_cast<const IsolationForest *>(batch_.get());
    }
    /// An online detector: every device starts from a copy of it.
    WindowScorer(const OnlineDetector &prototype, std::size_t n_features, const std::vector<std::string> &names)
        : kind_(Kind::online), n_features_(n_features) {
        require(prototype.n_features() == 0 || prototype.n_features() == n_features, "detector", "has learned ",
                prototype.n_features(), " features, but the pipeline makes ", n_features, " features per window");
        // (Feature names cannot be given to a detector before its first reading fixes the
        // count, so devices' detectors stay unnamed; the pipeline never passes them NaN.)
        (void)names;
        prototype_ = prototype.to_document();
    }

    Kind kind() const noexcept { return kind_; }
    const Detector *batch() const noexcept { return batch_.get(); }
    /// The document every device's online detector starts from.
    const Json &online_prototype() const noexcept { return prototype_; }

    DeviceScorerState new_device() const {
        DeviceScorerState s;
        if (kind_ == Kind::online) {
            s.online = online_detector_from_document(prototype_);
        }
        if (uses_running_stats()) {
            s.mean.assign(n_features_, 0.0);
            s.m2.assign(n_features_, 0.0);
        }
        return s;
    }

    /// The row's anomaly score (before the row is learned).
    double score(const DeviceScorerState &s, const double *x) const {
        if (kind_ == Kind::batch) {
            double out = 0.0;
            batch_->anomaly_score(MatrixView(x, 1, n_features_), OutputView(&out, 1));
            return out;
        }
        return s.online->score_one(x, n_features_);
    }

    /// The `top` features that drove the row's score, largest weight first (ties: lower index).
    std::vector<FeatureContribution> drivers(const DeviceScorerState &s, const double *x, std::size_t top) const {
        std::vector<double> weight(n_features_, 0.0);
        if (forest_ != nullptr) {
            const Matrix a = forest_->feature_attributions(MatrixView(x, 1, n_features_));
            std::copy(a.begin(), a.end(), weight.begin());
        } else if (s.n >= 2) {
            for (std::size_t j = 0; j < n_features_; ++j) {
                weight[j] = detail::z_distance(x[j], s.mean[j], s.m2[j] / static_cast<double>(s.n - 1));
            }
        } else {
            return {};
        }
        std::vector<std::size_t> order(n_features_);
        std::iota(order.begin(), order.end(), 0);
        top = std::min(top, n_features_);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                          [&](std::size_t a, std::size_t b) { return weight[a] > weight[b] || (weight[a] == weight[b] && a < b); });
        std::vector<FeatureContribution> out;
        for (std::size_t i = 0; i < top; ++i) {
            out.push_back({order[i], weight[order[i]]});
        }
        return out;
    }

    /// Updates the device's state with the scored row.
    void learn(DeviceScorerState &s, const double *x) const {
        if (kind_ == Kind::online) {
            s.online->learn_one(x, n_features_);
        }
        if (uses_running_stats()) {
            ++s.n;
            const double n = static_cast<double>(s.n);
            for (std::size_t j = 0; j < n_features_; ++j) {
                const double d = x[j] - s.mean[j];
                s.mean[j] += d / n;
                s.m2[j] += d * (x[j] - s.mean[j]);
            }
        }
    }

    bool uses_running_stats() const noexcept { return kind_ != Kind::none && forest_ == nullptr; }

    Json to_json() const {
        switch (kind_) {
        case Kind::batch:
            return {{"kind", "batch"}, {"detector", batch_->to_document()}};
        case Kind::online:
            return {{"kind", "online"}, {"detector", prototype_}};
        case Kind::none:
            break;
        }
        return {{"kind", "none"}};
    }
    static WindowScorer from_json(const Json &j, std::size_t n_features, const std::vector<std::string> &names) {
        const auto kind = document_get<std::string>(j, "kind");
        try {
            if (kind == "batch") {
                return WindowScorer(batch_detector_from_document(document_get<Json>(j, "detector")), n_features);
            }
            if (kind == "online") {
                return WindowScorer(*online_detector_from_document(document_get<Json>(j, "detector")), n_features, names);
            }
        } catch (const InvalidArgument &e) {
            throw FormatError(std::string("model document: ") + e.what());
        } catch (const NotFitted &e) {
            throw FormatError(std::string("model document: ") + e.what());
        }
        if (kind != "none") {
            throw FormatError("model document: unknown scorer kind '" + kind + "'");
        }
        return WindowScorer();
    }

    Json device_to_json(const DeviceScorerState &s) const {
        Json j = {{"n", s.n},
                  {"mean", detail::encode_doubles(s.mean.data(), s.mean.size())},
                  {"m2", detail::encode_doubles(s.m2.data(), s.m2.size())}};
        j["detector"] = s.online ? s.online->to_document() : Json(nullptr);
        return j;
    }
    DeviceScorerState device_from_json(const Json &j) const {
        DeviceScorerState s;
        s.n = document_get<std::uint64_t>(j, "n");
        const std::size_t m = uses_running_stats() ? n_features_ : 0;
        s.mean = detail::decode_doubles(j, "mean", m);
        s.m2 = detail::decode_doubles(j, "m2", m);
        if (kind_ == Kind::online) {
            s.online = online_detector_from_document(document_get<Json>(j, "detector"));
            if (s.online->name() != document_get<std::string>(prototype_, "estimator") ||
                (s.online->n_features() != 0 && s.online->n_features() != n_features_)) {
                throw FormatError("model document: a device's online detector does not match the pipeline");
            }
        }
        return s;
    }

  private:
    Kind kind_ = Kind::none;
    std::shared_ptr<const Detector> batch_;
    const IsolationForest *forest_ = nullptr;
    Json prototype_;
    std::size_t n_features_ = 0;
};

} // namespace oddkit
