#pragma once
/// A FeatureBuilder applied incrementally: each call turns the next row of a device's
/// resampled frame (one closed window: its start time and aggregate columns) into that row's
/// features, equal bit for bit to FeatureBuilder::apply over the whole frame.
///
/// Per device it keeps only the bounded history the declared features reach back to: a ring of
/// the last history() rows (window start and aggregates) plus, for every rolling sum, mean,
/// var and std, the running compensated state of series/rolling.hpp. That state is advanced by
/// exactly the removals and additions the batch slide makes (reset when a window no longer
/// overlaps the previous one, and at the batch's restart rows), so the rounding is the batch's
/// own. Min, max, count and median are exact functions of the window's values and are
/// recomputed from the ring.
///
/// What cannot be computed as windows close is refused (InvalidArgument naming "builder"):
/// negative lags or differences and centred rolling windows (they need later rows), and
/// features that would need more than max_history rows. A time window of duration D over
/// windows of length W reaches back at most floor(D / W) + 1 rows, since emitted window starts
/// are distinct multiples of W.
///
/// Calendar values use the formulas of FeatureBuilder (the same calendar.hpp functions and the
/// same expressions); the tests compare the two bit for bit.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/features/feature_builder.hpp"
#include "oddkit/series/calendar.hpp"
#include "oddkit/series/detail/sorted_window.hpp"
#include "oddkit/series/quantile_interpolation.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/stream/detail/json_double.hpp"

namespace oddkit {

class IncrementalFeatureBuilder {
  public:
    /// Rows of history one device may need at most.
    static constexpr std::size_t max_history = 100'000;

    /// Per-device state: the ring of recent rows and the running rolling states.
    struct State {
        std::uint64_t rows = 0;           ///< rows seen
        std::vector<std::int64_t> times;  ///< ring: history() window starts
        std::vector<double> values;       ///< ring: history() x columns aggregates
        std::vector<detail::RunningSum> sums;
        std::vector<detail::RunningMoments> moments;
        std::vector<std::uint64_t> start, end; ///< per running op: the previous row's window
    };

    IncrementalFeatureBuilder() = default;

