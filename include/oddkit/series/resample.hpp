#pragma once
/// Resampling onto fixed bins, as pandas' DataFrame.resample(rule, closed, label, origin,
/// offset).agg(...). Bins have width w and edges origin + k*w; the output holds every bin from
/// the one holding the first timestamp to the one holding the last (empty bins included, with
/// pandas' empty values: NaN for mean/min/max/first/last/median/std/var/quantile, 0 for sum and
/// count). The index is walked once to find each bin's row range; aggregations then read each
/// column's contiguous rows, skipping NaN as pandas does.
///
/// "W" (pandas "W-SUN") defaults to closed='right', label='right': a week ends on Sunday and is
/// labelled by it. Origin and offset apply to fixed rules only (pandas ignores them for "W").

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/series/rule.hpp"
#include "oddkit/series/frame.hpp"

namespace oddkit {

enum class Side { left, right };

inline Side parse_side(std::string_view s, const char *name) {
    if (s == "left") return Side::left;
    if (s == "right") return Side::right;
    throw InvalidArgument(detail::concat(name, ": expected 'left' or 'right', got '", s, "'"));
}

/// Where bin edges are anchored: the epoch, the first timestamp, midnight of its day, or a time.
struct Origin {
    enum class Kind { epoch, start, start_day, timestamp } kind = Kind::start_day;
    std::int64_t time = 0; ///< for Kind::timestamp, ns since the epoch

    static Origin parse(std::string_view s) {
        if (s == "epoch") return {Kind::epoch};
        if (s == "start") return {Kind::start};
        if (s == "start_day") return {Kind::start_day};
        throw InvalidArgument(detail::concat("origin: expected 'epoch', 'start', 'start_day' or a timestamp, got '",
                                             s, "'"));
    }
    static Origin at(std::int64_t t) { return {Kind::timestamp, t}; }
};

struct ResampleParams {
    std::string rule = "1D";
    std::optional<Side> closed;  ///< default: left ('right' for "W")
    std::optional<Side> label;   ///< default: left ('right' for "W")
    Origin origin;               ///< default: start_day
    std::int64_t offset = 0;     ///< ns added to the origin
};

/// Where every output bin starts in the rows: bin b holds rows [offsets[b], offsets[b+1]).
struct Bins {
    IndexVector labels = IndexVector::from_shape({0});
    std::vector<std::size_t> offsets{0};
    std::size_t size() const noexcept { return offsets.size() - 1; }
};

/// The most bins a resample may produce (a guard against a tiny rule over a long span).
inline constexpr std::int64_t max_resample_bins = std::int64_t{1} << 31;

/// Bins for sorted `times`. InvalidArgument naming `index` if unsorted, `rule` if unknown.
inline Bins make_bins(std::span<const std::int64_t> times, const ResampleParams &p) {
    const Rule rule = parse_rule(p.rule, "rule");
    check_sorted_times(times, "index");
    Bins bins;
    if (times.empty()) {
        return bins;
    }
    const bool weekly = rule.weekly;
    const Side closed = p.closed.value_or(weekly ? Side::right : Side::left);
    const Side label = p.label.value_or(weekly ? Side::right : Side::left);
    const std::int64_t w = rule.nanos;

    // Edges are origin + k*w; a row is in bin k when edge_k <= t < edge_k+1 (closed left) or
    // edge_k < t <= edge_k+1 (closed right). label_shift moves an edge to the label it prints.
    std::int64_t origin = 0;
    std::int64_t label_shift = 0;
    bool closed_left = closed == Side::left;
    if (weekly) {
        // 1970-01-04 was a Sunday. A right-closed week (Mon..Sun by calendar day, pandas'
        // edges at Sunday 23:59:59.999999999) is a left-closed bin starting Monday 00:00.
        origin = 3 * ns_per_day;
        if (!closed_left) {
            origin += ns_per_day;
            label_shift = -ns_per_day;
            closed_left = true;
        }
    } else {
        switch (p.origin.kind) {
        case Origin::Kind::epoch:
            origin = 0;
            break;
        case Origin::Kind::start:
            origin = times.front();
            break;
        case Origin::Kind::start_day:
            origin = floor_div(times.front(), ns_per_day) * ns_per_day;
            break;
        case Origin::Kind::timestamp:
            origin = p.origin.time;
            break;
        }
        origin += p.offset;
    }
    auto bin_of = [&](std::int64_t t) {
        return closed_left ? floor_div(t - origin, w) : floor_div(t - origin - 1, w);
    };
    const std::int64_t k0 = bin_of(times.front());
    const std::int64_t k1 = bin_of(times.back());
    require(k1 - k0 + 1 <= max_resample_bins, "rule", "'", p.rule, "' gives ", k1 - k0 + 1,
            " bins over this index (more than ", max_resample_bins, ")");
    const auto nbins = static_cast<std::size_t>(k1 - k0 + 1);

    bins.labels = IndexVector::from_shape({nbins});
    const std::int64_t first_label = origin + (label == Side::left ? k0 : k0 + 1) * w + label_shift;
    for (std::size_t b = 0; b < nbins; ++b) {
        bins.labels.data()[b] = first_label + static_cast<std::int64_t>(b) * w;
    }
    bins.offsets.assign(nbins + 1, times.size());
    bins.offsets[0] = 0;
    // Each bin's end is found by galloping from the previous end, then a binary search: a few
    // comparisons per bin whatever its row count, instead of one per row.
    const std::int64_t *t = times.data();
    const std::size_t n = times.size();
    auto in_bin = [&](std::int64_t v, std::int64_t upper) { return closed_left ? v < upper : v <= upper; };
    std::size_t pos = 0;
    std::int64_t upper = origin + (k0 + 1) * w; // exclusive (left) or inclusive (right) end of bin b
    for (std::size_t b = 0; b + 1 < nbins; ++b, upper += w) {
        std::size_t lo = pos, step = 1;
        while (lo + step < n && in_bin(t[lo + step], upper)) {
            lo += step;
            step *= 2;
        }
        // first row not in bin b lies in [lo, min(lo + step, n)]
        std::size_t hi = std::min(lo + step, n);
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (in_bin(t[mid], upper)) lo = mid + 1;
            else hi = mid;
        }
        pos = lo;
        bins.offsets[b + 1] = pos;
    }
    return bins;
}

