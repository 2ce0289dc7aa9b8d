#pragma once
/// FeatureBuilder: features declared once, applied to (timestamps + named columns) to give a
/// named feature matrix; the declaration round-trips through a model document
/// ("FeatureBuilder", version 1) so a C++ program rebuilds exactly the features a notebook
/// trained on.
///
///     oddkit::FeatureBuilder fb;
///     fb.calendar().lag("temp", {1, 2}).rolling("temp", "1h", {"mean", "std"}).diff("temp")
///       .ratio("power", "flow");
///     oddkit::FeatureMatrix F = fb.apply(times, n, {"temp", "power", "flow"}, X);
///
/// Feature names: hour, day_of_week, is_weekend, month, day_of_year, hour_sin, hour_cos,
/// day_of_week_sin, day_of_week_cos; <col>_lag_<k>; <col>_rolling_<window>_<stat>;
/// <col>_diff_<k>; <a>_times_<b>; <a>_per_<b>. The cyclic hour uses the fractional hour of
/// the day (minutes and seconds included), so sub-hourly data varies smoothly. Ratios with a
/// zero denominator are NaN, not infinity. Times are UTC.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <unordered_map>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/series/calendar.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/transform.hpp"

namespace oddkit {

struct FeatureMatrix {
    Matrix values;                  ///< n rows x features
    std::vector<std::string> names; ///< one per column of values
};

/// The shortest exact label of a duration: 3'600'000'000'000 -> "1h", 90 s -> "90s".
inline std::string format_duration(std::int64_t ns) {
    struct Unit {
        const char *name;
        std::int64_t ns;
    };
    static constexpr Unit units[] = {{"d", 86'400'000'000'000}, {"h", 3'600'000'000'000}, {"min", 60'000'000'000},
                                     {"s", 1'000'000'000},      {"ms", 1'000'000},         {"us", 1'000}};
    for (const auto &u : units) {
        if (ns % u.ns == 0) return std::to_string(ns / u.ns) + u.name;
    }
    return std::to_string(ns) + "ns";
}

class FeatureBuilder {
  public:
    static constexpr int format_version = 1;
    static const std::vector<std::string> &calendar_fields() {
        static const std::vector<std::string> all{"hour",     "day_of_week", "is_weekend",      "month",           "day_of_year",
                                                  "hour_sin", "hour_cos",    "day_of_week_sin", "day_of_week_cos"};
        return all;
    }
    static const std::vector<std::string> &rolling_stats() {
        static const std::vector<std::string> all{"mean", "sum", "std", "var", "min", "max", "median", "count"};
        return all;
    }

    /// Calendar features (all nine by default, or the named subset).
    FeatureBuilder &calendar(std::vector<std::string> fields = {}) {
        if (fields.empty()) fields = calendar_fields();
        for (const auto &f : fields) {
            require(contains(calendar_fields(), f), "fields", "unknown calendar field '", f, "'");
            add({{"kind", "calendar"}, {"field", f}});
        }
        return *this;
    }
    /// x shifted by each of `periods` rows (positive: past values).
    FeatureBuilder &lag(const std::string &column, const std::vector<std::int64_t> &periods) {
        for (auto k : periods) {
            require(k != 0, "periods", "a lag of 0 rows repeats the column");
            add({{"kind", "lag"}, {"column", column}, {"periods", k}});
        }
        return *this;
    }
    /// Rolling statistics over a window such as "1h" (time) or "12" (rows).
    FeatureBuilder &rolling(const std::string &column, const std::string &window, const std::vector<std::string> &stats,
                            const RollingOptions &options = {}) {
        const RollingWindow w = RollingWindow::parse(window);
        if (options.min_periods && w.kind == RollingWindow::Kind::rows) {
            require(*options.min_periods >= 0 && *options.min_periods <= w.size, "min_periods",
                    "must be in [0, window], got ", *options.min_periods);
        }
        require(!options.min_periods || *options.min_periods >= 0, "min_periods", "must be >= 0");
        for (const auto &s : stats) {
            require(contains(rolling_stats(), s), "stats", "unknown rolling statistic '", s,
                    "' (expected mean, sum, std, var, min, max, median or count)");
            Json f{{"kind", "rolling"}, {"column", column}, {"time", w.is_time()}, {"size", w.size}, {"stat", s},
                   {"closed", closed_name(options.closed)}, {"center", options.center}};
            f["min_periods"] = options.min_periods ? Json(*options.min_periods) : Json(nullptr);
            add(std::move(f));
        }
        return *this;
    }
    FeatureBuilder &diff(const std::string &column, std::int64_t periods = 1) {
        require(periods != 0, "periods", "a difference over 0 rows is always 0");
        return add({{"kind", "diff"}, {"column", column}, {"periods", periods}});
    }
    FeatureBuilder &product(const std::string &a, const std::string &b) {
        return add({{"kind", "product"}, {"column", a}, {"other", b}});
    }
    FeatureBuilder &ratio(const std::string &a, const std::string &b) {
        return add({{"kind", "ratio"}, {"column", a}, {"other", b}});
    }

    std::size_t size() const noexcept { return features_.size(); }
    const Json &features() const noexcept { return features_; }

    std::vector<std::string> feature_names() const {
        std::vector<std::string> names;
        for (const auto &f : features_) names.push_back(name_of(f));
        return names;
    }

    /// Builds the features of n rows: `times` (n sorted int64 ns, UTC; may be null when no
    /// calendar or time-window feature is declared) and X (n x names.size(), row-major).
    FeatureMatrix apply(const std::int64_t *times, std::size_t n_times, const std::vector<std::string> &names,
                        const MatrixView &X) const {
        require(!features_.empty(), "features", "no features declared");
        require(names.size() == X.cols(), "names", "has ", names.size(), " entries but X has ", X.cols(), " columns");
        std::unordered_map<std::string, std::size_t> index;
        for (std::size_t j = 0; j < names.size(); ++j) {
            require(index.emplace(names[j], j).second, "names", "duplicate column name '", names[j], "'");
        }
        const std::size_t n = X.rows();
        bool needs_times = false;
        for (const auto &f : features_) {
            needs_times = needs_times || f["kind"] == "calendar" || (f["kind"] == "rolling" && f["time"].get<bool>());
        }
        if (needs_times) {
            require(times != nullptr, "times", "needed by calendar and time-window features");
            require(n_times == n, "times", "has ", n_times, " timestamps but X has ", n, " rows");
            check_sorted_times(times, n);
        } else if (times != nullptr) {
            require(n_times == n, "times", "has ", n_times, " timestamps but X has ", n, " rows");
        }
        const auto column = [&](const std::string &name) {
            const auto it = index.find(name);
            require(it != index.end(), "names", "no column named '", name, "' (a feature needs it)");
            std::vector<double> c(n);
            for (std::size_t i = 0; i < n; ++i) c[i] = X(i, it->second);
            return c;
        };
        FeatureMatrix out;
        out.values = xt::empty<double>({n, features_.size()});
        out.names = feature_names();
        Vector col = xt::empty<double>({n});
        for (std::size_t k = 0; k < features_.size(); ++k) {
            compute(features_[k], times, n, column, col);
            for (std::size_t i = 0; i < n; ++i) out.values(i, k) = col(i);
        }
        return out;
    }

    Json to_document() const {
        return make_document("FeatureBuilder", format_version, Json{{"features", features_}}, Json::object());
    }
    /// Rebuilds a builder, re-declaring every feature so a corrupted one is a FormatError.
    static FeatureBuilder from_document(const Json &doc) {
        check_document(doc, "FeatureBuilder", format_version);
        const auto list = document_get<Json>(doc.at("params"), "features");
        if (!list.is_array()) throw FormatError("model document: 'features' must be an array");
        FeatureBuilder fb;
        try {
            for (const auto &f : list) {
                const auto kind = document_get<std::string>(f, "kind");
                if (kind == "calendar") {
                    fb.calendar({document_get<std::string>(f, "field")});
                } else if (kind == "lag") {
                    fb.lag(document_get<std::string>(f, "column"), {document_get<std::int64_t>(f, "periods")});
                } else if (kind == "diff") {
                    fb.diff(document_get<std::string>(f, "column"), document_get<std::int64_t>(f, "periods"));
                } else if (kind == "product" || kind == "ratio") {
                    const auto a = document_get<std::string>(f, "column");
                    const auto b = document_get<std::string>(f, "other");
                    kind == "product" ? fb.product(a, b) : fb.ratio(a, b);
                } else if (kind == "rolling") {
                    const auto size = document_get<std::int64_t>(f, "size");
                    if (size < 1) throw FormatError("model document: rolling window size must be >= 1");
                    RollingOptions o;
                    o.closed = parse_closed(document_get<std::string>(f, "closed"));
                    o.center = document_get<bool>(f, "center");
                    const Json &mp = f.at("min_periods");
                    if (!mp.is_null()) o.min_periods = mp.get<std::int64_t>();
                    const std::string window =
                        document_get<bool>(f, "time") ? std::to_string(size) + "ns" : std::to_string(size);
                    fb.rolling(document_get<std::string>(f, "column"), window, {document_get<std::string>(f, "stat")}, o);
                } else {
                    throw FormatError("model document: unknown feature kind '" + kind + "'");
                }
            }
        } catch (const InvalidArgument &e) {
            throw FormatError(std::string("model document: invalid feature: ") + e.what());
        } catch (const Json::exception &e) {
            throw FormatError(std::string("model document: invalid feature: ") + e.what());
        }
        return fb;
    }
    void save(const std::string &path) const { write_document(to_document(), path); }
    static FeatureBuilder load(const std::string &path) { return from_document(read_document(path)); }

  private:
    static bool contains(const std::vector<std::string> &v, const std::string &s) {
        for (const auto &x : v) {
            if (x == s) return true;
        }
        return false;
    }
    FeatureBuilder &add(Json f) {
        const std::string name = name_of(f);
        for (const auto &g : features_) {
            require(name_of(g) != name, "features", "'", name, "' is declared twice");
        }
        features_.push_back(std::move(f));
        return *this;
    }
    static std::string name_of(const Json &f) {
        const std::string kind = f["kind"];
        if (kind == "calendar") return f["field"];
        const std::string c = f["column"];
        if (kind == "lag") return c + "_lag_" + std::to_string(f["periods"].get<std::int64_t>());
        if (kind == "diff") return c + "_diff_" + std::to_string(f["periods"].get<std::int64_t>());
        if (kind == "product") return c + "_times_" + f["other"].get<std::string>();
        if (kind == "ratio") return c + "_per_" + f["other"].get<std::string>();
        const std::int64_t size = f["size"];
        const std::string w = f["time"].get<bool>() ? format_duration(size) : std::to_string(size);
        return c + "_rolling_" + w + "_" + f["stat"].get<std::string>();
    }

    template <class Column>
    static void compute(const Json &f, const std::int64_t *times, std::size_t n, const Column &column, Vector &out) {
        const std::string kind = f["kind"];
        const OutputView o(out);
        if (kind == "calendar") {
            const std::string field = f["field"];
            constexpr double two_pi = 2.0 * std::numbers::pi;
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t t = times[i];
                double v;
                if (field == "hour") v = hour_of(t);
                else if (field == "day_of_week") v = day_of_week(t);
                else if (field == "is_weekend") v = day_of_week(t) >= 5 ? 1.0 : 0.0;
                else if (field == "month") v = civil_date(t).month;
                else if (field == "day_of_year") v = civil_date(t).day_of_year;
                else if (field == "hour_sin" || field == "hour_cos") {
                    const double hours = static_cast<double>(time_of_day(t)) / 3.6e12;
                    v = field == "hour_sin" ? std::sin(two_pi * hours / 24.0) : std::cos(two_pi * hours / 24.0);
                } else {
                    const double d = day_of_week(t);
                    v = field == "day_of_week_sin" ? std::sin(two_pi * d / 7.0) : std::cos(two_pi * d / 7.0);
                }
                out(i) = v;
            }
            return;
        }
        const auto x = column(f["column"].get<std::string>());
        const VectorView xv(x.data(), n);
        if (kind == "lag") {
            oddkit::shift(xv, o, f["periods"].get<std::int64_t>());
        } else if (kind == "diff") {
            oddkit::diff(xv, o, f["periods"].get<std::int64_t>());
        } else if (kind == "product" || kind == "ratio") {
            const auto y = column(f["other"].get<std::string>());
            for (std::size_t i = 0; i < n; ++i) {
                out(i) = kind == "product" ? x[i] * y[i] : (y[i] == 0.0 ? std::numeric_limits<double>::quiet_NaN() : x[i] / y[i]);
            }
        } else {
            RollingOptions opt;
            opt.closed = parse_closed(f["closed"].get<std::string>());
            opt.center = f["center"];
            if (!f["min_periods"].is_null()) opt.min_periods = f["min_periods"].get<std::int64_t>();
            const std::int64_t size = f["size"];
            const RollingWindow w = f["time"].get<bool>() ? RollingWindow::duration(size) : RollingWindow::rows(size);
            const WindowBounds b = window_bounds(times, n, w, opt);
            const std::string stat = f["stat"];
            if (stat == "mean") rolling_mean(b, xv, o);
            else if (stat == "sum") rolling_sum(b, xv, o);
            else if (stat == "std") rolling_std(b, xv, o);
            else if (stat == "var") rolling_var(b, xv, o);
            else if (stat == "min") rolling_min(b, xv, o);
            else if (stat == "max") rolling_max(b, xv, o);
            else if (stat == "median") rolling_median(b, xv, o);
            else rolling_count(b, xv, o);
        }
    }

    Json features_ = Json::array();
};

} // namespace oddkit