    /// `columns`: the aggregate names of the frame's columns, in row order; `spacing`: the
    /// resample window in ns (consecutive rows are at least this far apart).
    IncrementalFeatureBuilder(const FeatureBuilder &builder, const std::vector<std::string> &columns,
                              std::int64_t spacing)
        : names_(builder.feature_names()), m_(columns.size()) {
        require(builder.size() > 0, "builder", "declares no feature");
        require(spacing > 0, "window", "must be positive, got ", spacing);
        const auto column = [&](const Json &f, const char *key, const std::string &feature) {
            const std::string wanted = f.at(key).get<std::string>();
            const auto it = std::find(columns.begin(), columns.end(), wanted);
            require(it != columns.end(), "builder", "feature '", feature, "' needs column '", wanted,
                    "', which the pipeline does not aggregate (it has: ", join(columns), ")");
            return static_cast<std::size_t>(it - columns.begin());
        };
        std::size_t history = 1;
        for (std::size_t index = 0; index < builder.size(); ++index) {
            const Json &f = builder.features()[index];
            const std::string &name = names_[index];
            const std::string kind = f.at("kind");
            Op op;
            if (kind == "calendar") {
                op.kind = Kind::calendar;
                const auto &all = FeatureBuilder::calendar_fields();
                op.calendar = static_cast<int>(std::find(all.begin(), all.end(), f.at("field").get<std::string>()) -
                                               all.begin());
            } else if (kind == "lag" || kind == "diff") {
                op.kind = kind == "lag" ? Kind::lag : Kind::diff;
                op.a = column(f, "column", name);
                const auto k = f.at("periods").get<std::int64_t>();
                require(k > 0, "builder", "feature '", name,
                        "' looks at later windows; a stream can only use earlier ones (periods > 0)");
                require(static_cast<std::uint64_t>(k) <= max_history, "builder", "feature '", name,
                        "' reaches back more than ", max_history, " windows");
                op.periods = static_cast<std::size_t>(k);
                history = std::max(history, op.periods);
            } else if (kind == "product" || kind == "ratio") {
                op.kind = kind == "product" ? Kind::product : Kind::ratio;
                op.a = column(f, "column", name);
                op.b = column(f, "other", name);
            } else { // rolling
                op.kind = Kind::rolling;
                op.a = column(f, "column", name);
                require(!f.at("center").get<bool>(), "builder", "feature '", name,
                        "' is centred and needs later windows; use a trailing window in a stream");
                const Closed closed = parse_closed(f.at("closed").get<std::string>());
                op.left_closed = closed == Closed::left || closed == Closed::both;
                op.right_closed = closed == Closed::right || closed == Closed::both;
                op.time = f.at("time").get<bool>();
                op.size = f.at("size").get<std::int64_t>();
                RollingOptions options;
                if (!f.at("min_periods").is_null()) {
                    options.min_periods = f.at("min_periods").get<std::int64_t>();
                }
                op.min_periods = window_min_periods(
                    op.time ? RollingWindow::duration(op.size) : RollingWindow::rows(op.size), options);
                // Rows back to the previous row's window start (the rows a slide removes).
                const std::uint64_t reach = op.time ? static_cast<std::uint64_t>(op.size / spacing) + 1
                                                    : static_cast<std::uint64_t>(op.size) + (op.left_closed ? 1 : 0);
                require(reach <= max_history, "builder", "feature '", name, "' reaches back more than ",
                        max_history, " windows");
                history = std::max(history, static_cast<std::size_t>(reach));
                const std::string stat = f.at("stat");
                const auto &stats = FeatureBuilder::rolling_stats();
                op.stat = static_cast<Stat>(std::find(stats.begin(), stats.end(), stat) - stats.begin());
                if (op.stat == Stat::sum || op.stat == Stat::mean) {
                    op.slot = n_sums_++;
                    op.bounds = n_running_++;
                } else if (op.stat == Stat::var || op.stat == Stat::std) {
                    op.slot = n_moments_++;
                    op.bounds = n_running_++;
                }
            }
            ops_.push_back(op);
        }
        history_ = history;
    }

    bool empty() const noexcept { return ops_.empty(); }
    std::size_t size() const noexcept { return ops_.size(); }
    const std::vector<std::string> &names() const noexcept { return names_; }
    /// Rows of history kept per device.
    std::size_t history() const noexcept { return history_; }

    State new_state() const {
        State s;
        s.times.assign(history_, 0);
        s.values.assign(history_ * m_, 0.0);
        s.sums.assign(n_sums_, {});
        s.moments.assign(n_moments_, {});
        s.start.assign(n_running_, 0);
        s.end.assign(n_running_, 0);
        return s;
    }

