#pragma once
/// The streaming pipeline: events in, anomalies out.
///
///   event (device, time ns UTC, values)
///     -> per device: tumbling windows with allowed lateness (window_resampler.hpp)
///     -> per device: feature row of each closed window: the FeatureSpec part
///        (window_features.hpp), then, when params.builder is set, a FeatureBuilder's features
///        of the device's resampled frame computed incrementally (incremental_features.hpp)
///     -> anomaly score of each complete row (window_scorer.hpp: a batch Detector or an
///        OnlineDetector per device, score before learn)
///     -> an Anomaly for every score above the threshold
///
/// Policies (see docs/pipeline.md), each counted in PipelineStats, never silent:
///   - late events (behind the device's watermark or inside a window already closed) are
///     skipped and counted, in total and per device;
///   - a NaN or infinite value is skipped (the field has no value in that event); a value of a
///     field with no aggregation is skipped; the event itself still counts in its window;
///   - a new device is created on first sight; beyond max_devices (0 = no limit) the events of
///     new devices are skipped and counted, known devices go on;
///   - a closed window whose feature row has a NaN (not enough history yet, or a field with no
///     value) is not scored and not learned; it still enters the feature history.
/// Caller errors throw InvalidArgument before anything changes: an empty device id, a time
/// beyond +-2^62 ns, a value list whose length is not the field count.
/// Memory per device is bounded by the parameters: lateness / window + 2 open windows, the
/// feature history, the online detector's own bound and O(features) running statistics.
/// to_document() holds the whole state; from_document() continues bit-identically.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/features/feature_builder.hpp"
#include "oddkit/stream/anomaly.hpp"
#include "oddkit/stream/incremental_features.hpp"
#include "oddkit/stream/pipeline_stats.hpp"
#include "oddkit/stream/window_features.hpp"
#include "oddkit/stream/window_resampler.hpp"
#include "oddkit/stream/window_scorer.hpp"

namespace oddkit {

struct PipelineParams {
    WindowSpec windows;
    FeatureSpec features;
    /// Features of the device's resampled frame (columns named by aggregate_names(), index
    /// the window starts), appended after the FeatureSpec features; computed incrementally.
    std::optional<FeatureBuilder> builder;
    /// Anomaly when score > threshold. Unset: a batch detector's own threshold (-offset(), the
    /// anomaly_score at which its predict() turns to -1); required with an online detector.
    std::optional<double> threshold;
    /// Devices kept at most; 0 = no limit.
    std::size_t max_devices = 0;
    /// Driving features reported per anomaly.
    std::size_t top_features = 3;

    void validate() const {
        windows.validate();
        features.validate(builder.has_value());
        require(!builder || builder->size() > 0, "builder", "declares no feature");
        require(!threshold || !std::isnan(*threshold), "threshold", "is NaN");
        require(top_features <= 10000, "top_features", "must be at most 10000, got ", top_features);
    }
    Json to_json() const {
        return {{"windows", windows.to_json()},
                {"features", features.to_json()},
                {"builder", builder ? builder->to_document() : Json(nullptr)},
                {"threshold", threshold ? detail::encode_double(*threshold) : Json("detector")},
                {"max_devices", max_devices},
                {"top_features", top_features}};
    }
    static PipelineParams from_json(const Json &j) {
        PipelineParams p;
        p.windows = WindowSpec::from_json(document_get<Json>(j, "windows"));
        p.features = FeatureSpec::from_json(document_get<Json>(j, "features"));
        if (j.contains("builder") && !j.at("builder").is_null()) { // absent in documents before it
            p.builder = FeatureBuilder::from_document(j.at("builder"));
        }
        const Json t = document_get<Json>(j, "threshold");
        if (!(t.is_string() && t.get<std::string>() == "detector")) {
            p.threshold = detail::decode_double(t);
        }
        p.max_devices = document_get<std::size_t>(j, "max_devices");
        p.top_features = document_get<std::size_t>(j, "top_features");
        return p;
    }
};

/// Feature rows collected by a pipeline without a detector (to fit a batch detector on).
struct FeatureRows {
    std::vector<std::string> device;
    std::vector<std::int64_t> window_start;
    std::vector<double> values; ///< row-major, feature_names().size() per row
};

class Pipeline {
  public:
    static constexpr int format_version = 1;
    using Params = PipelineParams;

