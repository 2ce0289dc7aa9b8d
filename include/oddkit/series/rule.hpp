#pragma once
/// Fixed frequency rules in pandas' spelling: "15min", "1h", "2D", "30s",
/// "500ms", "W" (a week anchored on Sunday, pandas' "W" = "W-SUN"). Units are case-sensitive
/// as in pandas >= 2.2 ("min", "h", "s", "ms", "us", "ns", "D", "W").

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "oddkit/core/error.hpp"

namespace oddkit {

inline constexpr std::int64_t ns_per_second = 1'000'000'000;
inline constexpr std::int64_t ns_per_day = 86'400 * ns_per_second;

struct Rule {
    std::int64_t nanos = 0;   ///< bin width
    bool weekly = false;      ///< anchored on Sunday ("W", "W-SUN")
};

namespace detail {
inline std::int64_t unit_nanos(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us") return 1'000;
    if (unit == "ms") return 1'000'000;
    if (unit == "s") return ns_per_second;
    if (unit == "min") return 60 * ns_per_second;
    if (unit == "h") return 3600 * ns_per_second;
    if (unit == "D") return ns_per_day;
    return 0;
}
} // namespace detail

/// Parses "<count><unit>" (count optional, default 1). InvalidArgument naming `name`.
inline Rule parse_rule(std::string_view text, const char *name = "rule") {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    std::int64_t count = 1;
    if (digits > 0) {
        const auto res = std::from_chars(text.data(), text.data() + digits, count);
        require(res.ec == std::errc(), name, "count too large in '", text, "'");
    }
    const std::string_view unit = text.substr(digits);
    require(count > 0, name, "'", text, "' must be a positive multiple");
    if (unit == "W" || unit == "W-SUN") {
        require(count == 1, name, "'", text, "': only single weeks (\"W\") are supported");
        return {7 * ns_per_day, true};
    }
    const std::int64_t per = detail::unit_nanos(unit);
    require(per > 0, name, "unknown rule '", text,
            "' (expected a count and one of ns, us, ms, s, min, h, D, W, e.g. '15min')");
    require(count <= INT64_MAX / per, name, "'", text, "' overflows int64 nanoseconds");
    return {count * per, false};
}

/// A signed fixed duration such as "5min" or "-1h" in nanoseconds (weeks are 7 days here), for
/// resample offsets and join tolerances. Window lengths use parse_duration (duration.hpp).
inline std::int64_t parse_signed_duration(std::string_view text, const char *name) {
    const bool negative = !text.empty() && text.front() == '-';
    const Rule r = parse_rule(negative ? text.substr(1) : text, name);
    return negative ? -r.nanos : r.nanos;
}

/// floor(a / b) for b > 0.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

} // namespace oddkit