enum class AggKind { mean, sum, min, max, first, last, count, median, std, var, quantile };

/// One aggregation in pandas' vocabulary; quantile carries q.
struct Aggregation {
    AggKind kind = AggKind::mean;
    double q = 0.5;

    static Aggregation parse(std::string_view s) {
        static constexpr std::pair<std::string_view, AggKind> names[] = {
            {"mean", AggKind::mean},     {"sum", AggKind::sum},     {"min", AggKind::min},
            {"max", AggKind::max},       {"first", AggKind::first}, {"last", AggKind::last},
            {"count", AggKind::count},   {"median", AggKind::median}, {"std", AggKind::std},
            {"var", AggKind::var},       {"quantile", AggKind::quantile}};
        for (const auto &[n, k] : names) {
            if (s == n) return {k, 0.5};
        }
        throw InvalidArgument(detail::concat(
            "aggregation: unknown '", s,
            "' (expected mean, sum, min, max, first, last, count, median, std, var or quantile)"));
    }
    static Aggregation quantile_of(double q) {
        require(q >= 0.0 && q <= 1.0, "q", "quantile must be in [0, 1], got ", q);
        return {AggKind::quantile, q};
    }
    std::string name() const {
        static constexpr const char *names[] = {"mean", "sum",  "min",    "max", "first", "last",
                                                "count", "median", "std", "var", "quantile"};
        return names[static_cast<int>(kind)];
    }
};