    /// No detector: complete feature rows are collected (take_feature_rows) instead of scored.
    explicit Pipeline(Params params) : params_(std::move(params)) { init(); }
    /// A batch detector fitted on this pipeline's feature rows (shared, never modified).
    Pipeline(Params params, std::shared_ptr<const Detector> detector) : params_(std::move(params)) {
        init();
        scorer_ = WindowScorer(std::move(detector), feature_names_.size());
        resolve_threshold();
    }
    /// An online detector: each device learns its own copy.
    Pipeline(Params params, const OnlineDetector &detector) : params_(std::move(params)) {
        init();
        scorer_ = WindowScorer(detector, feature_names_.size(), feature_names_);
        resolve_threshold();
    }

    // One pipeline owns its devices' detectors: movable, not copyable (copy via to_document).
    Pipeline(const Pipeline &) = delete;
    Pipeline &operator=(const Pipeline &) = delete;
    Pipeline(Pipeline &&) noexcept = default;
    Pipeline &operator=(Pipeline &&) noexcept = default;

    const Params &params() const noexcept { return params_; }
    /// Input fields, in the order push() takes a value list.
    const std::vector<std::string> &fields() const noexcept { return field_names_; }
    const std::vector<std::string> &aggregate_names() const noexcept { return aggregate_names_; }
    const std::vector<std::string> &feature_names() const noexcept { return feature_names_; }
    /// The threshold in use (+infinity without a detector).
    double threshold() const noexcept { return threshold_; }
    const WindowScorer &scorer() const noexcept { return scorer_; }
    const PipelineStats &stats() const noexcept { return stats_; }

    /// Device ids in first-seen order.
    std::vector<std::string> devices() const {
        std::vector<std::string> out;
        for (const auto &d : devices_) {
            out.push_back(d.id);
        }
        return out;
    }
    /// Late events of a device (0 for an unknown device).
    std::uint64_t late_events(std::string_view device) const {
        auto it = index_.find(device);
        return it == index_.end() ? 0 : devices_[it->second].late;
    }
    /// The device's watermark (lowest int64 before its first event); InvalidArgument if unknown.
    std::int64_t watermark(std::string_view device) const {
        auto it = index_.find(device);
        require(it != index_.end(), "device", "unknown device '", device, "'");
        return devices_[it->second].resampler.watermark();
    }

    /// One event with a value per field (fields() order; NaN = no value). Anomalies of the
    /// windows it closes are appended to `out`; returns how many.
    std::size_t push(std::string_view device, std::int64_t t, const double *values, std::size_t n,
                     std::vector<Anomaly> &out) {
        require(n == field_names_.size(), "values", "has ", n, " values, expected one per field (",
                field_names_.size(), ")");
        require(values != nullptr || n == 0, "values", "null pointer");
        return push_with(device, t, out, [&](double *slot) {
            for (std::size_t f = 0; f < n; ++f) {
                slot[f] = checked_value(values[f]);
            }
        });
    }
    std::vector<Anomaly> push(std::string_view device, std::int64_t t, std::span<const double> values) {
        std::vector<Anomaly> out;
        push(device, t, values.data(), values.size(), out);
        return out;
    }

    /// One event with named values: any range of (name, value) pairs (a std::map, a vector of
    /// pairs). Unknown names are counted and skipped; a name given twice keeps the later value.
    template <class NamedValues>
    std::size_t push_named(std::string_view device, std::int64_t t, const NamedValues &values,
                           std::vector<Anomaly> &out) {
        return push_with(device, t, out, [&](double *slot) {
            std::fill(slot, slot + field_names_.size(), std::numeric_limits<double>::quiet_NaN());
            for (const auto &[name, value] : values) {
                auto it = field_index_.find(std::string_view(name));
                if (it == field_index_.end()) {
                    ++stats_.values_unknown_field;
                } else {
                    slot[it->second] = checked_value(static_cast<double>(value));
                }
            }
        });
    }
    template <class NamedValues>
    std::vector<Anomaly> push_named(std::string_view device, std::int64_t t, const NamedValues &values) {
        std::vector<Anomaly> out;
        push_named(device, t, values, out);
        return out;
    }

