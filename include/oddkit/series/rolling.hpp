#pragma once
/// Rolling-window statistics over one column: mean, sum, var, std, min, max, median,
/// quantile, count. Pandas' semantics (see window_bounds.hpp) and, for sum/mean/var, its
/// arithmetic: compensated running sums and a running Welford update, with a window that no
/// longer overlaps the previous one summed from scratch, so results agree with pandas to
/// rounding. NaN and +-inf are skipped as missing, as pandas' rolling does (it turns infinities
/// into NaN before aggregating); an output is NaN when its window holds fewer than min_periods
/// finite values. count counts every non-NaN value, infinities included, and compares
/// min_periods with the rows in the window, as pandas.
///
/// Cost: O(n) for sum/mean/var/std/count/min/max (min and max keep a monotonic deque of
/// candidate rows); median/quantile keep the window sorted, O(n log w + n w) worst case in
/// moves but a memmove each.
///
///     auto b = oddkit::window_bounds(times, n, oddkit::RollingWindow::parse("1h"));
///     oddkit::Vector m = oddkit::rolling_mean(b, values);
///     // or: oddkit::Rolling(times, values, oddkit::RollingWindow::parse("1h")).mean()

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "oddkit/core/branchless_select.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/series/detail/sorted_window.hpp"
#include "oddkit/series/quantile_interpolation.hpp"
#include "oddkit/series/window_bounds.hpp"

namespace oddkit {

namespace detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline void check_rolling_sizes(const WindowBounds &b, const VectorView &x, const OutputView &out) {
    require(x.size == b.size(), "values", "has ", x.size, " rows but the window bounds cover ", b.size());
    require(x.data != nullptr || x.size == 0, "values", "null data pointer");
    check_output_size(out, x.size);
}

/// Rows [begin, end) of the output to compute; the state starts afresh at `begin`, which must
/// be row 0 or a row where restarts_at() holds, so a split run computes what one pass does.
struct RowRange {
    std::size_t begin = 0, end = static_cast<std::size_t>(-1);
    RowRange clipped(std::size_t n) const noexcept { return {std::min(begin, n), std::min(end, n)}; }
};

/// Rows where the running sum/mean/var state is rebuilt from the window's values although the
/// window overlaps the previous one: every restart_period-th row whose window holds at most
/// restart_max_rows rows. A rule of the data alone, so the rows can be split into chunks there
/// (n_jobs) with the result of one pass, bit for bit; the streaming pipeline's incremental
/// features restart at the same rows. It also bounds how long rounding can accumulate in the
/// running sums. Cost: at most one window in 8 of its period re-added.
inline constexpr std::size_t restart_period = std::size_t{1} << 18;
inline constexpr std::size_t restart_max_rows = restart_period / 8;
inline bool restarts_at(std::uint64_t row, std::uint64_t window_rows) noexcept {
    return row % restart_period == 0 && window_rows <= restart_max_rows;
}

/// Running sum with Kahan compensation for both the added and the removed values, plus the
/// run length of identical values (a window of one repeated value is reported exactly).
struct RunningSum {
    double sum = 0.0, add_error = 0.0, remove_error = 0.0, last = nan;
    std::size_t count = 0, negatives = 0, same_run = 0;

    [[gnu::always_inline]] void add(double v) {
        if (!std::isfinite(v)) return;
        ++count;
        negatives += v < 0.0;
        const double y = v - add_error;
        const double t = sum + y;
        add_error = (t - sum) - y;
        sum = t;
        same_run = v == last ? same_run + 1 : 1;
        last = v;
    }
    [[gnu::always_inline]] void remove(double v) {
        if (!std::isfinite(v)) return;
        --count;
        negatives -= v < 0.0;
        const double y = -v - remove_error;
        const double t = sum + y;
        remove_error = (t - sum) - y;
        sum = t;
    }
    /// remove(v) when `go`, without a branch: the same arithmetic, its results picked by a
    /// mask (a ternary here compiled to a jump, mispredicted on irregular rows).
    [[gnu::always_inline]] void remove_if(double v, bool go) {
        const bool valid = go & std::isfinite(v);
        const double y = -v - remove_error;
        const double t = sum + y;
        const double error = (t - sum) - y;
        sum = branchless_select(valid, t, sum);
        remove_error = branchless_select(valid, error, remove_error);
        count -= valid;
        negatives -= valid & (v < 0.0);
    }
};

/// Welford mean and sum of squared deviations, updatable in both directions.
struct RunningMoments {
    double mean = 0.0, m2 = 0.0, error = 0.0, last = nan;
    std::size_t count = 0, same_run = 0;

