#pragma once
/// Rolling-window statistics over one column: mean, sum, var, std, min, max, median,
/// quantile, count. Pandas' semantics (see window_bounds.hpp) and, for sum/mean/var, its
/// arithmetic: compensated running sums and a running Welford update, with a window that no
/// longer overlaps the previous one summed from scratch, so results agree with pandas to
/// rounding. NaN values are skipped; an output is NaN when its window holds fewer than
/// min_periods values (count compares min_periods with the rows in the window, as pandas).
///
/// Cost: O(n) for sum/mean/var/std/count/min/max (min and max keep a monotonic deque of
/// candidate rows); median/quantile keep the window sorted, O(n log w + n w) worst case in
/// moves but a memmove each.
///
///     auto b = oddkit::window_bounds(times, n, oddkit::RollingWindow::parse("1h"));
///     oddkit::Vector m = oddkit::rolling_mean(b, values);
///     // or: oddkit::Rolling(times, values, oddkit::RollingWindow::parse("1h")).mean()

#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>

#include "oddkit/core/matrix_view.hpp"
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

/// Running sum with Kahan compensation for both the added and the removed values, plus the
/// run length of identical values (a window of one repeated value is reported exactly).
struct RunningSum {
    double sum = 0.0, add_error = 0.0, remove_error = 0.0, last = nan;
    std::size_t count = 0, negatives = 0, same_run = 0;

    void add(double v) {
        if (std::isnan(v)) return;
        ++count;
        negatives += v < 0.0;
        const double y = v - add_error;
        const double t = sum + y;
        add_error = (t - sum) - y;
        sum = t;
        same_run = v == last ? same_run + 1 : 1;
        last = v;
    }
    void remove(double v) {
        if (std::isnan(v)) return;
        --count;
        negatives -= v < 0.0;
        const double y = -v - remove_error;
        const double t = sum + y;
        remove_error = (t - sum) - y;
        sum = t;
    }
};

/// Welford mean and sum of squared deviations, updatable in both directions.
struct RunningMoments {
    double mean = 0.0, m2 = 0.0, error = 0.0, last = nan;
    std::size_t count = 0, same_run = 0;

    void add(double v) {
        if (std::isnan(v)) return;
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
    void remove(double v) {
        if (std::isnan(v)) return;
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
};

/// Slides `State` over the windows: a window that overlaps the previous one removes the rows
/// that left and adds the rows that entered; a disjoint one starts afresh.
template <class State, class Emit>
void slide(const WindowBounds &b, const VectorView &x, OutputView out, Emit emit) {
    State state;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const std::size_t s = b.start[i], e = b.end[i];
        if (i == 0 || s >= b.end[i - 1]) {
            state = State{};
            for (std::size_t j = s; j < e; ++j) state.add(x[j]);
        } else {
            for (std::size_t j = b.start[i - 1]; j < s; ++j) state.remove(x[j]);
            for (std::size_t j = b.end[i - 1]; j < e; ++j) state.add(x[j]);
        }
        out[i] = emit(state);
    }
}

template <bool Max> void rolling_extreme(const WindowBounds &b, const VectorView &x, OutputView out) {
    check_rolling_sizes(b, x, out);
    std::deque<std::size_t> candidates; // rows whose values decrease (max) / increase (min)
    std::size_t added = 0, count = 0, removed_upto = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const std::size_t s = b.start[i], e = std::max(b.end[i], added);
        for (std::size_t j = added; j < b.end[i]; ++j) {
            const double v = x[j];
            if (std::isnan(v)) continue;
            ++count;
            while (!candidates.empty() && (Max ? x[candidates.back()] <= v : x[candidates.back()] >= v)) {
                candidates.pop_back();
            }
            candidates.push_back(j);
        }
        added = e;
        for (std::size_t j = removed_upto; j < s; ++j) count -= !std::isnan(x[j]);
        removed_upto = std::max(removed_upto, s);
        while (!candidates.empty() && candidates.front() < s) candidates.pop_front();
        out[i] = (!candidates.empty() && count >= b.min_periods) ? x[candidates.front()] : nan;
    }
}

} // namespace detail

