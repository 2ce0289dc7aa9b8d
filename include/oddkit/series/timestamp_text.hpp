#pragma once
/// ISO 8601 timestamps <-> int64 ns since the epoch (UTC), and epoch numbers in a unit.
/// Parsed: "YYYY-MM-DD", then optionally 'T' or ' ' and "HH:MM[:SS[.f{1,9}]]", then optionally
/// "Z" or an offset "+HH:MM" / "-HHMM" (converted to UTC). Dates use the proleptic Gregorian
/// calendar, as NumPy does.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "oddkit/core/error.hpp"

namespace oddkit {

enum class TimeUnit { s, ms, us, ns };

inline std::int64_t unit_scale(TimeUnit u) {
    switch (u) {
    case TimeUnit::s: return 1'000'000'000;
    case TimeUnit::ms: return 1'000'000;
    case TimeUnit::us: return 1'000;
    case TimeUnit::ns: return 1;
    }
    return 1;
}

inline TimeUnit parse_time_unit(std::string_view s, const char *name = "unit") {
    if (s == "s") return TimeUnit::s;
    if (s == "ms") return TimeUnit::ms;
    if (s == "us") return TimeUnit::us;
    if (s == "ns") return TimeUnit::ns;
    throw InvalidArgument(detail::concat(name, ": expected 's', 'ms', 'us' or 'ns', got '", s, "'"));
}

/// Days since 1970-01-01 of a civil date (era arithmetic: 400-year cycles of 146097 days).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The civil date of a day count since 1970-01-01.
inline void civil_from_days(std::int64_t z, std::int64_t &y, unsigned &m, unsigned &d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

/// Parses an ISO 8601 timestamp; false if `s` is not one.
inline bool parse_iso_timestamp(std::string_view s, std::int64_t &out) {
    std::size_t p = 0;
    auto digits = [&](std::size_t count, unsigned &value) {
        value = 0;
        if (p + count > s.size()) return false;
        for (std::size_t k = 0; k < count; ++k) {
            const char c = s[p + k];
            if (c < '0' || c > '9') return false;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        p += count;
        return true;
    };
    auto expect = [&](char c) {
        if (p < s.size() && s[p] == c) { ++p; return true; }
        return false;
    };
    unsigned year, month, day, hour = 0, minute = 0, second = 0;
    if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day)) return false;
    if (month < 1 || month > 12 || day < 1 || day > 31) return false;
    std::int64_t frac_ns = 0;
    if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
        ++p;
        if (!digits(2, hour) || !expect(':') || !digits(2, minute)) return false;
        if (expect(':')) {
            if (!digits(2, second)) return false;
            if (expect('.')) {
                std::int64_t scale = 100'000'000;
                std::size_t n = 0;
                while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                    if (n < 9) frac_ns += (s[p] - '0') * scale;
                    scale /= 10;
                    ++p;
                    ++n;
                }
                if (n == 0) return false;
            }
        }
        if (hour > 23 || minute > 59 || second > 60) return false;
    }
    std::int64_t zone = 0;
    if (p < s.size()) {
        if (s[p] == 'Z') {
            ++p;
        } else if (s[p] == '+' || s[p] == '-') {
            const std::int64_t sign = s[p] == '-' ? -1 : 1;
            ++p;
            unsigned zh, zm = 0;
            if (!digits(2, zh)) return false;
            expect(':');
            if (p < s.size() && !digits(2, zm)) return false;
            zone = sign * (static_cast<std::int64_t>(zh) * 3600 + zm * 60);
        }
    }
    if (p != s.size()) return false;
    const std::int64_t days = days_from_civil(year, month, day);
    const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - zone;
    out = secs * 1'000'000'000 + frac_ns;
    return true;
}

/// "YYYY-MM-DD<sep>HH:MM:SS" plus a fraction of `fraction_digits` (0, 3, 6 or 9) digits.
inline std::string format_iso_timestamp(std::int64_t t, char sep = 'T', int fraction_digits = 3) {
    std::int64_t days = t / 86'400'000'000'000;
    std::int64_t rem = t % 86'400'000'000'000;
    if (rem < 0) {
        rem += 86'400'000'000'000;
        --days;
    }
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    const std::int64_t secs = rem / 1'000'000'000, ns = rem % 1'000'000'000;
    char buf[64];
    int len = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%c%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                            sep, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                            static_cast<long long>(secs % 60));
    if (fraction_digits > 0) {
        std::int64_t f = ns;
        for (int k = fraction_digits; k < 9; ++k) f /= 10;
        len += std::snprintf(buf + len, sizeof buf - static_cast<std::size_t>(len), ".%0*lld", fraction_digits,
                             static_cast<long long>(f));
    }
    return std::string(buf, static_cast<std::size_t>(len));
}

} // namespace oddkit