namespace detail {

inline double nan_value() { return std::numeric_limits<double>::quiet_NaN(); }

/// Linear-interpolated quantile of the non-NaN values in v (reordered in place), as numpy/pandas.
inline double quantile_in_place(std::vector<double> &v, double q) {
    if (v.empty()) return nan_value();
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(lo);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double a = v[lo];
    if (frac == 0.0 || lo + 1 >= v.size()) return a;
    const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return a + (b - a) * frac;
}

/// The non-NaN values of x[begin, end) summed in four interleaved Kahan chains (independent
/// chains keep the FPU busy), combined with their compensations at the end: as accurate as
/// pandas' single Kahan sum. `count` gets the number of values. An infinity or an overflow
/// makes a compensation inf - inf = NaN, so a non-finite result is recomputed by
/// kahan_sum_resetting (kept out of this loop: a reset here would lengthen every chain).
inline double kahan_sum_fast(const double *x, std::size_t begin, std::size_t end, std::size_t &count_out) {
    double sum[4] = {0, 0, 0, 0}, comp[4] = {0, 0, 0, 0};
    std::size_t count[4] = {0, 0, 0, 0};
    std::size_t i = begin;
    for (; i + 4 <= end; i += 4) {
        for (int k = 0; k < 4; ++k) {
            const double v = x[i + k];
            const bool valid = v == v;
            const double y = (valid ? v : 0.0) - comp[k];
            const double t = sum[k] + y;
            comp[k] = (t - sum[k]) - y;
            sum[k] = t;
            count[k] += valid;
        }
    }
    for (; i < end; ++i) {
        const double v = x[i];
        if (v == v) {
            const double y = v - comp[0];
            const double t = sum[0] + y;
            comp[0] = (t - sum[0]) - y;
            sum[0] = t;
            ++count[0];
        }
    }
    double total = 0.0, c = 0.0;
    for (int k = 0; k < 4; ++k) {
        for (double part : {sum[k], -comp[k]}) {
            const double y = part - c;
            const double t = total + y;
            c = (t - total) - y;
            total = t;
        }
    }
    count_out = count[0] + count[1] + count[2] + count[3];
    return total;
}

/// One Kahan chain in row order, as pandas' groupby sum and mean: a compensation that is not
/// finite (the sum became infinite) is reset to 0, so +inf sums to +inf, an overflow to inf,
/// and +inf with -inf to NaN.
inline double kahan_sum_resetting(const double *x, std::size_t begin, std::size_t end) {
    double sum = 0.0, comp = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
        const double v = x[i];
        if (v != v) continue;
        const double y = v - comp;
        const double t = sum + y;
        const double e = (t - sum) - y;
        comp = std::isfinite(e) ? e : 0.0;
        sum = t;
    }
    return sum;
}

/// One bin of rows [begin, end) of x. Sums use Kahan compensation and variances Welford's
/// update, in row order, as pandas' groupby kernels do, so results agree to rounding.
inline double aggregate_bin(const double *x, std::size_t begin, std::size_t end, const Aggregation &agg,
                            std::vector<double> &scratch) {
    switch (agg.kind) {
    case AggKind::sum:
    case AggKind::mean: {
        std::size_t n = 0;
        double total = kahan_sum_fast(x, begin, end, n);
        if (!std::isfinite(total)) total = kahan_sum_resetting(x, begin, end);
        if (agg.kind == AggKind::sum) return total;
        return n == 0 ? nan_value() : total / static_cast<double>(n);
    }
    case AggKind::count: {
        std::size_t n = 0;
        for (std::size_t i = begin; i < end; ++i) n += x[i] == x[i];
        return static_cast<double>(n);
    }
    case AggKind::min:
    case AggKind::max: {
        double best = nan_value();
        const bool is_min = agg.kind == AggKind::min;
        for (std::size_t i = begin; i < end; ++i) {
            const double v = x[i];
            if (v == v && (best != best || (is_min ? v < best : v > best))) best = v;
        }
        return best;
    }
    case AggKind::first:
        for (std::size_t i = begin; i < end; ++i)
            if (x[i] == x[i]) return x[i];
        return nan_value();
    case AggKind::last:
        for (std::size_t i = end; i > begin; --i)
            if (x[i - 1] == x[i - 1]) return x[i - 1];
        return nan_value();
    case AggKind::var:
    case AggKind::std: {
        double mean = 0.0, m2 = 0.0;
        std::size_t n = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const double v = x[i];
            if (v == v) {
                ++n;
                const double old = mean;
                mean += (v - old) / static_cast<double>(n);
                m2 += (v - mean) * (v - old);
            }
        }
        if (n < 2) return nan_value();
        const double var = m2 / static_cast<double>(n - 1);
        return agg.kind == AggKind::var ? var : std::sqrt(var);
    }
    case AggKind::median:
    case AggKind::quantile: {
        scratch.clear();
        for (std::size_t i = begin; i < end; ++i)
            if (x[i] == x[i]) scratch.push_back(x[i]);
        return quantile_in_place(scratch, agg.kind == AggKind::median ? 0.5 : agg.q);
    }
    }
    return nan_value();
}

} // namespace detail