inline void rolling_sum(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    const std::size_t mp = b.min_periods;
    detail::slide<detail::RunningSum>(b, x, out, [mp](const detail::RunningSum &r) {
        if (r.count < mp) return detail::nan;
        if (r.count == 0) return 0.0;
        return r.same_run >= r.count ? r.last * static_cast<double>(r.count) : r.sum;
    });
}

inline void rolling_mean(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    const std::size_t mp = b.min_periods;
    detail::slide<detail::RunningSum>(b, x, out, [mp](const detail::RunningSum &r) {
        if (r.count < mp || r.count == 0) return detail::nan;
        if (r.same_run >= r.count) return r.last;
        const double m = r.sum / static_cast<double>(r.count);
        // Rounding must not give an all-positive window a negative mean (or the reverse).
        if (r.negatives == 0 && m < 0.0) return 0.0;
        if (r.negatives == r.count && m > 0.0) return 0.0;
        return m;
    });
}

/// Variance with `ddof` (pandas' default 1); NaN when the window holds ddof values or fewer.
inline void rolling_var(const WindowBounds &b, const VectorView &x, OutputView out, int ddof = 1) {
    detail::check_rolling_sizes(b, x, out);
    require(ddof >= 0, "ddof", "must be >= 0, got ", ddof);
    const std::size_t mp = b.min_periods;
    const auto d = static_cast<std::size_t>(ddof);
    detail::slide<detail::RunningMoments>(b, x, out, [mp, d](const detail::RunningMoments &r) {
        if (r.count < mp || r.count <= d) return detail::nan;
        if (r.count == 1 || r.same_run >= r.count) return 0.0;
        const double v = r.m2 / static_cast<double>(r.count - d);
        return v < 0.0 ? 0.0 : v;
    });
}

inline void rolling_std(const WindowBounds &b, const VectorView &x, OutputView out, int ddof = 1) {
    rolling_var(b, x, out, ddof);
    for (std::size_t i = 0; i < out.size; ++i) out[i] = std::sqrt(out[i]);
}

/// Non-missing values in each window; NaN where the window has fewer than min_periods rows.
inline void rolling_count(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::check_rolling_sizes(b, x, out);
    std::size_t count = 0, lo = 0, hi = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        for (; hi < b.end[i]; ++hi) count += !std::isnan(x[hi]);
        for (; lo < b.start[i]; ++lo) count -= !std::isnan(x[lo]);
        const std::size_t rows = b.end[i] - b.start[i];
        out[i] = rows >= b.min_periods ? static_cast<double>(count) : detail::nan;
    }
}

inline void rolling_min(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::rolling_extreme<false>(b, x, out);
}
inline void rolling_max(const WindowBounds &b, const VectorView &x, OutputView out) {
    detail::rolling_extreme<true>(b, x, out);
}

/// The q-quantile (q in [0, 1]) of each window.
inline void rolling_quantile(const WindowBounds &b, const VectorView &x, OutputView out, double q,
                             QuantileInterpolation how = QuantileInterpolation::linear) {
    detail::check_rolling_sizes(b, x, out);
    require(q >= 0.0 && q <= 1.0, "q", "must be in [0, 1], got ", q);
    detail::SortedWindow w;
    const std::size_t mp = std::max<std::size_t>(b.min_periods, 1);
    for (std::size_t i = 0; i < b.size(); ++i) {
        const std::size_t s = b.start[i], e = b.end[i];
        if (i == 0 || s >= b.end[i - 1]) {
            w.clear();
            for (std::size_t j = s; j < e; ++j) w.insert(x[j]);
        } else {
            for (std::size_t j = b.end[i - 1]; j < e; ++j) w.insert(x[j]);
            for (std::size_t j = b.start[i - 1]; j < s; ++j) w.erase(x[j]);
        }
        out[i] = w.size() >= mp ? quantile_of_sorted([&w](std::size_t k) { return w[k]; }, w.size(), q, how)
                                : detail::nan;
    }
}

/// The median: the mean of the two middle values for an even count.
inline void rolling_median(const WindowBounds &b, const VectorView &x, OutputView out) {
    rolling_quantile(b, x, out, 0.5, QuantileInterpolation::midpoint);
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
