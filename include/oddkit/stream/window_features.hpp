#pragma once
/// The feature stage of the streaming pipeline: a small declarative spec turned into one feature
/// row per closed window of a device, computed incrementally from a bounded history.
///
/// For the aggregate columns a_1..a_m of a window (WindowSpec::aggregate_names()), the row is,
/// in this order:
///   aggregates   a_j                                       "<agg>"            (if `aggregates`)
///   lags L       a_j of the L-th previous emitted window   "<agg>_lag<L>"
///   rolling k    mean and sample std (ddof 1) of a_j over this window and the k - 1 before it
///                                                          "<agg>_rolling_mean_<k>", "..._std_<k>"
///   calendar     of the window start, UTC, in the order given: "hour" (0-23), "day_of_week"
///                (Monday = 0), "hour_sin"/"hour_cos" = sin/cos(2 pi hour / 24),
///                "day_of_week_sin"/"day_of_week_cos" = sin/cos(2 pi day_of_week / 7)
/// This is what pandas gives for `frame.shift(L)` and `frame.rolling(k).mean()/.std()` over the
/// device's resampled frame with empty bins dropped (tested against it). A value that needs
/// more history than the device has is NaN; so is any value computed from a NaN aggregate.
///
/// The hook for the batch FeatureBuilder: FeatureSpec is the streaming subset of its vocabulary
/// (aggregate columns, lag, rolling mean/std, calendar) and round-trips through JSON
/// ({"aggregates", "lags", "rolling", "calendar"}). A batch builder whose transforms stay in this
/// subset plugs in by producing this spec (to_json / from_json), and its batch output on the
/// resampled frame must equal these rows; the pipeline only needs names(), history() and
/// WindowFeatures::compute.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/stream/detail/json_double.hpp"

namespace oddkit {

struct FeatureSpec {
    /// Include the window's own aggregates.
    bool aggregates = true;
    /// Lags, in emitted windows (each in [1, 1000]).
    std::vector<int> lags;
    /// Rolling window lengths in windows, the current one included (each in [2, 1000]).
    std::vector<int> rolling;
    /// Calendar features of the window start (see the file comment for the names).
    std::vector<std::string> calendar;

    static constexpr const char *calendar_names[] = {"hour", "day_of_week", "hour_sin", "hour_cos",
                                                     "day_of_week_sin", "day_of_week_cos"};

    /// `other_features`: the pipeline has other features (a FeatureBuilder), so this spec may
    /// produce none.
    void validate(bool other_features = false) const {
        for (int l : lags) {
            require(l >= 1 && l <= 1000, "features", "lag must be in [1, 1000], got ", l);
        }
        for (int k : rolling) {
            require(k >= 2 && k <= 1000, "features", "rolling window must be in [2, 1000], got ", k);
        }
        for (const auto &c : calendar) {
            require(std::find(std::begin(calendar_names), std::end(calendar_names), c) != std::end(calendar_names),
                    "features", "unknown calendar feature '", c,
                    "' (expected hour, day_of_week, hour_sin, hour_cos, day_of_week_sin or day_of_week_cos)");
        }
        require(other_features || aggregates || !lags.empty() || !rolling.empty() || !calendar.empty(), "features",
                "produces no feature (enable aggregates or add lags, rolling or calendar features)");
    }

    /// Previous windows the stage keeps per device.
    std::size_t history() const noexcept {
        std::size_t h = 0;
        for (int l : lags) {
            h = std::max(h, static_cast<std::size_t>(l));
        }
        for (int k : rolling) {
            h = std::max(h, static_cast<std::size_t>(k - 1));
        }
        return h;
    }

    std::vector<std::string> names(const std::vector<std::string> &aggregate_names) const {
        std::vector<std::string> out;
        if (aggregates) {
            out = aggregate_names;
        }
        for (int l : lags) {
            for (const auto &a : aggregate_names) {
                out.push_back(a + "_lag" + std::to_string(l));
            }
        }
        for (int k : rolling) {
            for (const auto &a : aggregate_names) {
                out.push_back(a + "_rolling_mean_" + std::to_string(k));
                out.push_back(a + "_rolling_std_" + std::to_string(k));
            }
        }
        out.insert(out.end(), calendar.begin(), calendar.end());
        return out;
    }