    [[gnu::always_inline]] void add(double v) {
        if (!std::isfinite(v)) return;
        ++count;
        same_run = v == last ? same_run + 1 : 1;
        last = v;
        const double previous_mean = mean - error;
        const double y = v - error;
        const double delta = y - mean;
        error = (delta + mean) - y;
        mean += delta / static_cast<double>(count);
        m2 += (v - previous_mean) * (v - mean);
    }
    [[gnu::always_inline]] void remove(double v) {
        if (!std::isfinite(v)) return;
        --count;
        if (count == 0) {
            mean = m2 = 0.0;
            return;
        }
        const double previous_mean = mean - error;
        const double y = v - error;
        const double delta = y - mean;
        error = (delta + mean) - y;
        mean -= delta / static_cast<double>(count);
        m2 -= (v - previous_mean) * (v - mean);
    }
    /// remove(v) when `go`, branch-free unless the window empties.
    [[gnu::always_inline]] void remove_if(double v, bool go) {
        const bool valid = go & std::isfinite(v);
        const std::size_t left = count - valid;
        if (valid && left == 0) {
            count = 0;
            mean = m2 = 0.0;
            return;
        }
        const double previous_mean = mean - error;
        const double y = v - error;
        const double delta = y - mean;
        const double new_error = (delta + mean) - y;
        const double new_mean = mean - delta / static_cast<double>(left);
        const double new_m2 = m2 - (v - previous_mean) * (v - new_mean);
        count = left;
        error = valid ? new_error : error;
        mean = valid ? new_mean : mean;
        m2 = valid ? new_m2 : m2;
    }
};

/// Reads precomputed bound arrays in the cursor's shape (see with_window_cursor).
struct BoundsArrayCursor {
    static constexpr TimeWindowShape shape = TimeWindowShape::other;
    const WindowBounds &b;
    void seek(std::size_t) const noexcept {}
    std::pair<std::size_t, std::size_t> operator()(std::size_t i) const noexcept { return {b.start[i], b.end[i]}; }
};

/// Slides `State` over the windows: a window that overlaps the previous one removes the rows
/// that left and adds the rows that entered; a disjoint one starts afresh.
template <class State, class Cursor, class Emit>
void slide_generic(Cursor cursor, const VectorView &x, OutputView out, Emit emit, RowRange rows) {
    State state;
    std::size_t previous_start = 0, previous_end = 0;
    const double *v = x.data;
    cursor.seek(rows.begin);
    for (std::size_t i = rows.begin; i < rows.end; ++i) {
        const auto [s, e] = cursor(i);
        if (i == rows.begin || s >= previous_end || restarts_at(i, e - s)) {
            state = State{};
            for (std::size_t j = s; j < e; ++j) state.add(v[j]);
        } else {
            for (std::size_t j = previous_start; j < s; ++j) state.remove(v[j]);
            for (std::size_t j = previous_end; j < e; ++j) state.add(v[j]);
        }
        out[i] = emit(state);
        previous_start = s;
        previous_end = e;
    }
}

/// slide() for trailing right-closed time windows (pandas' default), where row i's window ends
/// at i + 1: the rows leaving are removed while the start pointer walks, the first one per row
/// without a branch (whether a row leaves varies row to row and would be mispredicted; a
/// second predicated step would lengthen the compensation's dependency chain for every row),
/// so each row costs one pass and no bound arrays. Same operations in the same order as
/// slide_generic().
template <class State, bool LeftClosed, class Emit>
void slide_trailing(const std::int64_t *times, std::int64_t back, const VectorView &x, OutputView out, Emit emit,
                    RowRange rows) {
    State state;
    const double *v = x.data;
    const auto before = [](std::int64_t time, std::int64_t lower) { return LeftClosed ? time < lower : time <= lower; };
    std::size_t s = 0; // the first row of the window of row rows.begin
    if (std::int64_t lower; rows.begin > 0 && !__builtin_sub_overflow(times[rows.begin], back, &lower)) {
        s = static_cast<std::size_t>(
            std::partition_point(times, times + rows.begin, [&](std::int64_t t) { return before(t, lower); }) - times);
    }
    const auto add_row = [&](std::size_t i) {
        // Disjoint from the previous window, or a restart row: start afresh.
        if (s == i || i == rows.begin || restarts_at(i, i + 1 - s)) {
            state = State{};
            for (std::size_t j = s; j < i; ++j) state.add(v[j]);
        }
        state.add(v[i]);
        out[i] = emit(state);
    };
    // While t - back underflows no row lies before the window; times ascend, so those rows
    // come first and the main loop below needs no overflow test.
    std::size_t i = rows.begin;
    for (std::int64_t lower; i < rows.end && __builtin_sub_overflow(times[i], back, &lower); ++i) add_row(i);
    const auto leave = [&](std::size_t row) {
        // back >= 1, so the walk stops at `row` by itself.
        const std::int64_t lower = times[row] - back;
        const bool go = before(times[s], lower);
        state.remove_if(v[s], go);
        s += go;
        while (before(times[s], lower)) state.remove(v[s++]);
    };
    while (i < rows.end) {
        // A segment runs up to the next multiple of restart_period. Only its first row can be
        // rows.begin or a restart row, so the rest test only for a disjoint window: the full
        // test took about 9 instructions of each row's ~110 (kernel 5-7% faster).
        const std::size_t segment_end = std::min(rows.end, (i / restart_period + 1) * restart_period);
        leave(i);
        add_row(i++);
        for (; i < segment_end; ++i) {
            leave(i);
            if (s == i) [[unlikely]] state = State{};
            state.add(v[i]);
            out[i] = emit(state);
        }
    }
}

template <class State, class Cursor, class Emit>
void slide(Cursor cursor, const VectorView &x, OutputView out, Emit emit, RowRange rows) {
    rows = rows.clipped(x.size);
    if constexpr (Cursor::shape == TimeWindowShape::trailing_right_closed) {
        slide_trailing<State, Cursor::left_closed>(cursor.times, cursor.back, x, out, emit, rows);
    } else {
        slide_generic<State>(cursor, x, out, emit, rows);
    }
}

template <bool Max, class Cursor>
void rolling_extreme(Cursor cursor, std::size_t min_periods, const VectorView &x, OutputView out, RowRange rows = {}) {
    rows = rows.clipped(x.size);
    std::deque<std::size_t> candidates; // rows whose values decrease (max) / increase (min)
    std::size_t added = 0, count = 0, removed_upto = 0;
    cursor.seek(rows.begin);
    for (std::size_t i = rows.begin; i < rows.end; ++i) {
        const auto [s, end] = cursor(i);
        if (i == rows.begin) added = removed_upto = s;
        const std::size_t e = std::max(end, added);
        for (std::size_t j = added; j < end; ++j) {
            const double v = x[j];
            if (!std::isfinite(v)) continue;
            ++count;
            while (!candidates.empty() && (Max ? x[candidates.back()] <= v : x[candidates.back()] >= v)) {
                candidates.pop_back();
            }
            candidates.push_back(j);
        }
        added = e;
        for (std::size_t j = removed_upto; j < s; ++j) count -= std::isfinite(x[j]);
        removed_upto = std::max(removed_upto, s);
        while (!candidates.empty() && candidates.front() < s) candidates.pop_front();
        out[i] = (!candidates.empty() && count >= min_periods) ? x[candidates.front()] : nan;
    }
}

/// A count as a double through int64: the same value (counts stay far below 2^63) in one
/// instruction, where converting an unsigned 64-bit number takes a test and a branch.
inline double count_as_double(std::size_t count) noexcept {
    return static_cast<double>(static_cast<std::int64_t>(count));
}

// A window's statistic from its running state; shared with the streaming pipeline's
// incremental features, which must give the batch answer bit for bit.

inline double window_sum(const RunningSum &r, std::size_t mp) {
    if (r.count < mp) return nan;
    if (r.count == 0) return 0.0;
    return r.same_run >= r.count ? r.last * count_as_double(r.count) : r.sum;
}

inline double window_mean(const RunningSum &r, std::size_t mp) {
    if (r.count < mp || r.count == 0) return nan;
    if (r.same_run >= r.count) return r.last;
    const double m = r.sum / count_as_double(r.count);
    // Rounding must not give an all-positive window a negative mean (or the reverse).
    if (r.negatives == 0 && m < 0.0) return 0.0;
    if (r.negatives == r.count && m > 0.0) return 0.0;
    return m;
}

inline double window_var(const RunningMoments &r, std::size_t mp, std::size_t ddof) {
    if (r.count < mp || r.count <= ddof) return nan;
    if (r.count == 1 || r.same_run >= r.count) return 0.0;
    const double v = r.m2 / static_cast<double>(r.count - ddof);
    return v < 0.0 ? 0.0 : v;
}

template <class Cursor>
void rolling_sum(Cursor cursor, std::size_t mp, const VectorView &x, OutputView out, RowRange rows = {}) {
    slide<RunningSum>(cursor, x, out, [mp](const RunningSum &r) { return window_sum(r, mp); }, rows);
}

template <class Cursor>
void rolling_mean(Cursor cursor, std::size_t mp, const VectorView &x, OutputView out, RowRange rows = {}) {
    slide<RunningSum>(cursor, x, out, [mp](const RunningSum &r) { return window_mean(r, mp); }, rows);
}

template <class Cursor>
void rolling_var(Cursor cursor, std::size_t mp, const VectorView &x, OutputView out, int ddof, RowRange rows = {}) {
    require(ddof >= 0, "ddof", "must be >= 0, got ", ddof);
    const auto d = static_cast<std::size_t>(ddof);
    slide<RunningMoments>(cursor, x, out, [mp, d](const RunningMoments &r) { return window_var(r, mp, d); }, rows);
}

template <class Cursor>
void rolling_std(Cursor cursor, std::size_t mp, const VectorView &x, OutputView out, int ddof, RowRange rows = {}) {
    rolling_var(cursor, mp, x, out, ddof, rows);
    rows = rows.clipped(x.size);
    for (std::size_t i = rows.begin; i < rows.end; ++i) out[i] = std::sqrt(out[i]);
}

template <class Cursor>
void rolling_count(Cursor cursor, std::size_t mp, const VectorView &x, OutputView out, RowRange rows = {}) {
    rows = rows.clipped(x.size);
    std::size_t count = 0, lo = 0, hi = 0;
    cursor.seek(rows.begin);
    for (std::size_t i = rows.begin; i < rows.end; ++i) {
        const auto [s, e] = cursor(i);
        if (i == rows.begin) lo = hi = s;
        for (; hi < e; ++hi) count += !std::isnan(x[hi]);
        for (; lo < s; ++lo) count -= !std::isnan(x[lo]);
        out[i] = e - s >= mp ? static_cast<double>(count) : nan;
    }
}

template <class Cursor>
void rolling_quantile(Cursor cursor, std::size_t min_periods, const VectorView &x, OutputView out, double q,
                      QuantileInterpolation how, RowRange rows = {}) {
    require(q >= 0.0 && q <= 1.0, "q", "must be in [0, 1], got ", q);
    rows = rows.clipped(x.size);
    SortedWindow w;
    const std::size_t mp = std::max<std::size_t>(min_periods, 1);
    std::size_t previous_start = 0, previous_end = 0;
    cursor.seek(rows.begin);
    for (std::size_t i = rows.begin; i < rows.end; ++i) {
        const auto [s, e] = cursor(i);
        if (i == rows.begin || s >= previous_end) {
            w.clear();
            for (std::size_t j = s; j < e; ++j) w.insert(x[j]);
        } else {
            for (std::size_t j = previous_end; j < e; ++j) w.insert(x[j]);
            for (std::size_t j = previous_start; j < s; ++j) w.erase(x[j]);
        }
        out[i] = w.size() >= mp ? quantile_of_sorted([&w](std::size_t k) { return w[k]; }, w.size(), q, how) : nan;
        previous_start = s;
        previous_end = e;
    }
}

} // namespace detail

