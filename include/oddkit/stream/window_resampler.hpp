#pragma once
/// Per-device tumbling time windows with an allowed lateness: the first stage of the streaming
/// pipeline.
///
/// Time is int64 nanoseconds since the Unix epoch (UTC). Windows are [start, start + window),
/// aligned on the epoch (pandas `resample(window, origin="epoch")`, labelled by their left edge,
/// closed on the left). The watermark is (largest event time seen) - lateness. An event is
/// *late* when its time is below the watermark or inside a window already closed; late events
/// are refused (the caller counts them). A window closes once the watermark reaches its end, so
/// windows close in time order, and memory is bounded: at most lateness / window + 2 windows
/// are open at once. Only windows that received an event are emitted (empty bins are not
/// produced; the feature stage's lags count emitted windows).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/stream/aggregation.hpp"
#include "oddkit/stream/detail/json_double.hpp"

namespace oddkit {

/// The aggregations computed for one input field.
struct FieldAggregations {
    std::string field;
    std::vector<WindowAggregation> aggregations;
};

/// Timestamps farther than this from the epoch (about 146 years) are refused, so window
/// arithmetic can never overflow.
inline constexpr std::int64_t max_abs_timestamp = std::int64_t{1} << 62;

struct WindowSpec {
    /// Window length in nanoseconds (> 0).
    std::int64_t window = 60'000'000'000;
    /// Allowed lateness in nanoseconds (>= 0, at most 10 000 windows).
    std::int64_t lateness = 0;
    /// Input fields and what to compute of each, in output order.
    std::vector<FieldAggregations> fields;

    void validate() const {
        require(window > 0, "window", "must be a positive duration in nanoseconds, got ", window);
        require(window <= max_abs_timestamp, "window", "must be at most 2^62 ns, got ", window);
        require(lateness >= 0, "lateness", "must be >= 0 ns, got ", lateness);
        require(lateness / window <= 10000, "lateness", "must be at most 10000 windows (", lateness,
                " ns for a window of ", window, " ns)");
        require(!fields.empty(), "aggregations", "empty: give at least one field and its aggregations");
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const auto &f = fields[i];
            require(!f.field.empty(), "aggregations", "field ", i, " has an empty name");
            require(!f.aggregations.empty(), "aggregations", "field '", f.field, "' has no aggregation");
            for (std::size_t j = 0; j < i; ++j) {
                require(fields[j].field != f.field, "aggregations", "field '", f.field, "' is listed twice");
            }
            for (std::size_t a = 0; a < f.aggregations.size(); ++a) {
                for (std::size_t b = 0; b < a; ++b) {
                    require(f.aggregations[a] != f.aggregations[b], "aggregations", "field '", f.field,
                            "' lists '", aggregation_name(f.aggregations[a]), "' twice");
                }
            }
        }
    }

    std::size_t n_aggregates() const noexcept {
        std::size_t n = 0;
        for (const auto &f : fields) {
            n += f.aggregations.size();
        }
        return n;
    }

    /// "<field>_<aggregation>" for every output column, in order.
    std::vector<std::string> aggregate_names() const {
        std::vector<std::string> names;
        for (const auto &f : fields) {
            for (auto a : f.aggregations) {
                names.push_back(f.field + "_" + std::string(aggregation_name(a)));
            }
        }
        return names;
    }

    Json to_json() const {
        Json agg = Json::array();
        for (const auto &f : fields) {
            Json names = Json::array();
            for (auto a : f.aggregations) {
                names.push_back(std::string(aggregation_name(a)));
            }
            agg.push_back({{"field", f.field}, {"aggregations", std::move(names)}});
        }
        return {{"window", window}, {"lateness", lateness}, {"aggregations", std::move(agg)}};
    }