    Json to_json() const {
        return {{"aggregates", aggregates}, {"lags", lags}, {"rolling", rolling}, {"calendar", calendar}};
    }
    static FeatureSpec from_json(const Json &j) {
        FeatureSpec s;
        s.aggregates = document_get<bool>(j, "aggregates");
        s.lags = document_get<std::vector<int>>(j, "lags");
        s.rolling = document_get<std::vector<int>>(j, "rolling");
        s.calendar = document_get<std::vector<std::string>>(j, "calendar");
        return s;
    }
};

/// The history of one device's window aggregates (a ring of the last history() rows).
class WindowFeatures {
  public:
    /// Writes the feature row of the window whose aggregates are `agg` (m values) starting at
    /// `start` into out (names().size() values), then adds the window to the history.
    void compute(const FeatureSpec &spec, std::size_t m, std::int64_t start, const double *agg, double *out) {
        const std::size_t capacity = spec.history();
        if (ring_.size() != capacity * m) {
            ring_.assign(capacity * m, 0.0); // first window of this device
        }
        double *o = out;
        if (spec.aggregates) {
            o = std::copy(agg, agg + m, o);
        }
        for (int l : spec.lags) {
            const double *row = previous(static_cast<std::size_t>(l), m);
            for (std::size_t j = 0; j < m; ++j) {
                *o++ = row ? row[j] : std::numeric_limits<double>::quiet_NaN();
            }
        }
        for (int k : spec.rolling) {
            const auto kk = static_cast<std::size_t>(k);
            for (std::size_t j = 0; j < m; ++j) {
                if (size_ + 1 < kk) {
                    *o++ = std::numeric_limits<double>::quiet_NaN();
                    *o++ = std::numeric_limits<double>::quiet_NaN();
                    continue;
                }
                // Two passes over k values: exact enough to match a batch computation.
                double sum = agg[j];
                for (std::size_t b = 1; b < kk; ++b) {
                    sum += previous(b, m)[j];
                }
                const double mean = sum / static_cast<double>(kk);
                double ss = (agg[j] - mean) * (agg[j] - mean);
                for (std::size_t b = 1; b < kk; ++b) {
                    const double d = previous(b, m)[j] - mean;
                    ss += d * d;
                }
                *o++ = mean;
                *o++ = std::sqrt(ss / static_cast<double>(kk - 1));
            }
        }
        for (const auto &c : spec.calendar) {
            *o++ = calendar_value(c, start);
        }
        if (capacity > 0) {
            std::copy(agg, agg + m, ring_.begin() + static_cast<std::ptrdiff_t>(head_ * m));
            head_ = (head_ + 1) % capacity;
            size_ = std::min(size_ + 1, capacity);
        }
    }

    /// Rows held (at most history()).
    std::size_t size() const noexcept { return size_; }

    Json to_json(std::size_t m) const {
        // Oldest first, so the layout does not depend on where the ring's head happens to be.
        Json rows = Json::array();
        for (std::size_t b = size_; b >= 1; --b) {
            rows.push_back(detail::encode_doubles(previous(b, m), m));
        }
        return {{"rows", std::move(rows)}};
    }

    static WindowFeatures from_json(const Json &j, const FeatureSpec &spec, std::size_t m) {
        const Json rows = document_get<Json>(j, "rows");
        const std::size_t capacity = spec.history();
        if (!rows.is_array() || rows.size() > capacity) {
            throw FormatError("model document: feature history holds more rows than the spec keeps");
        }
        WindowFeatures w;
        w.ring_.assign(capacity * m, 0.0);
        for (const auto &row : rows) {
            if (!row.is_array() || row.size() != m) {
                throw FormatError("model document: feature history row of the wrong length");
            }
            for (std::size_t j = 0; j < m; ++j) {
                w.ring_[w.head_ * m + j] = detail::decode_double(row[j]);
            }
            w.head_ = (w.head_ + 1) % capacity;
            ++w.size_;
        }
        return w;
    }

  private:
    /// The b-th previous row (b = 1 is the last window), or null when not held.
    const double *previous(std::size_t b, std::size_t m) const noexcept {
        if (b > size_) {
            return nullptr;
        }
        const std::size_t capacity = ring_.size() / m;
        return ring_.data() + ((head_ + capacity - b) % capacity) * m;
    }

    static double calendar_value(const std::string &name, std::int64_t start) {
        constexpr std::int64_t ns_per_hour = 3'600'000'000'000;
        constexpr std::int64_t ns_per_day = 24 * ns_per_hour;
        std::int64_t days = start / ns_per_day;
        std::int64_t in_day = start % ns_per_day;
        if (in_day < 0) {
            in_day += ns_per_day;
            --days;
        }
        const auto hour = static_cast<double>(in_day / ns_per_hour);
        const auto dow = static_cast<double>(((days % 7) + 7 + 3) % 7); // 1970-01-01 was a Thursday
        constexpr double two_pi = 2.0 * std::numbers::pi;
        if (name == "hour") {
            return hour;
        }
        if (name == "day_of_week") {
            return dow;
        }
        if (name == "hour_sin") {
            return std::sin(two_pi * hour / 24.0);
        }
        if (name == "hour_cos") {
            return std::cos(two_pi * hour / 24.0);
        }
        if (name == "day_of_week_sin") {
            return std::sin(two_pi * dow / 7.0);
        }
        return std::cos(two_pi * dow / 7.0);
    }

    std::vector<double> ring_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace oddkit