inline void rolling_sum(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_sum(detail::BoundsArrayCursor{b}, b.min_periods, x, out);
}

inline void rolling_mean(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_mean(detail::BoundsArrayCursor{b}, b.min_periods, x, out);
}

/// Variance with `ddof` (pandas' default 1); NaN when the window holds ddof values or fewer.
inline void rolling_var(const WindowBounds &b, const VectorView &x, OutputView out, int ddof = 1) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_var(detail::BoundsArrayCursor{b}, b.min_periods, x, out, ddof);
}

inline void rolling_std(const WindowBounds &b, const VectorView &x, OutputView out, int ddof = 1) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_std(detail::BoundsArrayCursor{b}, b.min_periods, x, out, ddof);
}

/// Non-missing values in each window; NaN where the window has fewer than min_periods rows.
inline void rolling_count(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_count(detail::BoundsArrayCursor{b}, b.min_periods, x, out);
}

inline void rolling_min(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_extreme<false>(detail::BoundsArrayCursor{b}, b.min_periods, x, out);
}
inline void rolling_max(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_extreme<true>(detail::BoundsArrayCursor{b}, b.min_periods, x, out);
}

/// The q-quantile (q in [0, 1]) of each window.
inline void rolling_quantile(const WindowBounds &b, const VectorView &x, OutputView out, double q,
                             QuantileInterpolation how = QuantileInterpolation::linear) {
    detail::check_rolling_sizes(b, x, out);
    detail::rolling_quantile(detail::BoundsArrayCursor{b}, b.min_periods, x, out, q, how);
}