    /// The features of the next row (window start t, aggregates `row`: one per column) into
    /// out (size() values); then the row joins the history. t must exceed the previous row's.
    void compute(State &s, std::int64_t t, const double *row, double *out) const {
        const std::uint64_t i = s.rows;
        const std::uint64_t held = std::min<std::uint64_t>(i, history_);
        // Value of column j at absolute row r (r in [i - held, i]).
        const auto at = [&](std::uint64_t r, std::size_t j) {
            return r == i ? row[j] : s.values[(r % history_) * m_ + j];
        };
        const auto time_at = [&](std::uint64_t r) { return r == i ? t : s.times[r % history_]; };
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        for (std::size_t k = 0; k < ops_.size(); ++k) {
            const Op &op = ops_[k];
            switch (op.kind) {
            case Kind::calendar:
                out[k] = calendar_value(op.calendar, t);
                break;
            case Kind::lag:
                out[k] = op.periods <= i ? at(i - op.periods, op.a) : nan;
                break;
            case Kind::diff:
                out[k] = op.periods <= i ? row[op.a] - at(i - op.periods, op.a) : nan;
                break;
            case Kind::product:
                out[k] = row[op.a] * row[op.b];
                break;
            case Kind::ratio:
                out[k] = row[op.b] == 0.0 ? nan : row[op.a] / row[op.b];
                break;
            case Kind::rolling: {
                std::uint64_t first, last; // the window [first, last) in absolute rows
                if (op.time) {
                    last = op.right_closed ? i + 1 : i;
                    first = i;
                    // Rows strictly increase in time, so walk back while inside the window.
                    while (first > i - held && in_time_window(op, t, time_at(first - 1))) {
                        --first;
                    }
                } else {
                    const auto w = static_cast<std::int64_t>(op.size);
                    const auto row_i = static_cast<std::int64_t>(i);
                    const std::int64_t e = row_i + 1 - (op.right_closed ? 0 : 1);
                    const std::int64_t b = row_i + 1 - w - (op.left_closed ? 1 : 0);
                    first = static_cast<std::uint64_t>(std::max<std::int64_t>(b, 0));
                    last = static_cast<std::uint64_t>(std::max<std::int64_t>(e, 0));
                }
                out[k] = rolling_value(op, s, i, first, last, at);
                break;
            }
            }
        }
        s.times[i % history_] = t;
        std::copy(row, row + m_, s.values.begin() + static_cast<std::ptrdiff_t>((i % history_) * m_));
        ++s.rows;
    }

    /// The state as JSON (held rows oldest first, running states, previous windows).
    Json state_to_json(const State &s) const {
        const std::uint64_t held = std::min<std::uint64_t>(s.rows, history_);
        Json times = Json::array(), rows = Json::array();
        for (std::uint64_t r = s.rows - held; r < s.rows; ++r) {
            times.push_back(s.times[r % history_]);
            rows.push_back(detail::encode_doubles(s.values.data() + (r % history_) * m_, m_));
        }
        Json sums = Json::array(), moments = Json::array();
        for (const auto &x : s.sums) {
            sums.push_back({detail::encode_double(x.sum), detail::encode_double(x.add_error),
                            detail::encode_double(x.remove_error), detail::encode_double(x.last), x.count,
                            x.negatives, x.same_run});
        }
        for (const auto &x : s.moments) {
            moments.push_back({detail::encode_double(x.mean), detail::encode_double(x.m2),
                               detail::encode_double(x.error), detail::encode_double(x.last), x.count, x.same_run});
        }
        return {{"rows", s.rows}, {"times", std::move(times)}, {"values", std::move(rows)}, {"sums", std::move(sums)},
                {"moments", std::move(moments)}, {"start", s.start}, {"end", s.end}};
    }

    /// Restores a state; sizes, time order and window bounds are checked (FormatError).
    State state_from_json(const Json &j) const {
        try {
            return read_state(j);
        } catch (const Json::exception &e) {
            throw FormatError(std::string("model document: feature builder state: ") + e.what());
        }
    }

