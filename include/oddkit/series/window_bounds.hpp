#pragma once
/// Which rows each rolling window covers. A window is a row count or a duration in
/// nanoseconds; every output row i aggregates the input rows [start[i], end[i]). Both bound
/// arrays are non-decreasing, which is what lets the aggregations add and remove rows
/// incrementally in one pass.
///
/// The rules are pandas' (DataFrame.rolling), so results can be checked against it:
///  - count window w: rows (i - w, i]; center shifts it forward by (w - 1) / 2 rows;
///    closed 'left'/'both' take one more row on the left, 'left'/'neither' drop the right one.
///  - time window w: rows with t[i] - w < t <= t[i] for closed 'right' (the default);
///    'both' [t - w, t], 'left' [t - w, t), 'neither' (t - w, t). With center the window is
///    (t[i] - w/2, t[i] + w/2] (w/2 rounded toward zero in nanoseconds). With duplicate
///    timestamps a right-closed window ends at row i itself, as pandas does.
///  - min_periods defaults to w for count windows and to 1 for time windows.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/series/duration.hpp"

namespace oddkit {

enum class Closed { right, left, both, neither };

inline Closed parse_closed(std::string_view text) {
    if (text == "right") return Closed::right;
    if (text == "left") return Closed::left;
    if (text == "both") return Closed::both;
    if (text == "neither") return Closed::neither;
    throw InvalidArgument(detail::concat("closed: expected 'right', 'left', 'both' or 'neither', got '",
                                         std::string(text), "'"));
}

inline const char *closed_name(Closed c) {
    switch (c) {
    case Closed::left: return "left";
    case Closed::both: return "both";
    case Closed::neither: return "neither";
    case Closed::right: break;
    }
    return "right";
}

/// A window of `size` rows or of `size` nanoseconds.
struct RollingWindow {
    enum class Kind { rows, time };
    Kind kind = Kind::rows;
    std::int64_t size = 1;

    static RollingWindow rows(std::int64_t n) {
        require(n >= 1, "window", "a row-count window must be >= 1, got ", n);
        return {Kind::rows, n};
    }
    static RollingWindow duration(std::int64_t nanoseconds) {
        require(nanoseconds >= 1, "window", "a time window must be a positive number of nanoseconds, got ",
                nanoseconds);
        return {Kind::time, nanoseconds};
    }
    /// "1h", "15min", ... as a time window; a plain integer ("24") as a row count.
    static RollingWindow parse(std::string_view text) {
        bool digits = !text.empty();
        for (char c : text) {
            digits = digits && c >= '0' && c <= '9';
        }
        if (digits) {
            return rows(std::stoll(std::string(text)));
        }
        return duration(parse_duration(text, "window"));
    }
    bool is_time() const noexcept { return kind == Kind::time; }
};

struct RollingOptions {
    std::optional<std::int64_t> min_periods; ///< unset: window rows, or 1 for time windows
    Closed closed = Closed::right;
    bool center = false;
};

struct WindowBounds {
    std::vector<std::size_t> start;
    std::vector<std::size_t> end;
    std::size_t min_periods = 1;
    std::size_t size() const noexcept { return start.size(); }
};

/// Times must be non-decreasing (duplicates allowed, as in pandas); names the first bad row.
/// `threads` share the first pass over long arrays.
inline void check_sorted_times(const std::int64_t *times, std::size_t n, const char *name = "times",
                               std::size_t threads = 1) {
    require(times != nullptr || n == 0, name, "null pointer for ", n, " timestamps");
    // A branch-free pass (it vectorises) first; the loop below only runs to name the culprit.
    std::atomic<bool> sorted{true};
    parallel_for_chunks(
        n, threads,
        [&](std::size_t begin, std::size_t end) {
            bool ok = true;
            for (std::size_t i = std::max<std::size_t>(begin, 1); i < end; ++i) {
                ok &= times[i - 1] <= times[i];
            }
            if (!ok) sorted.store(false, std::memory_order_relaxed);
        },
        std::size_t{1} << 20);
    if (sorted.load()) {
        return;
    }
    for (std::size_t i = 1; i < n; ++i) {
        require(times[i - 1] <= times[i], name, "must be sorted ascending; row ", i, " (", times[i],
                ") comes before row ", i - 1, " (", times[i - 1], ")");
    }
}

namespace detail {

/// How a cursor's windows are shaped; `other` for row windows and bound arrays.
enum class TimeWindowShape { trailing_right_closed, trailing_right_open, centered, other };

/// Row windows: output row i covers [i + 1 + offset - w (- 1 if left-closed), i + 1 + offset
/// (- 1 if right-open)), clipped to [0, n).
struct RowWindowCursor {
    static constexpr TimeWindowShape shape = TimeWindowShape::other;
    std::int64_t n, first_start, first_end;