/// The median: the mean of the two middle values for an even count.
inline void rolling_median(const WindowBounds &b, const VectorView &x, OutputView out) {
    rolling_quantile(b, x, out, 0.5, QuantileInterpolation::midpoint);
}

/// One rolling statistic by name, with its arguments.
struct RollingStat {
    enum class Kind { mean, sum, var, std, min, max, median, quantile, count } kind = Kind::mean;
    double q = 0.5;
    QuantileInterpolation interpolation = QuantileInterpolation::linear;
    int ddof = 1;

    static RollingStat parse(std::string_view name) {
        static constexpr std::pair<std::string_view, Kind> names[] = {
            {"mean", Kind::mean}, {"sum", Kind::sum},       {"var", Kind::var},
            {"std", Kind::std},   {"min", Kind::min},       {"max", Kind::max},
            {"median", Kind::median}, {"quantile", Kind::quantile}, {"count", Kind::count}};
        for (const auto &[n, k] : names) {
            if (name == n) return {k};
        }
        throw InvalidArgument(detail::concat("stat: unknown rolling statistic '", std::string(name), "'"));
    }
};

namespace detail {

/// The rows where a run over n rows may be split: 0, then the restart rows, then n.
template <class Cursor> std::vector<std::size_t> restart_rows(Cursor cursor, std::size_t n) {
    std::vector<std::size_t> rows{0};
    for (std::size_t r = restart_period; r < n; r += restart_period) {
        cursor.seek(r);
        const auto [s, e] = cursor(r);
        if (restarts_at(r, e - s)) rows.push_back(r);
    }
    rows.push_back(n);
    return rows;
}

/// Splits [0, n) at restart rows into at most `threads` runs of about equal length.
template <class Cursor> std::vector<std::size_t> run_bounds(Cursor cursor, std::size_t n, std::size_t threads) {
    if (threads <= 1 || n < 2 * restart_period) return {0, n};
    const std::vector<std::size_t> cuts = restart_rows(cursor, n);
    std::vector<std::size_t> bounds{0};
    for (std::size_t t = 1; t < threads; ++t) {
        const std::size_t target = n * t / threads;
        const std::size_t cut = *std::lower_bound(cuts.begin(), cuts.end(), target);
        if (cut > bounds.back() && cut < n) bounds.push_back(cut);
    }
    bounds.push_back(n);
    return bounds;
}

} // namespace detail

