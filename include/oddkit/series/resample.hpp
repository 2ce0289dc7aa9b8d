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
#include <cstring>
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

namespace detail {

/// Where the rows of bins [b_begin, b_end) lie, for make_bins: walks rows from row_begin (the
/// first row of bin b_begin), writing offsets[b] for b in [b_begin, b_end) and checking on the
/// way that the rows walked are sorted. Returns the first row past bin b_end - 1 and sets
/// `sorted`. `edge(k)` is bin k's lower edge (edges are `width` apart); `in_bin(v, e)` says
/// whether v lies below edge e.
template <class Edge, class InBin>
std::size_t walk_bin_rows(const std::int64_t *t, std::size_t n, std::size_t row_begin, std::size_t b_begin,
                          std::size_t b_end, std::size_t nbins, std::size_t *offsets, Edge edge,
                          std::int64_t width, InBin in_bin, bool &sorted) {
    bool ok = true;
    std::int64_t prev = t[row_begin > 0 ? row_begin - 1 : 0];
    std::size_t i = row_begin;
    std::size_t b = b_begin;
    offsets[b] = row_begin;
    // Bins that end at a comparison: all but the last bin of the index, whose rows run to n
    // (its upper edge may not even be representable).
    const std::size_t stop_bin = std::min(b_end, nbins - 1);
    if (b < stop_bin) {
        std::int64_t upper = edge(b + 1);
        // Four rows at a time: when the fourth is still in bin b (and the four are in order,
        // which `ok` records), so are the other three; a bin holds many rows, so this is the
        // usual case and the row-by-row search below runs about once per bin.
        for (; i + 4 <= n; i += 4) {
            const std::int64_t v0 = t[i], v1 = t[i + 1], v2 = t[i + 2], v3 = t[i + 3];
            ok &= (prev <= v0) & (v0 <= v1) & (v1 <= v2) & (v2 <= v3);
            prev = v3;
            if (in_bin(v3, upper)) [[likely]] continue;
            for (std::size_t j = i; j < i + 4; ++j) {
                while (!in_bin(t[j], upper)) {
                    if (++b == stop_bin) {
                        i = j;
                        goto reached;
                    }
                    offsets[b] = j;
                    upper += width;
                }
            }
        }
        for (; i < n; ++i) {
            const std::int64_t v = t[i];
            ok &= prev <= v;
            prev = v;
            while (!in_bin(v, upper)) {
                if (++b == stop_bin) goto reached;
                offsets[b] = i;
                upper += width;
            }
        }
        // the rows ran out before bin stop_bin: only unsorted rows do that
        for (std::size_t k = b + 1; k < b_end; ++k) offsets[k] = n;
        sorted = false;
        return n;
    reached:
        if (b == b_end) {
            sorted = ok;
            return i; // the next range's first row
        }
        offsets[b] = i; // the index's last bin starts here
        prev = t[i > 0 ? i - 1 : 0]; // a block may have read past row i
    }
    for (; i < n; ++i) { // the last bin: the rest of the rows
        ok &= prev <= t[i];
        prev = t[i];
    }
    sorted = ok;
    return n;
}

} // namespace detail