  private:
    State read_state(const Json &j) const {
        auto bad = [](const std::string &what) { throw FormatError("model document: feature builder state: " + what); };
        State s = new_state();
        s.rows = document_get<std::uint64_t>(j, "rows");
        const auto times = document_get<std::vector<std::int64_t>>(j, "times");
        const Json rows = document_get<Json>(j, "values");
        const Json sums = document_get<Json>(j, "sums");
        const Json moments = document_get<Json>(j, "moments");
        const auto start = document_get<std::vector<std::uint64_t>>(j, "start");
        const auto end = document_get<std::vector<std::uint64_t>>(j, "end");
        const std::uint64_t held = std::min<std::uint64_t>(s.rows, history_);
        if (times.size() != held || !rows.is_array() || rows.size() != held || !sums.is_array() ||
            sums.size() != n_sums_ || !moments.is_array() || moments.size() != n_moments_ ||
            start.size() != n_running_ || end.size() != n_running_) {
            bad("sizes do not match the builder");
        }
        for (std::uint64_t k = 0; k < held; ++k) {
            const std::uint64_t r = s.rows - held + k;
            if (k > 0 && !(times[k - 1] < times[k])) {
                bad("window starts are not increasing");
            }
            if (!rows[k].is_array() || rows[k].size() != m_) {
                bad("a row has the wrong length");
            }
            s.times[r % history_] = times[k];
            for (std::size_t c = 0; c < m_; ++c) {
                s.values[(r % history_) * m_ + c] = detail::decode_double(rows[k][c]);
            }
        }
        // A running state covers the previous row's window, which the ring must still hold.
        for (std::size_t b = 0; b < n_running_; ++b) {
            if (s.rows == 0 ? (start[b] != 0 || end[b] != 0)
                            : (start[b] > end[b] || end[b] > s.rows || start[b] + held < s.rows)) {
                bad("a rolling window is outside the held rows");
            }
            s.start[b] = start[b];
            s.end[b] = end[b];
        }
        const auto count_ok = [&](std::size_t bounds, std::size_t count) {
            return count <= s.end[bounds] - s.start[bounds];
        };
        for (const Op &op : ops_) {
            if (op.kind != Kind::rolling || (op.stat != Stat::sum && op.stat != Stat::mean)) {
                continue;
            }
            const Json &x = sums[op.slot];
            if (!x.is_array() || x.size() != 7) {
                bad("a running sum has the wrong shape");
            }
            auto &r = s.sums[op.slot];
            r.sum = detail::decode_double(x[0]);
            r.add_error = detail::decode_double(x[1]);
            r.remove_error = detail::decode_double(x[2]);
            r.last = detail::decode_double(x[3]);
            r.count = x[4].get<std::size_t>();
            r.negatives = x[5].get<std::size_t>();
            r.same_run = x[6].get<std::size_t>();
            // same_run may exceed count: it is the length of the run of equal values added.
            if (!count_ok(op.bounds, r.count) || r.negatives > r.count) {
                bad("a running sum's counts exceed its window");
            }
        }
        for (const Op &op : ops_) {
            if (op.kind != Kind::rolling || (op.stat != Stat::var && op.stat != Stat::std)) {
                continue;
            }
            const Json &x = moments[op.slot];
            if (!x.is_array() || x.size() != 6) {
                bad("running moments have the wrong shape");
            }
            auto &r = s.moments[op.slot];
            r.mean = detail::decode_double(x[0]);
            r.m2 = detail::decode_double(x[1]);
            r.error = detail::decode_double(x[2]);
            r.last = detail::decode_double(x[3]);
            r.count = x[4].get<std::size_t>();
            r.same_run = x[5].get<std::size_t>();
            if (!count_ok(op.bounds, r.count)) {
                bad("running moments' counts exceed their window");
            }
        }
        return s;
    }

    enum class Kind : std::uint8_t { calendar, lag, diff, product, ratio, rolling };
    // In FeatureBuilder::rolling_stats() order.
    enum class Stat : std::uint8_t { mean, sum, std, var, min, max, median, count };

    struct Op {
        Kind kind = Kind::calendar;
        int calendar = 0; ///< index in FeatureBuilder::calendar_fields()
        std::size_t a = 0, b = 0;
        std::size_t periods = 0;
        Stat stat = Stat::mean;
        bool time = false, left_closed = false, right_closed = true;
        std::int64_t size = 0;
        std::size_t min_periods = 0;
        std::size_t slot = 0;   ///< index in sums or moments
        std::size_t bounds = 0; ///< index in start/end
    };

    static bool in_time_window(const Op &op, std::int64_t t, std::int64_t earlier) noexcept {
        const std::int64_t age = t - earlier; // both within +-2^62: no overflow
        return op.left_closed ? age <= op.size : age < op.size;
    }

