#pragma once
/// Durations as int64 nanoseconds, parsed from pandas-style strings: "1h", "15min", "30s",
/// "500ms", "2us", "100ns", "1d", compound "1h30min", decimals "1.5h". A bare unit ("h") means
/// one of it, as pandas offset aliases do.

#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "oddkit/core/error.hpp"

namespace oddkit {

inline constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

namespace detail {
/// Nanoseconds in one of `unit`, or 0 when the unit is unknown.
inline std::int64_t unit_nanoseconds(std::string_view unit) {
    struct Unit {
        std::string_view name;
        std::int64_t ns;
    };
    static constexpr Unit units[] = {
        {"ns", 1},
        {"us", 1'000},
        {"ms", 1'000'000},
        {"s", nanoseconds_per_second},
        {"sec", nanoseconds_per_second},
        {"min", 60 * nanoseconds_per_second},
        {"h", 3600 * nanoseconds_per_second},
        {"d", 86400 * nanoseconds_per_second},
        {"D", 86400 * nanoseconds_per_second},
        {"w", 7 * 86400 * nanoseconds_per_second},
        {"W", 7 * 86400 * nanoseconds_per_second},
    };
    for (const auto &u : units) {
        if (u.name == unit) {
            return u.ns;
        }
    }
    return 0;
}
} // namespace detail

/// Parses a duration string into nanoseconds; InvalidArgument naming `argument` for an unknown
/// unit, a malformed number or a non-positive total.
inline std::int64_t parse_duration(std::string_view text, const char *argument = "window") {
    require(!text.empty(), argument, "empty duration string (expected e.g. '1h', '15min', '30s')");
    long double total = 0.0L;
    std::size_t i = 0;
    const auto fail = [&](const std::string &why) {
        throw InvalidArgument(detail::concat(argument, ": cannot parse duration '", std::string(text),
                                             "' (", why, "; units are ns, us, ms, s, min, h, d, w)"));
    };
    while (i < text.size()) {
        const std::size_t number_begin = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
            ++i;
        }
        const std::string number(text.substr(number_begin, i - number_begin));
        const std::size_t unit_begin = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
            ++i;
        }
        const std::string_view unit = text.substr(unit_begin, i - unit_begin);
        if (unit.empty()) {
            fail(number.empty() ? "unexpected character" : "missing unit after '" + number + "'");
        }
        const std::int64_t ns = detail::unit_nanoseconds(unit);
        if (ns == 0) {
            fail("unknown unit '" + std::string(unit) + "'");
        }
        long double count = 1.0L;
        if (!number.empty()) {
            std::size_t used = 0;
            try {
                count = std::stold(number, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used != number.size()) {
                fail("malformed number '" + number + "'");
            }
        }
        total += count * static_cast<long double>(ns);
    }
    require(total >= 1.0L && total < 9.2e18L, argument, "duration '", std::string(text),
            "' must be positive and fit in int64 nanoseconds");
    return static_cast<std::int64_t>(std::llround(total));
}

} // namespace oddkit