/// The statistic over the windows of `times` (sorted int64 ns; may be null for row windows),
/// computed in one pass: the window bounds are walked alongside the values, never stored.
/// `n_jobs` threads take runs of rows split at restart rows (see detail::restarts_at), so the
/// result is the same bit for bit for any thread count.
inline void rolling_into(const std::int64_t *times, const RollingWindow &window, const RollingOptions &options,
                         const RollingStat &stat, const VectorView &x, OutputView out, int n_jobs = 1) {
    require(x.data != nullptr || x.size == 0, "values", "null data pointer");
    check_output_size(out, x.size);
    require(stat.kind != RollingStat::Kind::quantile || (stat.q >= 0.0 && stat.q <= 1.0), "q",
            "must be in [0, 1], got ", stat.q);
    require(stat.ddof >= 0 || (stat.kind != RollingStat::Kind::var && stat.kind != RollingStat::Kind::std), "ddof",
            "must be >= 0, got ", stat.ddof);
    const std::size_t threads = resolve_n_jobs(n_jobs);
    const std::size_t mp = window_min_periods(window, options);
    const bool time_window = window.is_time();
    // Checked before the run bounds read the times (the order is checked further on).
    require(!time_window || times != nullptr || x.size == 0, "times", "null pointer for ", x.size, " timestamps");
    with_window_cursor(times, x.size, window, options, [&](auto cursor) {
        // The run bounds only seek within [0, n), so they may come before the order check.
        const std::vector<std::size_t> bounds = detail::run_bounds(cursor, x.size, threads);
        const std::size_t runs = bounds.size() - 1;
        if (runs > 1) {
            // Fresh outputs are not mapped yet; two threads taking first-touch page faults at
            // once were measured 3-5x slower in a process's first calls (see merge_asof.hpp),
            // so one thread faults them while another checks the times' order (10M rows: 8.5 ms
            // of faults over huge pages beside a 5 ms check, in place of a 3 ms check on two
            // threads followed by the faults).
            parallel_for_chunks(2, 2, [&](std::size_t task, std::size_t) {
                if (task == 0) {
                    for (std::size_t i = 0; i < out.size; i += 512) out[i] = 0.0;
                } else if (time_window) {
                    check_sorted_times(times, x.size, "times");
                }
            });
        } else if (time_window) {
            check_sorted_times(times, x.size, "times", threads);
        }
        parallel_for_chunks(runs, runs, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t r = r0; r < r1; ++r) {
                const detail::RowRange rows{bounds[r], bounds[r + 1]};
                using K = RollingStat::Kind;
                switch (stat.kind) {
                case K::mean: detail::rolling_mean(cursor, mp, x, out, rows); break;
                case K::sum: detail::rolling_sum(cursor, mp, x, out, rows); break;
                case K::var: detail::rolling_var(cursor, mp, x, out, stat.ddof, rows); break;
                case K::std: detail::rolling_std(cursor, mp, x, out, stat.ddof, rows); break;
                case K::min: detail::rolling_extreme<false>(cursor, mp, x, out, rows); break;
                case K::max: detail::rolling_extreme<true>(cursor, mp, x, out, rows); break;
                case K::median:
                    detail::rolling_quantile(cursor, mp, x, out, 0.5, QuantileInterpolation::midpoint, rows);
                    break;
                case K::quantile:
                    detail::rolling_quantile(cursor, mp, x, out, stat.q, stat.interpolation, rows);
                    break;
                case K::count: detail::rolling_count(cursor, mp, x, out, rows); break;
                }
            }
        });
    }, threads, /*check_times=*/false);
}

