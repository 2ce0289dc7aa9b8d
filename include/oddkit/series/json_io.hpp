#pragma once
/// Frames from and to JSON as pandas' DataFrame.to_json writes it. Orients:
///   records  [{"timestamp": t, "a": 1.0, ...}, ...]        time in `time_column`
///   split    {"columns": [...], "index": [t, ...], "data": [[...], ...]}
///   columns  {"a": {"<t>": 1.0, ...}, ...}                  time in the keys
///   index    {"<t>": {"a": 1.0, ...}, ...}                  time in the keys
///   values   [[t, 1.0, ...], ...]                           time in the first position
/// Times are epoch numbers in `unit` (pandas' default is ms) or ISO 8601 strings; keys that
/// hold epoch numbers are their decimal text. Rows are sorted by time (stably) on reading.
/// null is a missing value. A column of only integers is int64, of only booleans bool, else
/// float64. Errors are FormatError naming the key (or the line of a JSON syntax error).

#include <string>
#include <string_view>

#include "oddkit/series/frame.hpp"
#include "oddkit/series/timestamp_text.hpp"

namespace oddkit {

enum class JsonOrient { records, split, columns, index, values };

inline JsonOrient parse_json_orient(std::string_view s) {
    if (s == "records") return JsonOrient::records;
    if (s == "split") return JsonOrient::split;
    if (s == "columns") return JsonOrient::columns;
    if (s == "index") return JsonOrient::index;
    if (s == "values") return JsonOrient::values;
    throw InvalidArgument(detail::concat("orient: expected 'records', 'split', 'columns', 'index' or 'values', got '",
                                         s, "'"));
}

struct JsonReadOptions {
    JsonOrient orient = JsonOrient::records;
    std::string time_column = "timestamp"; ///< records and split without an index
    TimeUnit unit = TimeUnit::ms;          ///< of epoch numbers
};

enum class TimeFormat { epoch, iso };

struct JsonWriteOptions {
    JsonOrient orient = JsonOrient::records;
    std::string time_column = "timestamp";
    TimeFormat format = TimeFormat::epoch;
    TimeUnit unit = TimeUnit::ms; ///< of epoch numbers and of the ISO fraction
};

/// Parses JSON text into a Frame.
Frame parse_json(std::string_view text, const JsonReadOptions &options = {});
/// Reads a JSON file; FormatError if it cannot be opened or parsed.
Frame read_json(const std::string &path, const JsonReadOptions &options = {});
/// The frame as JSON text (NaN as null).
std::string to_json(const Frame &frame, const JsonWriteOptions &options = {});
void write_json(const std::string &path, const Frame &frame, const JsonWriteOptions &options = {});

} // namespace oddkit