    static WindowSpec from_json(const Json &j) {
        WindowSpec s;
        s.window = document_get<std::int64_t>(j, "window");
        s.lateness = document_get<std::int64_t>(j, "lateness");
        const Json agg = document_get<Json>(j, "aggregations");
        if (!agg.is_array()) {
            throw FormatError("model document: 'aggregations' must be an array");
        }
        for (const auto &f : agg) {
            FieldAggregations fa;
            fa.field = document_get<std::string>(f, "field");
            for (const auto &name : document_get<std::vector<std::string>>(f, "aggregations")) {
                fa.aggregations.push_back(parse_aggregation(name));
            }
            s.fields.push_back(std::move(fa));
        }
        return s;
    }
};

/// The start of the window holding t: floor(t / window) * window, also for t < 0.
inline std::int64_t window_start(std::int64_t t, std::int64_t window) noexcept {
    std::int64_t q = t / window;
    if (t % window != 0 && t < 0) {
        --q;
    }
    return q * window;
}

/// A window the resampler has closed: its aggregates in WindowSpec::aggregate_names() order.
struct ClosedWindow {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::uint64_t n_events = 0;
    std::vector<double> aggregates;
};

/// The open windows and watermark of one device.
class WindowResampler {
  public:
    /// True once an event was accepted.
    bool started() const noexcept { return started_; }
    /// (largest accepted event time) - lateness; the lowest int64 before the first event.
    std::int64_t watermark() const noexcept { return watermark_; }
    /// Events before this time are late: max(watermark, end of the last closed window).
    std::int64_t late_before() const noexcept { return std::max(watermark_, closed_until_); }
    std::size_t open_windows() const noexcept { return open_.size(); }

    /// Adds an event whose values (spec.fields order, NaN = no value) were already checked;
    /// returns false (and changes nothing) when the event is late.
    bool add(const WindowSpec &spec, std::int64_t t, const double *values) {
        if (started_ && t < late_before()) {
            return false;
        }
        const std::int64_t start = window_start(t, spec.window);
        auto it = std::lower_bound(open_.begin(), open_.end(), start,
                                   [](const OpenWindow &w, std::int64_t s) { return w.start < s; });
        if (it == open_.end() || it->start != start) {
            it = open_.insert(it, OpenWindow{start, 0, std::vector<FieldAccumulator>(spec.fields.size())});
        }
        ++it->n_events;
        for (std::size_t f = 0; f < spec.fields.size(); ++f) {
            if (values[f] == values[f]) {
                it->fields[f].add(t, values[f]);
            }
        }
        if (!started_ || t - spec.lateness > watermark_) {
            watermark_ = t - spec.lateness;
        }
        started_ = true;
        return true;
    }

    /// Closes, in time order, every window whose end the watermark has reached, calling
    /// emit(const ClosedWindow &) for each.
    template <class Emit> void close_ready(const WindowSpec &spec, Emit &&emit) {
        close_while(spec, emit, [&](const OpenWindow &w) { return w.start + spec.window <= watermark_; });
    }

    /// Closes every open window (end of stream); later events inside them are late.
    template <class Emit> void close_all(const WindowSpec &spec, Emit &&emit) {
        close_while(spec, emit, [](const OpenWindow &) { return true; });
    }

    Json to_json() const {
        Json open = Json::array();
        for (const auto &w : open_) {
            Json count = Json::array(), sum = Json::array(), mn = Json::array(), mx = Json::array(),
                 first = Json::array(), last = Json::array(), ft = Json::array(), lt = Json::array();
            for (const auto &a : w.fields) {
                count.push_back(a.count);
                sum.push_back(detail::encode_double(a.sum));
                mn.push_back(detail::encode_double(a.min));
                mx.push_back(detail::encode_double(a.max));
                first.push_back(detail::encode_double(a.first));
                last.push_back(detail::encode_double(a.last));
                ft.push_back(a.first_time);
                lt.push_back(a.last_time);
            }
            open.push_back({{"start", w.start}, {"n_events", w.n_events}, {"count", count}, {"sum", sum},
                            {"min", mn}, {"max", mx}, {"first", first}, {"last", last},
                            {"first_time", ft}, {"last_time", lt}});
        }
        return {{"started", started_}, {"watermark", watermark_}, {"closed_until", closed_until_},
                {"open", std::move(open)}};
    }

