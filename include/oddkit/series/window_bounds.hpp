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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/error.hpp"
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
inline void check_sorted_times(const std::int64_t *times, std::size_t n, const char *name = "times") {
    require(times != nullptr || n == 0, name, "null pointer for ", n, " timestamps");
    for (std::size_t i = 1; i < n; ++i) {
        require(times[i - 1] <= times[i], name, "must be sorted ascending; row ", i, " (", times[i],
                ") comes before row ", i - 1, " (", times[i - 1], ")");
    }
}

/// The rows each window covers for n rows. `times` (n int64 ns, sorted) is needed only for
/// time windows and may be null for row windows.
inline WindowBounds window_bounds(const std::int64_t *times, std::size_t n, const RollingWindow &window,
                                  const RollingOptions &options = {}) {
    WindowBounds b;
    b.start.resize(n);
    b.end.resize(n);
    const bool left_closed = options.closed == Closed::left || options.closed == Closed::both;
    const bool right_closed = options.closed == Closed::right || options.closed == Closed::both;
    if (window.kind == RollingWindow::Kind::rows) {
        require(window.size >= 1, "window", "a row-count window must be >= 1, got ", window.size);
        const std::int64_t w = window.size;
        const std::int64_t mp = options.min_periods.value_or(w);
        require(mp >= 0 && mp <= w, "min_periods", "must be in [0, window] = [0, ", w, "], got ", mp);
        b.min_periods = static_cast<std::size_t>(mp);
        const std::int64_t offset = options.center ? (w - 1) / 2 : 0;
        const auto clip = [n](std::int64_t v) {
            return static_cast<std::size_t>(std::min<std::int64_t>(std::max<std::int64_t>(v, 0),
                                                                   static_cast<std::int64_t>(n)));
        };
        for (std::size_t i = 0; i < n; ++i) {
            std::int64_t e = static_cast<std::int64_t>(i) + 1 + offset;
            std::int64_t s = e - w;
            if (left_closed) --s;
            if (!right_closed) --e;
            b.start[i] = clip(s);
            b.end[i] = clip(e);
        }
        return b;
    }
    require(window.size >= 1, "window", "a time window must be positive, got ", window.size, " ns");
    check_sorted_times(times, n);
    const std::int64_t mp = options.min_periods.value_or(1);
    require(mp >= 0, "min_periods", "must be >= 0, got ", mp);
    b.min_periods = static_cast<std::size_t>(mp);
    if (n == 0) {
        return b;
    }
    // Offsets are taken relative to the row's own time; saturating keeps extreme
    // timestamps from overflowing (the window then simply reaches the end of time).
    const auto sub = [](std::int64_t a, std::int64_t d) {
        std::int64_t r;
        return __builtin_sub_overflow(a, d, &r) ? INT64_MIN : r;
    };
    const auto add = [](std::int64_t a, std::int64_t d) {
        std::int64_t r;
        return __builtin_add_overflow(a, d, &r) ? INT64_MAX : r;
    };
    const std::int64_t back = options.center ? window.size / 2 : window.size;
    std::size_t s = 0;
    std::size_t e = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t t = times[i];
        const std::int64_t lower = sub(t, back); // rows at exactly `lower` are in if left-closed
        while (s < i && (times[s] < lower || (times[s] == lower && !left_closed))) {
            ++s;
        }
        if (options.center) {
            const std::int64_t upper = add(t, window.size / 2);
            e = std::max(e, s);
            while (e < n && (times[e] < upper || (times[e] == upper && right_closed))) {
                ++e;
            }
        } else if (right_closed) {
            e = i + 1;
        } else {
            // Right-open: the window stops before the first row sharing this timestamp.
            e = std::max(e, s);
            while (e < i && times[e] < t) {
                ++e;
            }
        }
        b.start[i] = s;
        b.end[i] = std::max(e, s);
    }
    return b;
}

} // namespace oddkit