    /// End of stream: closes every open window of every device (devices in first-seen order,
    /// windows in time order). Later events inside the closed windows are late.
    std::size_t flush(std::vector<Anomaly> &out) {
        const std::size_t before = out.size();
        for (auto &d : devices_) {
            d.resampler.close_all(params_.windows, [&](const ClosedWindow &w) { on_closed(d, w, out); });
        }
        return out.size() - before;
    }
    std::vector<Anomaly> flush() {
        std::vector<Anomaly> out;
        flush(out);
        return out;
    }

    /// The rows collected so far without a detector (and forgets them).
    FeatureRows take_feature_rows() { return std::exchange(collected_, FeatureRows{}); }

    Json to_document() const {
        Json devices = Json::array();
        const std::size_t m = aggregate_names_.size();
        for (const auto &d : devices_) {
            devices.push_back({{"id", d.id},
                               {"events", d.events},
                               {"late", d.late},
                               {"resampler", d.resampler.to_json()},
                               {"features", d.features.to_json(m)},
                               {"builder", builder_.empty() ? Json(nullptr) : builder_.state_to_json(d.built)},
                               {"scorer", scorer_.device_to_json(d.scorer)}});
        }
        Json state = {{"scorer", scorer_.to_json()}, {"stats", stats_.to_json()}, {"devices", std::move(devices)}};
        return make_document("Pipeline", format_version, params_.to_json(), std::move(state));
    }

    /// Restores a pipeline mid-stream; every count and size is checked (FormatError).
    static Pipeline from_document(const Json &doc) {
        check_document(doc, "Pipeline", format_version);
        Pipeline p(document_params<Params>(doc));
        const Json &state = doc.at("state");
        p.scorer_ = WindowScorer::from_json(document_get<Json>(state, "scorer"), p.feature_names_.size(), p.feature_names_);
        if (p.scorer_.kind() != WindowScorer::Kind::none) {
            try {
                p.resolve_threshold();
            } catch (const InvalidArgument &e) {
                throw FormatError(std::string("model document: ") + e.what());
            }
        }
        p.stats_ = PipelineStats::from_json(document_get<Json>(state, "stats"));
        const Json devices = document_get<Json>(state, "devices");
        if (!devices.is_array() || (p.params_.max_devices != 0 && devices.size() > p.params_.max_devices) ||
            devices.size() != p.stats_.devices) {
            throw FormatError("model document: the device list does not match the stats and max_devices");
        }
        const std::size_t m = p.aggregate_names_.size();
        for (const auto &dj : devices) {
            Device d;
            d.id = document_get<std::string>(dj, "id");
            if (d.id.empty() || p.index_.count(d.id) != 0) {
                throw FormatError("model document: empty or repeated device id");
            }
            d.events = document_get<std::uint64_t>(dj, "events");
            d.late = document_get<std::uint64_t>(dj, "late");
            d.resampler = WindowResampler::from_json(document_get<Json>(dj, "resampler"), p.params_.windows);
            d.features = WindowFeatures::from_json(document_get<Json>(dj, "features"), p.params_.features, m);
            if (!p.builder_.empty()) {
                d.built = p.builder_.state_from_json(document_get<Json>(dj, "builder"));
            }
            d.scorer = p.scorer_.device_from_json(document_get<Json>(dj, "scorer"));
            p.index_.emplace(d.id, p.devices_.size());
            p.devices_.push_back(std::move(d));
        }
        return p;
    }

    void save(const std::string &path) const { write_document(to_document(), path); }
    static Pipeline load(const std::string &path) { return from_document(read_document(path)); }

  private:
    struct Device {
        std::string id;
        std::uint64_t events = 0; ///< accepted
        std::uint64_t late = 0;
        WindowResampler resampler;
        WindowFeatures features;
        IncrementalFeatureBuilder::State built; ///< the builder's history
        DeviceScorerState scorer;
    };

    /// Hashes std::string and std::string_view alike, so lookups allocate nothing.
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using StringIndex = std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>>;

    void init() {
        params_.validate();
        for (std::size_t f = 0; f < params_.windows.fields.size(); ++f) {
            field_names_.push_back(params_.windows.fields[f].field);
            field_index_.emplace(field_names_.back(), f);
        }
        aggregate_names_ = params_.windows.aggregate_names();
        feature_names_ = params_.features.names(aggregate_names_);
        spec_size_ = feature_names_.size();
        if (params_.builder) {
            builder_ = IncrementalFeatureBuilder(*params_.builder, aggregate_names_, params_.windows.window);
            feature_names_.insert(feature_names_.end(), builder_.names().begin(), builder_.names().end());
            for (std::size_t k = spec_size_; k < feature_names_.size(); ++k) {
                for (std::size_t j = 0; j < k; ++j) {
                    require(feature_names_[j] != feature_names_[k], "builder", "feature '", feature_names_[k],
                            "' is also produced by the features spec");
                }
            }
        }
        values_.resize(field_names_.size());
        row_.resize(feature_names_.size());
    }