/// Aggregates n values (NaN = missing) into out[bins.size()]; bins split over n_jobs threads
/// (each bin is computed alone, so the result does not depend on the thread count).
inline void aggregate_into(const double *values, const Bins &bins, const Aggregation &agg, double *out,
                           int n_jobs = 1) {
    const std::size_t nb = bins.size();
    parallel_for_chunks(
        nb, resolve_n_jobs(n_jobs),
        [&](std::size_t b0, std::size_t b1) {
            std::vector<double> scratch;
            for (std::size_t b = b0; b < b1; ++b) {
                out[b] = detail::aggregate_bin(values, bins.offsets[b], bins.offsets[b + 1], agg, scratch);
            }
        },
        4096);
}

namespace detail {

/// Sums (or means) of up to four columns over rows [begin, end), in one pass over the rows:
/// two interleaved Kahan chains per column, so each row feeds eight independent chains (more
/// latency hidden than four chains on one column) and the bins are walked once for all
/// columns. Non-finite results are recomputed as pandas would (kahan_sum_resetting).
template <std::size_t nc>
void sum_bin_of_columns(const double *const *x, std::size_t begin, std::size_t end, const AggKind *kinds,
                        double *const *out, std::size_t b) {
    constexpr std::size_t lanes = 2;
    double sum[nc][lanes] = {}, comp[nc][lanes] = {};
    std::size_t count[nc][lanes] = {};
    std::size_t i = begin;
    for (; i + lanes <= end; i += lanes) {
        for (std::size_t c = 0; c < nc; ++c) {
            for (std::size_t k = 0; k < lanes; ++k) {
                const double v = x[c][i + k];
                const bool valid = v == v;
                const double y = (valid ? v : 0.0) - comp[c][k];
                const double t = sum[c][k] + y;
                comp[c][k] = (t - sum[c][k]) - y;
                sum[c][k] = t;
                count[c][k] += valid;
            }
        }
    }
    for (; i < end; ++i) {
        for (std::size_t c = 0; c < nc; ++c) {
            const double v = x[c][i];
            if (v == v) {
                const double y = v - comp[c][0];
                const double t = sum[c][0] + y;
                comp[c][0] = (t - sum[c][0]) - y;
                sum[c][0] = t;
                ++count[c][0];
            }
        }
    }
    for (std::size_t c = 0; c < nc; ++c) {
        double total = 0.0, carry = 0.0;
        std::size_t n = 0;
        for (std::size_t k = 0; k < lanes; ++k) {
            n += count[c][k];
            for (double part : {sum[c][k], -comp[c][k]}) {
                const double y = part - carry;
                const double t = total + y;
                carry = (t - total) - y;
                total = t;
            }
        }
        if (!std::isfinite(total)) total = kahan_sum_resetting(x[c], begin, end);
        out[c][b] = kinds[c] == AggKind::sum ? total : n == 0 ? nan_value() : total / static_cast<double>(n);
    }
}

} // namespace detail

/// Sums or means (kinds[c] is AggKind::sum or AggKind::mean) of several float64 columns over the
/// same bins, into out[c][bins.size()]: one pass over the rows per group of four columns
/// instead of one per column. Bins split over n_jobs threads (the result does not depend on it).
inline void aggregate_sums_into(std::span<const double *const> columns, std::span<const AggKind> kinds,
                                const Bins &bins, std::span<double *const> out, int n_jobs = 1) {
    require(columns.size() == kinds.size() && columns.size() == out.size(), "columns",
            "needs one aggregation and one output per column");
    for (AggKind k : kinds) {
        require(k == AggKind::sum || k == AggKind::mean, "aggregation", "only sum and mean are fused");
    }
    parallel_for_chunks(
        bins.size(), resolve_n_jobs(n_jobs),
        [&](std::size_t b0, std::size_t b1) {
            for (std::size_t c0 = 0; c0 < columns.size(); c0 += 4) {
                const std::size_t nc = std::min<std::size_t>(4, columns.size() - c0);
                // the column count as a constant: the chains then live in registers
                auto run = [&]<std::size_t NC>() {
                    for (std::size_t b = b0; b < b1; ++b) {
                        detail::sum_bin_of_columns<NC>(columns.data() + c0, bins.offsets[b], bins.offsets[b + 1],
                                                       kinds.data() + c0, out.data() + c0, b);
                    }
                };
                switch (nc) {
                case 1: run.template operator()<1>(); break;
                case 2: run.template operator()<2>(); break;
                case 3: run.template operator()<3>(); break;
                default: run.template operator()<4>(); break;
                }
            }
        },
        4096);
}