/// The rolling statistics of one column over one set of windows.
class Rolling {
  public:
    Rolling(const std::int64_t *times, VectorView values, const RollingWindow &window,
            const RollingOptions &options = {})
        : values_(values), bounds_(window_bounds(times, values.size, window, options)) {}
    Rolling(WindowBounds bounds, VectorView values) : values_(values), bounds_(std::move(bounds)) {
        require(values.size == bounds_.size(), "values", "has ", values.size, " rows, bounds cover ",
                bounds_.size());
    }

    Vector sum() const { return run([](auto &b, auto &x, auto o) { rolling_sum(b, x, o); }); }
    Vector mean() const { return run([](auto &b, auto &x, auto o) { rolling_mean(b, x, o); }); }
    Vector var(int ddof = 1) const { return run([ddof](auto &b, auto &x, auto o) { rolling_var(b, x, o, ddof); }); }
    Vector std(int ddof = 1) const { return run([ddof](auto &b, auto &x, auto o) { rolling_std(b, x, o, ddof); }); }
    Vector min() const { return run([](auto &b, auto &x, auto o) { rolling_min(b, x, o); }); }
    Vector max() const { return run([](auto &b, auto &x, auto o) { rolling_max(b, x, o); }); }
    Vector count() const { return run([](auto &b, auto &x, auto o) { rolling_count(b, x, o); }); }
    Vector median() const { return run([](auto &b, auto &x, auto o) { rolling_median(b, x, o); }); }
    Vector quantile(double q, QuantileInterpolation how = QuantileInterpolation::linear) const {
        return run([q, how](auto &b, auto &x, auto o) { rolling_quantile(b, x, o, q, how); });
    }
    const WindowBounds &bounds() const noexcept { return bounds_; }

  private:
    template <class F> Vector run(F f) const {
        Vector out = xt::empty<double>({values_.size});
        f(bounds_, values_, OutputView(out));
        return out;
    }
    VectorView values_;
    WindowBounds bounds_;
};

} // namespace oddkit