    void resolve_threshold() {
        if (params_.threshold) {
            threshold_ = *params_.threshold;
        } else if (scorer_.kind() == WindowScorer::Kind::batch) {
            threshold_ = -scorer_.batch()->offset();
        } else {
            throw InvalidArgument("threshold: required with an online detector (its scores have no fixed scale)");
        }
    }

    double checked_value(double v) noexcept {
        if (std::isfinite(v)) {
            return v;
        }
        ++stats_.values_non_finite;
        return std::numeric_limits<double>::quiet_NaN();
    }

    template <class Fill>
    std::size_t push_with(std::string_view device, std::int64_t t, std::vector<Anomaly> &out, Fill fill) {
        require(!device.empty(), "device", "empty device id");
        require(t >= -max_abs_timestamp && t <= max_abs_timestamp, "timestamp", t,
                " ns is outside +-2^62 ns of the epoch");
        ++stats_.events;
        Device *d = find_or_add(device);
        if (d == nullptr) {
            ++stats_.events_rejected_device_limit;
            return 0;
        }
        if (d->resampler.started() && t < d->resampler.late_before()) {
            ++stats_.events_late;
            ++d->late;
            return 0;
        }
        fill(values_.data());
        d->resampler.add(params_.windows, t, values_.data());
        ++stats_.events_accepted;
        ++d->events;
        const std::size_t before = out.size();
        d->resampler.close_ready(params_.windows, [&](const ClosedWindow &w) { on_closed(*d, w, out); });
        return out.size() - before;
    }

    Device *find_or_add(std::string_view device) {
        if (auto it = index_.find(device); it != index_.end()) {
            return &devices_[it->second];
        }
        if (params_.max_devices != 0 && devices_.size() >= params_.max_devices) {
            return nullptr;
        }
        Device d;
        d.id = std::string(device);
        d.scorer = scorer_.new_device();
        if (!builder_.empty()) {
            d.built = builder_.new_state();
        }
        index_.emplace(d.id, devices_.size());
        devices_.push_back(std::move(d));
        ++stats_.devices;
        return &devices_.back();
    }

    void on_closed(Device &d, const ClosedWindow &w, std::vector<Anomaly> &out) {
        ++stats_.windows_closed;
        stats_.events_windowed += w.n_events;
        d.features.compute(params_.features, aggregate_names_.size(), w.start, w.aggregates.data(), row_.data());
        if (!builder_.empty()) {
            builder_.compute(d.built, w.start, w.aggregates.data(), row_.data() + spec_size_);
        }
        for (double v : row_) {
            if (!std::isfinite(v)) {
                ++stats_.windows_incomplete;
                return;
            }
        }
        if (scorer_.kind() == WindowScorer::Kind::none) {
            collected_.device.push_back(d.id);
            collected_.window_start.push_back(w.start);
            collected_.values.insert(collected_.values.end(), row_.begin(), row_.end());
            return;
        }
        const double score = scorer_.score(d.scorer, row_.data());
        ++stats_.windows_scored;
        if (score > threshold_) {
            ++stats_.anomalies;
            out.push_back({d.id, w.start, w.end, w.n_events, score, row_,
                           scorer_.drivers(d.scorer, row_.data(), params_.top_features)});
        }
        scorer_.learn(d.scorer, row_.data());
    }

    Params params_;
    std::vector<std::string> field_names_;
    StringIndex field_index_;
    std::vector<std::string> aggregate_names_;
    std::vector<std::string> feature_names_;
    std::size_t spec_size_ = 0; ///< leading features from params_.features
    IncrementalFeatureBuilder builder_;
    WindowScorer scorer_;
    double threshold_ = std::numeric_limits<double>::infinity();
    PipelineStats stats_;
    std::vector<Device> devices_;
    StringIndex index_;
    FeatureRows collected_;
    std::vector<double> values_; // scratch: one event's values
    std::vector<double> row_;    // scratch: one window's features
};

} // namespace oddkit
