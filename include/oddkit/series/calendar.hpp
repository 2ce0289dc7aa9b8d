#pragma once
/// Calendar fields of int64 nanosecond UTC timestamps, as pandas' .dt accessors on UTC
/// times: hour 0-23, day_of_week 0 = Monday, month 1-12, day_of_year 1-366. Dates use the
/// proleptic Gregorian calendar (days-from-civil arithmetic), valid over the whole int64 range.

#include <cstdint>

namespace oddkit {

inline constexpr std::int64_t nanoseconds_per_day = 86'400'000'000'000;

struct CivilDate {
    std::int64_t year;
    int month;       ///< 1..12
    int day;         ///< 1..31
    int day_of_year; ///< 1..366
};

namespace detail {
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
} // namespace detail

/// Days since 1970-01-01 (negative before) of a timestamp.
inline std::int64_t epoch_day(std::int64_t t) { return detail::floor_div(t, nanoseconds_per_day); }

/// Nanoseconds since midnight UTC.
inline std::int64_t time_of_day(std::int64_t t) { return t - epoch_day(t) * nanoseconds_per_day; }

inline int hour_of(std::int64_t t) { return static_cast<int>(time_of_day(t) / 3'600'000'000'000); }

/// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
inline int day_of_week(std::int64_t t) {
    const std::int64_t d = (epoch_day(t) + 3) % 7;
    return static_cast<int>(d < 0 ? d + 7 : d);
}

/// The civil date of a timestamp: shift to an era starting on 0000-03-01 so leap days fall at
/// the end of each 400-year cycle's year, then read year, month and day arithmetically.
inline CivilDate civil_date(std::int64_t t) {
    const std::int64_t z = epoch_day(t) + 719468; // days from 0000-03-01
    const std::int64_t era = detail::floor_div(z, 146097);
    const std::int64_t doe = z - era * 146097;                          // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
    const std::int64_t doy_march = doe - (365 * yoe + yoe / 4 - yoe / 100);       // [0, 365]
    const std::int64_t mp = (5 * doy_march + 2) / 153;                              // March = 0
    const int day = static_cast<int>(doy_march - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    static constexpr int days_before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const int doy = days_before[month - 1] + day + ((month > 2 && detail::is_leap(year)) ? 1 : 0);
    return {year, month, day, doy};
}

} // namespace oddkit