    /// slide_generic's step for one running state: reset when the window no longer overlaps
    /// the previous one, else remove the rows that left and add those that entered.
    template <class Running, class At>
    static void advance(Running &r, std::uint64_t &start, std::uint64_t &end, std::uint64_t i, std::uint64_t first,
                        std::uint64_t last, std::size_t column, const At &at) {
        if (i == 0 || first >= end || detail::restarts_at(i, last - first)) { // as the batch slide
            r = Running{};
            for (std::uint64_t q = first; q < last; ++q) r.add(at(q, column));
        } else {
            for (std::uint64_t q = start; q < first; ++q) r.remove(at(q, column));
            for (std::uint64_t q = end; q < last; ++q) r.add(at(q, column));
        }
        start = first;
        end = last;
    }

    template <class At>
    double rolling_value(const Op &op, State &s, std::uint64_t i, std::uint64_t first, std::uint64_t last,
                         const At &at) const {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        const std::size_t mp = op.min_periods;
        switch (op.stat) {
        case Stat::sum:
        case Stat::mean: {
            auto &r = s.sums[op.slot];
            advance(r, s.start[op.bounds], s.end[op.bounds], i, first, last, op.a, at);
            return op.stat == Stat::sum ? detail::window_sum(r, mp) : detail::window_mean(r, mp);
        }
        case Stat::var:
        case Stat::std: {
            auto &r = s.moments[op.slot];
            advance(r, s.start[op.bounds], s.end[op.bounds], i, first, last, op.a, at);
            const double v = detail::window_var(r, mp, 1);
            return op.stat == Stat::std ? std::sqrt(v) : v;
        }
        case Stat::count: {
            std::size_t count = 0;
            for (std::uint64_t q = first; q < last; ++q) count += !std::isnan(at(q, op.a));
            return last - first >= mp ? static_cast<double>(count) : nan;
        }
        case Stat::min:
        case Stat::max: {
            // The batch keeps a monotonic deque; its answer is the latest row holding the
            // extreme value (an equal later value replaces an earlier one).
            std::size_t count = 0;
            double best = nan;
            for (std::uint64_t q = first; q < last; ++q) {
                const double v = at(q, op.a);
                if (!std::isfinite(v)) continue;
                if (count++ == 0 || (op.stat == Stat::max ? v >= best : v <= best)) best = v;
            }
            return count > 0 && count >= mp ? best : nan;
        }
        case Stat::median: {
            thread_local std::vector<double> sorted;
            sorted.clear();
            for (std::uint64_t q = first; q < last; ++q) {
                const double v = at(q, op.a);
                if (std::isfinite(v)) sorted.push_back(v);
            }
            std::sort(sorted.begin(), sorted.end());
            if (sorted.size() < std::max<std::size_t>(mp, 1)) return nan;
            return quantile_of_sorted([&](std::size_t k) { return sorted[k]; }, sorted.size(), 0.5,
                                      QuantileInterpolation::midpoint);
        }
        }
        return nan;
    }

    /// FeatureBuilder's calendar formulas (same functions, same expressions).
    static double calendar_value(int field, std::int64_t t) {
        constexpr double two_pi = 2.0 * std::numbers::pi;
        switch (field) {
        case 0: return hour_of(t);
        case 1: return day_of_week(t);
        case 2: return day_of_week(t) >= 5 ? 1.0 : 0.0;
        case 3: return civil_date(t).month;
        case 4: return civil_date(t).day_of_year;
        case 5:
        case 6: {
            const double hours = static_cast<double>(time_of_day(t)) / 3.6e12;
            return field == 5 ? std::sin(two_pi * hours / 24.0) : std::cos(two_pi * hours / 24.0);
        }
        default: {
            const double d = day_of_week(t);
            return field == 7 ? std::sin(two_pi * d / 7.0) : std::cos(two_pi * d / 7.0);
        }
        }
    }

    static std::string join(const std::vector<std::string> &v) {
        std::string out;
        for (const auto &s : v) out += (out.empty() ? "" : ", ") + s;
        return out;
    }

    std::vector<Op> ops_;
    std::vector<std::string> names_;
    std::size_t m_ = 0;
    std::size_t history_ = 1;
    std::size_t n_sums_ = 0, n_moments_ = 0, n_running_ = 0;
};

} // namespace oddkit