    /// Reads a state written by to_json, checking it against `spec` (FormatError otherwise).
    static WindowResampler from_json(const Json &j, const WindowSpec &spec) {
        auto bad = [](const char *what) { throw FormatError(std::string("model document: resampler: ") + what); };
        WindowResampler r;
        r.started_ = document_get<bool>(j, "started");
        r.watermark_ = document_get<std::int64_t>(j, "watermark");
        r.closed_until_ = document_get<std::int64_t>(j, "closed_until");
        const Json open = document_get<Json>(j, "open");
        if (!open.is_array() || open.size() > static_cast<std::size_t>(spec.lateness / spec.window) + 2) {
            bad("'open' must be an array of at most lateness / window + 2 windows");
        }
        const std::size_t nf = spec.fields.size();
        for (const auto &w : open) {
            OpenWindow ow;
            ow.start = document_get<std::int64_t>(w, "start");
            ow.n_events = document_get<std::uint64_t>(w, "n_events");
            if (ow.start % spec.window != 0 || ow.start < -max_abs_timestamp || ow.start > max_abs_timestamp ||
                (!r.open_.empty() && ow.start <= r.open_.back().start) || ow.n_events == 0 || !r.started_) {
                bad("open windows must be aligned, increasing and non-empty");
            }
            const auto count = document_get<std::vector<std::uint64_t>>(w, "count");
            const auto ft = document_get<std::vector<std::int64_t>>(w, "first_time");
            const auto lt = document_get<std::vector<std::int64_t>>(w, "last_time");
            if (count.size() != nf || ft.size() != nf || lt.size() != nf) {
                bad("accumulators do not match the fields");
            }
            const auto sum = detail::decode_doubles(w, "sum", nf), mn = detail::decode_doubles(w, "min", nf),
                       mx = detail::decode_doubles(w, "max", nf), first = detail::decode_doubles(w, "first", nf),
                       last = detail::decode_doubles(w, "last", nf);
            for (std::size_t f = 0; f < nf; ++f) {
                ow.fields.push_back({count[f], sum[f], mn[f], mx[f], first[f], last[f], ft[f], lt[f]});
            }
            r.open_.push_back(std::move(ow));
        }
        return r;
    }

  private:
    struct OpenWindow {
        std::int64_t start = 0;
        std::uint64_t n_events = 0;
        std::vector<FieldAccumulator> fields;
    };

    template <class Emit, class Ready> void close_while(const WindowSpec &spec, Emit &emit, Ready ready) {
        std::size_t closed = 0;
        for (; closed < open_.size() && ready(open_[closed]); ++closed) {
            const OpenWindow &w = open_[closed];
            scratch_.start = w.start;
            scratch_.end = w.start + spec.window;
            scratch_.n_events = w.n_events;
            scratch_.aggregates.clear();
            for (std::size_t f = 0; f < spec.fields.size(); ++f) {
                for (auto a : spec.fields[f].aggregations) {
                    scratch_.aggregates.push_back(w.fields[f].value(a));
                }
            }
            closed_until_ = scratch_.end;
            emit(static_cast<const ClosedWindow &>(scratch_));
        }
        open_.erase(open_.begin(), open_.begin() + static_cast<std::ptrdiff_t>(closed));
    }

    bool started_ = false;
    std::int64_t watermark_ = std::numeric_limits<std::int64_t>::min();
    std::int64_t closed_until_ = std::numeric_limits<std::int64_t>::min();
    std::vector<OpenWindow> open_;
    ClosedWindow scratch_; // reused: closing a window allocates nothing once warm
};

} // namespace oddkit