/// One aggregated column. count gives int64; sum of an int64 or bool column gives int64 (exact);
/// everything else float64.
inline Column aggregate(const Column &values, const Bins &bins, const Aggregation &agg, int n_jobs = 1) {
    const std::size_t nb = bins.size();
    require(column_size(values) == bins.offsets.back(), "values", "has ", column_size(values),
            " rows but the bins cover ", bins.offsets.back());
    if (agg.kind == AggKind::sum && !std::holds_alternative<FloatColumn>(values)) {
        IntColumn out = IntColumn::from_shape({nb});
        std::visit(
            [&](const auto &v) {
                for (std::size_t b = 0; b < nb; ++b) {
                    std::int64_t s = 0;
                    for (std::size_t i = bins.offsets[b]; i < bins.offsets[b + 1]; ++i) s += static_cast<std::int64_t>(v.data()[i]);
                    out.data()[b] = s;
                }
            },
            values);
        return out;
    }
    FloatColumn converted;
    const double *x = float_data(values, converted);
    FloatColumn out = FloatColumn::from_shape({nb});
    aggregate_into(x, bins, agg, out.data(), n_jobs);
    if (agg.kind == AggKind::count) {
        IntColumn counts = IntColumn::from_shape({nb});
        for (std::size_t b = 0; b < nb; ++b) counts.data()[b] = static_cast<std::int64_t>(out.data()[b]);
        return counts;
    }
    return out;
}

/// One output column: `column` of the input aggregated by `aggregation`, named `output`.
struct AggregationSpec {
    std::string column;
    Aggregation aggregation;
    std::string output; ///< empty: "<column>" when one aggregation per column is asked, else "<column>_<agg>"
};

/// Several aggregations per column at once, over one pass that finds the bins.
inline Frame resample(const Frame &frame, const ResampleParams &params, const std::vector<AggregationSpec> &specs,
                      int n_jobs = 1) {
    require(!specs.empty(), "aggregations", "at least one aggregation is needed");
    for (const auto &s : specs) {
        (void)frame.position(s.column); // names an unknown column
    }
    Bins bins = make_bins(frame.index().span(), params);
    // float64 sums and means of all columns in one pass over the rows; the rest one by one
    std::vector<std::optional<Column>> results(specs.size());
    std::vector<const double *> sources;
    std::vector<AggKind> kinds;
    std::vector<double *> targets;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Column &c = frame.column(specs[i].column);
        const AggKind k = specs[i].aggregation.kind;
        if ((k == AggKind::sum || k == AggKind::mean) && std::holds_alternative<FloatColumn>(c)) {
            results[i] = FloatColumn::from_shape({bins.size()}); // `results` never reallocates
            sources.push_back(std::get<FloatColumn>(c).data());
            kinds.push_back(k);
            targets.push_back(std::get<FloatColumn>(*results[i]).data());
        }
    }
    aggregate_sums_into(sources, kinds, bins, targets, n_jobs);
    Frame out(TimeIndex(std::move(bins.labels)));
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const auto &s = specs[i];
        std::size_t per_column = 0;
        for (const auto &o : specs) per_column += o.column == s.column;
        std::string name = !s.output.empty() ? s.output
                           : per_column == 1 ? s.column
                                             : s.column + "_" + s.aggregation.name();
        out.add(std::move(name), results[i] ? std::move(*results[i])
                                            : aggregate(frame.column(s.column), bins, s.aggregation, n_jobs));
    }
    return out;
}

/// Every column aggregated the same way (frame.resample(rule).mean()).
inline Frame resample(const Frame &frame, const ResampleParams &params, const Aggregation &aggregation,
                      int n_jobs = 1) {
    std::vector<AggregationSpec> specs;
    for (const auto &n : frame.names()) specs.push_back({n, aggregation, n});
    if (specs.empty()) {
        Bins bins = make_bins(frame.index().span(), params);
        return Frame(TimeIndex(std::move(bins.labels)));
    }
    return resample(frame, params, specs, n_jobs);
}

} // namespace oddkit
