#pragma once
/// Frames from and to CSV as pandas' to_csv writes them: a header line, a timestamp column
/// (ISO 8601 such as "2018-09-01 00:00:00", or epoch numbers in `unit`), and value columns.
/// Empty fields, "nan", "NaN", "NA", "null" and "None" are missing. A column of only integers
/// is int64, of only True/False bool, else float64. Fields may be quoted ("a,b", "" escapes a
/// quote). Rows are sorted by time (stably) on reading. Errors are FormatError naming the line.

#include <string>
#include <string_view>

#include "oddkit/series/frame.hpp"
#include "oddkit/series/timestamp_text.hpp"

namespace oddkit {

struct CsvReadOptions {
    std::string time_column;      ///< empty: the first column
    char delimiter = ',';
    TimeUnit unit = TimeUnit::ms; ///< of epoch numbers in the time column
};

struct CsvWriteOptions {
    std::string time_column = "timestamp";
    char delimiter = ',';
    bool iso = true;              ///< ISO text (pandas' default) or epoch numbers in `unit`
    TimeUnit unit = TimeUnit::ms;
};

Frame parse_csv(std::string_view text, const CsvReadOptions &options = {});
Frame read_csv(const std::string &path, const CsvReadOptions &options = {});
std::string to_csv(const Frame &frame, const CsvWriteOptions &options = {});
void write_csv(const std::string &path, const Frame &frame, const CsvWriteOptions &options = {});

} // namespace oddkit