/// Bins for sorted `times`. InvalidArgument naming `index` if unsorted, `rule` if unknown.
/// One pass over the index finds every bin's rows and checks the order on the way, split over
/// n_jobs threads by bins (each thread writes only its own bins' offsets, so unsorted input
/// cannot make threads write the same place; it is then refused by check_sorted_times).
inline Bins make_bins(std::span<const std::int64_t> times, const ResampleParams &p, int n_jobs = 1) {
    const Rule rule = parse_rule(p.rule, "rule");
    const std::size_t threads_asked = resolve_n_jobs(n_jobs);
    Bins bins;
    if (times.empty()) {
        return bins;
    }
    // NaT is the smallest int64: in a sorted index it could only come first, and it must not
    // reach the bin arithmetic below.
    if (times.front() == not_a_time || times.front() > times.back()) check_sorted_times(times, "index");
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
    if (k1 - k0 + 1 > max_resample_bins) {
        check_sorted_times(times, "index"); // an unsorted index is named as such first
        throw InvalidArgument(detail::concat("rule: '", p.rule, "' gives ", k1 - k0 + 1,
                                             " bins over this index (more than ", max_resample_bins, ")"));
    }
    const auto nbins = static_cast<std::size_t>(k1 - k0 + 1);

    bins.labels = IndexVector::from_shape({nbins});
    const std::int64_t first_label = origin + (label == Side::left ? k0 : k0 + 1) * w + label_shift;
    for (std::size_t b = 0; b < nbins; ++b) {
        bins.labels.data()[b] = first_label + static_cast<std::int64_t>(b) * w;
    }
    bins.offsets.assign(nbins + 1, times.size());

    const std::int64_t *t = times.data();
    const std::size_t n = times.size();
    auto edge = [&](std::size_t b) { return origin + (k0 + static_cast<std::int64_t>(b)) * w; };
    auto walk = [&](auto in_bin) {
        // Each thread takes the bins from the one holding its share's first row; a bin's first
        // row is found by bisection, so a thread's walk starts at a bin boundary.
        constexpr std::size_t min_rows_per_thread = std::size_t{1} << 16;
        const std::size_t threads = std::max<std::size_t>(1, std::min(threads_asked, n / min_rows_per_thread));
        std::vector<std::size_t> first_bin(threads + 1, nbins), first_row(threads + 1, n);
        first_bin[0] = 0;
        first_row[0] = 0;
        for (std::size_t k = 1; k < threads; ++k) {
            const std::int64_t v = std::clamp(t[n * k / threads], times.front(), times.back());
            const auto b = static_cast<std::size_t>(bin_of(v) - k0);
            first_bin[k] = std::clamp(b, first_bin[k - 1], nbins - 1);
            const std::int64_t lower = edge(first_bin[k]);
            first_row[k] = static_cast<std::size_t>(
                std::partition_point(t, t + n, [&](std::int64_t x) { return in_bin(x, lower); }) - t);
        }
        std::vector<std::size_t> row_end(threads);
        std::vector<char> sorted(threads);
        parallel_for_chunks(threads, threads, [&](std::size_t k0_, std::size_t k1_) {
            for (std::size_t k = k0_; k < k1_; ++k) {
                if (first_bin[k] == first_bin[k + 1]) { // no bins: its rows must be none either
                    row_end[k] = first_row[k];
                    sorted[k] = true;
                    continue;
                }
                bool ok = false;
                row_end[k] = detail::walk_bin_rows(t, n, first_row[k], first_bin[k], first_bin[k + 1], nbins,
                                                   bins.offsets.data(), edge, w, in_bin, ok);
                sorted[k] = ok;
            }
        });
        bool tiled = true;
        for (std::size_t k = 0; k < threads; ++k) tiled &= sorted[k] && row_end[k] == first_row[k + 1];
        if (!tiled) {
            check_sorted_times(times, "index");
            throw std::logic_error("make_bins: the bin walk did not cover a sorted index"); // unreachable
        }
    };
    if (closed_left) {
        walk([](std::int64_t v, std::int64_t upper) { return v < upper; });
    } else {
        walk([](std::int64_t v, std::int64_t upper) { return v <= upper; });
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
/// two interleaved Kahan chains per column (lane k takes the rows begin + k, begin + k + 2, ...),
/// so each row feeds eight independent chains and the bins are walked once for all columns.
/// A column's two chains step together as one two-double vector (the same IEEE operations
/// lane by lane as two scalar chains, so the same bits). Non-finite results are recomputed as
/// pandas would (kahan_sum_resetting).
template <std::size_t nc>
void sum_bin_of_columns(const double *const *x, std::size_t begin, std::size_t end, const AggKind *kinds,
                        double *const *out, std::size_t b) {
    typedef double pair __attribute__((vector_size(16)));
    typedef std::int64_t mask_pair __attribute__((vector_size(16)));
    pair sum[nc] = {}, comp[nc] = {};
    mask_pair nan_count[nc] = {}; // per lane
    std::size_t i = begin;
    for (; i + 2 <= end; i += 2) {
        for (std::size_t c = 0; c < nc; ++c) {
            pair v;
            std::memcpy(&v, x[c] + i, sizeof v);
            const mask_pair valid = v == v;
            nan_count[c] -= ~valid; // ~valid is -1 where v is NaN
            const pair y = reinterpret_cast<pair>(reinterpret_cast<mask_pair>(v) & valid) - comp[c];
            const pair t = sum[c] + y;
            comp[c] = (t - sum[c]) - y;
            sum[c] = t;
        }
    }
    double tail_sum[nc], tail_comp[nc];
    std::size_t tail_count[nc] = {};
    for (std::size_t c = 0; c < nc; ++c) {
        tail_sum[c] = sum[c][0];
        tail_comp[c] = comp[c][0];
    }
    if (i < end) { // an odd row count: the last row joins lane 0
        for (std::size_t c = 0; c < nc; ++c) {
            const double v = x[c][i];
            if (v == v) {
                const double y = v - tail_comp[c];
                const double t = tail_sum[c] + y;
                tail_comp[c] = (t - tail_sum[c]) - y;
                tail_sum[c] = t;
                tail_count[c] = 1;
            }
        }
    }
    const std::size_t pairs = (end - begin) / 2;
    for (std::size_t c = 0; c < nc; ++c) {
        double total = 0.0, carry = 0.0;
        const std::size_t n = 2 * pairs + tail_count[c] - static_cast<std::size_t>(nan_count[c][0] + nan_count[c][1]);
        for (double part : {tail_sum[c], -tail_comp[c], sum[c][1], -comp[c][1]}) {
            const double y = part - carry;
            const double t = total + y;
            carry = (t - total) - y;
            total = t;
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
    Bins bins = make_bins(frame.index().span(), params, n_jobs);
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
        Bins bins = make_bins(frame.index().span(), params, n_jobs);
        return Frame(TimeIndex(std::move(bins.labels)));
    }
    return resample(frame, params, specs, n_jobs);
}

} // namespace oddkit