    void seek(std::size_t) const noexcept {}

    std::pair<std::size_t, std::size_t> operator()(std::size_t i) const noexcept {
        const auto clip = [this](std::int64_t v) {
            return static_cast<std::size_t>(v < 0 ? 0 : (v > n ? n : v));
        };
        const auto row = static_cast<std::int64_t>(i);
        return {clip(first_start + row), clip(first_end + row)};
    }
};

/// Time windows computed on the fly by two pointers over the sorted times, for rows visited in
/// order 0, 1, 2, ...: the bounds of a row depend on the previous row's, so no bound arrays
/// are needed. The closed/center choice is a template parameter to keep the walk branch-light.
template <bool LeftClosed, TimeWindowShape Shape> struct TimeWindowCursor {
    static constexpr TimeWindowShape shape = Shape;
    static constexpr bool left_closed = LeftClosed;
    const std::int64_t *times;
    std::size_t n;
    std::int64_t back;  ///< the window reaches this far before the row's time
    std::int64_t ahead; ///< and, centred, this far after it
    bool right_closed;  ///< centred windows only
    std::size_t s = 0, e = 0;

    /// Positions the walk as if rows 0 .. i - 1 had been visited (binary searches), so that
    /// rows i, i + 1, ... can follow: how a chunk of rows starts on its own thread.
    void seek(std::size_t i) noexcept {
        s = e = 0;
        if (i == 0 || i >= n) return;
        const std::int64_t t = times[i];
        if (std::int64_t lower; !__builtin_sub_overflow(t, back, &lower)) {
            s = static_cast<std::size_t>(std::partition_point(times, times + i, [&](std::int64_t v) {
                                             return LeftClosed ? v < lower : v <= lower;
                                         }) - times);
        }
        if constexpr (Shape == TimeWindowShape::centered) {
            std::int64_t upper;
            if (__builtin_add_overflow(t, ahead, &upper)) upper = INT64_MAX;
            e = static_cast<std::size_t>(std::partition_point(times, times + n, [&](std::int64_t v) {
                                             return right_closed ? v <= upper : v < upper;
                                         }) - times);
        } else if constexpr (Shape == TimeWindowShape::trailing_right_open) {
            e = static_cast<std::size_t>(
                std::partition_point(times, times + i, [&](std::int64_t v) { return v < t; }) - times);
        }
    }

    std::pair<std::size_t, std::size_t> operator()(std::size_t i) noexcept {
        const std::int64_t t = times[i];
        // Rows at exactly `lower` are in when left-closed. A trailing window has back >= 1, so
        // the walk stops at row i by itself; a centred one may have back == 0. When t - back
        // underflows, no row lies before the window.
        std::int64_t lower;
        if (!__builtin_sub_overflow(t, back, &lower)) {
            if constexpr (Shape == TimeWindowShape::centered) {
                while (s < i && (LeftClosed ? times[s] < lower : times[s] <= lower)) ++s;
            } else {
                while (LeftClosed ? times[s] < lower : times[s] <= lower) ++s;
            }
        }
        if constexpr (Shape == TimeWindowShape::trailing_right_closed) {
            e = i + 1; // with duplicate timestamps the window ends at row i itself, as pandas
        } else if constexpr (Shape == TimeWindowShape::centered) {
            std::int64_t upper;
            if (__builtin_add_overflow(t, ahead, &upper)) upper = INT64_MAX;
            e = e < s ? s : e;
            if (right_closed) {
                while (e < n && times[e] <= upper) ++e;
            } else {
                while (e < n && times[e] < upper) ++e;
            }
        } else {
            // Right-open: the window stops before the first row sharing this timestamp.
            e = e < s ? s : e;
            while (e < i && times[e] < t) ++e;
        }
        return {s, e < s ? s : e};
    }
};

} // namespace detail

/// The min_periods a window implies (validated): the option, else the row count or 1.
inline std::size_t window_min_periods(const RollingWindow &window, const RollingOptions &options) {
    if (window.kind == RollingWindow::Kind::rows) {
        require(window.size >= 1, "window", "a row-count window must be >= 1, got ", window.size);
        const std::int64_t w = window.size;
        const std::int64_t mp = options.min_periods.value_or(w);
        require(mp >= 0 && mp <= w, "min_periods", "must be in [0, window] = [0, ", w, "], got ", mp);
        return static_cast<std::size_t>(mp);
    }
    require(window.size >= 1, "window", "a time window must be positive, got ", window.size, " ns");
    const std::int64_t mp = options.min_periods.value_or(1);
    require(mp >= 0, "min_periods", "must be >= 0, got ", mp);
    return static_cast<std::size_t>(mp);
}

/// Validates the window over n rows, then calls f(cursor) once with the cursor that yields
/// each row's [start, end) when called with rows 0, 1, ..., n - 1 in order. `times` (n int64
/// ns, sorted) is needed only for time windows and may be null for row windows; `threads`
/// share the check that they are sorted. With check_times false the caller checks the order
/// itself before it uses the cursor's windows (the cursor only reads within [0, n) either way).
template <class F>
decltype(auto) with_window_cursor(const std::int64_t *times, std::size_t n, const RollingWindow &window,
                                  const RollingOptions &options, F &&f, std::size_t threads = 1,
                                  bool check_times = true) {
    (void)window_min_periods(window, options);
    const bool left_closed = options.closed == Closed::left || options.closed == Closed::both;
    const bool right_closed = options.closed == Closed::right || options.closed == Closed::both;
    if (window.kind == RollingWindow::Kind::rows) {
        const std::int64_t w = window.size;
        const std::int64_t e = 1 + (options.center ? (w - 1) / 2 : 0) - (right_closed ? 0 : 1);
        const std::int64_t s = 1 + (options.center ? (w - 1) / 2 : 0) - w - (left_closed ? 1 : 0);
        return f(detail::RowWindowCursor{static_cast<std::int64_t>(n), s, e});
    }
    if (check_times) check_sorted_times(times, n, "times", threads);
    using detail::TimeWindowCursor, detail::TimeWindowShape;
    if (options.center) {
        const std::int64_t half = window.size / 2;
        if (left_closed) {
            return f(TimeWindowCursor<true, TimeWindowShape::centered>{times, n, half, half, right_closed});
        }
        return f(TimeWindowCursor<false, TimeWindowShape::centered>{times, n, half, half, right_closed});
    }
    if (right_closed) {
        if (left_closed) {
            return f(TimeWindowCursor<true, TimeWindowShape::trailing_right_closed>{times, n, window.size, 0, true});
        }
        return f(TimeWindowCursor<false, TimeWindowShape::trailing_right_closed>{times, n, window.size, 0, true});
    }
    if (left_closed) {
        return f(TimeWindowCursor<true, TimeWindowShape::trailing_right_open>{times, n, window.size, 0, false});
    }
    return f(TimeWindowCursor<false, TimeWindowShape::trailing_right_open>{times, n, window.size, 0, false});
}

/// The rows each window covers for n rows, as arrays (the rolling functions that take times
/// walk the same bounds on the fly instead).
inline WindowBounds window_bounds(const std::int64_t *times, std::size_t n, const RollingWindow &window,
                                  const RollingOptions &options = {}) {
    WindowBounds b;
    b.min_periods = window_min_periods(window, options);
    b.start.resize(n);
    b.end.resize(n);
    with_window_cursor(times, n, window, options, [&](auto cursor) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto [s, e] = cursor(i);
            b.start[i] = s;
            b.end[i] = e;
        }
    });
    return b;
}

} // namespace oddkit
