// JSON reader and writer for frames (pandas to_json orients). The whole document is parsed by
// nlohmann_json (ordered, so column order survives); values are then walked once per cell.

#include "oddkit/series/json_io.hpp"

#include <charconv>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "column_builder.hpp"
#include "oddkit/series/rule.hpp"

namespace oddkit {

namespace {

using Json = nlohmann::ordered_json;
using detail::ColumnBuilder;
using detail::concat;

[[noreturn]] void bad(const std::string &key, const std::string &what) {
    throw FormatError(concat("json: key '", key, "': ", what));
}

std::int64_t epoch_to_ns(double value, TimeUnit unit, const std::string &key) {
    const double ns = value * static_cast<double>(unit_scale(unit));
    if (!std::isfinite(ns) || std::fabs(ns) >= 9.2e18) bad(key, concat("timestamp ", value, " is out of range"));
    return static_cast<std::int64_t>(std::llround(ns));
}

std::int64_t time_of_text(std::string_view s, TimeUnit unit, const std::string &key) {
    std::int64_t t;
    if (parse_iso_timestamp(s, t)) return t;
    std::int64_t whole;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), whole);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        if (whole > INT64_MAX / unit_scale(unit) || whole < INT64_MIN / unit_scale(unit)) bad(key, "timestamp out of range");
        return whole * unit_scale(unit);
    }
    double d;
    const auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (rd.ec == std::errc() && rd.ptr == s.data() + s.size()) return epoch_to_ns(d, unit, key);
    bad(key, concat("'", s, "' is not a timestamp (expected an epoch number or ISO 8601 text)"));
}

std::int64_t time_of(const Json &v, TimeUnit unit, const std::string &key) {
    if (v.is_number_integer()) {
        const auto whole = v.get<std::int64_t>();
        if (whole > INT64_MAX / unit_scale(unit) || whole < INT64_MIN / unit_scale(unit)) bad(key, "timestamp out of range");
        return whole * unit_scale(unit);
    }
    if (v.is_number_float()) return epoch_to_ns(v.get<double>(), unit, key);
    if (v.is_string()) return time_of_text(v.get_ref<const std::string &>(), unit, key);
    bad(key, concat("expected a timestamp, got ", v.type_name()));
}

void add_value(ColumnBuilder &c, const Json &v, const std::string &key) {
    if (v.is_null()) c.add_missing();
    else if (v.is_boolean()) c.add_bool(v.get<bool>());
    else if (v.is_number_integer()) c.add_int(v.get<std::int64_t>());
    else if (v.is_number()) c.add_double(v.get<double>());
    else bad(key, concat("expected a number, a boolean or null, got ", v.type_name()));
}

/// Columns in first-seen order; a row lacking a column gets a missing value there.
struct Table {
    std::vector<std::int64_t> times;
    std::vector<std::string> names;
    std::vector<ColumnBuilder> columns;
    std::map<std::string, std::size_t> position;

    ColumnBuilder &column(const std::string &name) {
        auto it = position.find(name);
        if (it != position.end()) return columns[it->second];
        position.emplace(name, names.size());
        names.push_back(name);
        columns.emplace_back();
        for (std::size_t i = 0; i + 1 < times.size(); ++i) columns.back().add_missing();
        return columns.back();
    }
    void end_row() {
        for (auto &c : columns)
            if (c.size() < times.size()) c.add_missing();
    }
    /// Adds one row from an object of column -> value.
    void add_row(std::int64_t t, const Json &row, const std::string &key, const std::string &skip = "") {
        if (!row.is_object()) bad(key, concat("expected an object, got ", row.type_name()));
        times.push_back(t);
        for (const auto &[name, v] : row.items()) {
            if (name == skip) continue;
            ColumnBuilder &c = column(name);
            if (c.size() == times.size()) bad(concat(key, ".", name), "repeated column");
            add_value(c, v, concat(key, ".", name));
        }
        end_row();
    }
};

Frame from_records(const Json &doc, const JsonReadOptions &o) {
    if (!doc.is_array()) bad("(document)", concat("orient 'records' expects an array, got ", doc.type_name()));
    Table table;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const Json &row = doc[i];
        const std::string key = concat("[", i, "]");
        if (!row.is_object()) bad(key, concat("expected an object, got ", row.type_name()));
        const auto it = row.find(o.time_column);
        if (it == row.end()) bad(key, concat("has no time column '", o.time_column, "'"));
        table.add_row(time_of(*it, o.unit, concat(key, ".", o.time_column)), row, key, o.time_column);
    }
    return detail::assemble_frame(table.times, table.names, table.columns);
}

Frame from_index(const Json &doc, const JsonReadOptions &o) {
    if (!doc.is_object()) bad("(document)", concat("orient 'index' expects an object, got ", doc.type_name()));
    Table table;
    for (const auto &[key, row] : doc.items()) table.add_row(time_of_text(key, o.unit, key), row, key);
    return detail::assemble_frame(table.times, table.names, table.columns);
}

Frame from_columns(const Json &doc, const JsonReadOptions &o) {
    if (!doc.is_object()) bad("(document)", concat("orient 'columns' expects an object, got ", doc.type_name()));
    // Rows are the union of every column's time keys, in first-seen order.
    std::map<std::string, std::size_t> row_of;
    std::vector<std::int64_t> times;
    for (const auto &[name, col] : doc.items()) {
        if (!col.is_object()) bad(name, concat("expected an object of time -> value, got ", col.type_name()));
        for (const auto &[key, v] : col.items()) {
            (void)v;
            if (row_of.emplace(key, times.size()).second) times.push_back(time_of_text(key, o.unit, concat(name, ".", key)));
        }
    }
    std::vector<std::string> names;
    std::vector<ColumnBuilder> columns;
    for (const auto &[name, col] : doc.items()) {
        std::vector<const Json *> cells(times.size(), nullptr);
        for (const auto &[key, v] : col.items()) cells[row_of[key]] = &v;
        ColumnBuilder c;
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (cells[i] == nullptr) c.add_missing();
            else add_value(c, *cells[i], name);
        }
        names.push_back(name);
        columns.push_back(std::move(c));
    }
    return detail::assemble_frame(times, names, columns);
}

Frame from_rows(const Json &data, const std::vector<std::string> &names, std::size_t time_pos,
                const Json *index, const JsonReadOptions &o, const std::string &where) {
    if (!data.is_array()) bad(where, concat("expected an array of rows, got ", data.type_name()));
    if (index && (!index->is_array() || index->size() != data.size()))
        bad("index", concat("expected an array of ", data.size(), " timestamps"));
    std::vector<std::int64_t> times;
    std::vector<ColumnBuilder> columns(names.size());
    const std::size_t width = names.size() + (index ? 0 : 1);
    for (std::size_t i = 0; i < data.size(); ++i) {
        const Json &row = data[i];
        const std::string key = concat(where, "[", i, "]");
        if (!row.is_array() || row.size() != width) bad(key, concat("expected an array of ", width, " values"));
        if (index) times.push_back(time_of((*index)[i], o.unit, concat("index[", i, "]")));
        std::size_t c = 0;
        for (std::size_t j = 0; j < width; ++j) {
            if (!index && j == time_pos) {
                times.push_back(time_of(row[j], o.unit, concat(key, "[", j, "]")));
                continue;
            }
            add_value(columns[c++], row[j], concat(key, "[", j, "]"));
        }
    }
    return detail::assemble_frame(times, names, columns);
}

Frame from_split(const Json &doc, const JsonReadOptions &o) {
    if (!doc.is_object()) bad("(document)", concat("orient 'split' expects an object, got ", doc.type_name()));
    const auto cols = doc.find("columns");
    const auto data = doc.find("data");
    if (cols == doc.end() || !cols->is_array()) bad("columns", "missing or not an array");
    if (data == doc.end()) bad("data", "missing");
    std::vector<std::string> names;
    for (const auto &c : *cols) names.push_back(c.is_string() ? c.get<std::string>() : c.dump());
    const auto index = doc.find("index");
    if (index != doc.end()) return from_rows(*data, names, 0, &*index, o, "data");
    const auto pos = std::find(names.begin(), names.end(), o.time_column);
    if (pos == names.end()) bad("columns", concat("no 'index' and no time column '", o.time_column, "'"));
    const auto time_pos = static_cast<std::size_t>(pos - names.begin());
    names.erase(pos);
    return from_rows(*data, names, time_pos, nullptr, o, "data");
}

Frame from_values(const Json &doc, const JsonReadOptions &o) {
    if (!doc.is_array()) bad("(document)", concat("orient 'values' expects an array, got ", doc.type_name()));
    const std::size_t width = doc.empty() || !doc[0].is_array() ? 1 : doc[0].size();
    if (width == 0) bad("[0]", "empty row");
    std::vector<std::string> names;
    for (std::size_t j = 1; j < width; ++j) names.push_back(std::to_string(j));
    return from_rows(doc, names, 0, nullptr, o, "");
}

std::size_t line_of(std::string_view text, std::size_t byte) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n';
    return line;
}

} // namespace

Frame parse_json(std::string_view text, const JsonReadOptions &options) {
    Json doc;
    try {
        doc = Json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error &e) {
        throw FormatError(concat("json: line ", line_of(text, e.byte > 0 ? e.byte - 1 : 0), ": malformed JSON (", e.what(), ")"));
    }
    switch (options.orient) {
    case JsonOrient::records: return from_records(doc, options);
    case JsonOrient::index: return from_index(doc, options);
    case JsonOrient::columns: return from_columns(doc, options);
    case JsonOrient::split: return from_split(doc, options);
    case JsonOrient::values: return from_values(doc, options);
    }
    throw InvalidArgument("orient: unknown");
}

Frame read_json(const std::string &path, const JsonReadOptions &options) {
    const std::string text = detail::read_text_file(path);
    try {
        return parse_json(text, options);
    } catch (const FormatError &e) {
        throw FormatError(concat(path, ": ", e.what()));
    }
}

namespace {

Json cell(const Column &c, std::size_t i) {
    return std::visit(
        [&](const auto &v) -> Json {
            using T = typename std::decay_t<decltype(v)>::value_type;
            const T x = v.data()[i];
            if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(x)) return nullptr;
                return x;
            } else {
                return x;
            }
        },
        c);
}

} // namespace

std::string to_json(const Frame &frame, const JsonWriteOptions &o) {
    const std::int64_t scale = unit_scale(o.unit);
    const int digits = o.unit == TimeUnit::s ? 0 : o.unit == TimeUnit::ms ? 3 : o.unit == TimeUnit::us ? 6 : 9;
    auto time_json = [&](std::int64_t t) -> Json {
        if (o.format == TimeFormat::iso) return format_iso_timestamp(t, 'T', digits);
        return floor_div(t, scale);
    };
    auto time_key = [&](std::int64_t t) { return o.format == TimeFormat::iso ? format_iso_timestamp(t, 'T', digits) : std::to_string(floor_div(t, scale)); };
    Json doc;
    const std::size_t n = frame.rows();
    switch (o.orient) {
    case JsonOrient::records:
        doc = Json::array();
        for (std::size_t i = 0; i < n; ++i) {
            Json row = Json::object();
            row[o.time_column] = time_json(frame.index()[i]);
            for (std::size_t j = 0; j < frame.cols(); ++j) row[frame.names()[j]] = cell(frame.column(j), i);
            doc.push_back(std::move(row));
        }
        break;
    case JsonOrient::index:
        doc = Json::object();
        for (std::size_t i = 0; i < n; ++i) {
            Json row = Json::object();
            for (std::size_t j = 0; j < frame.cols(); ++j) row[frame.names()[j]] = cell(frame.column(j), i);
            doc[time_key(frame.index()[i])] = std::move(row);
        }
        break;
    case JsonOrient::columns:
        doc = Json::object();
        for (std::size_t j = 0; j < frame.cols(); ++j) {
            Json col = Json::object();
            for (std::size_t i = 0; i < n; ++i) col[time_key(frame.index()[i])] = cell(frame.column(j), i);
            doc[frame.names()[j]] = std::move(col);
        }
        break;
    case JsonOrient::split: {
        doc = Json::object();
        doc["columns"] = frame.names();
        Json index = Json::array(), data = Json::array();
        for (std::size_t i = 0; i < n; ++i) {
            index.push_back(time_json(frame.index()[i]));
            Json row = Json::array();
            for (std::size_t j = 0; j < frame.cols(); ++j) row.push_back(cell(frame.column(j), i));
            data.push_back(std::move(row));
        }
        doc["index"] = std::move(index);
        doc["data"] = std::move(data);
        break;
    }
    case JsonOrient::values:
        doc = Json::array();
        for (std::size_t i = 0; i < n; ++i) {
            Json row = Json::array();
            row.push_back(time_json(frame.index()[i]));
            for (std::size_t j = 0; j < frame.cols(); ++j) row.push_back(cell(frame.column(j), i));
            doc.push_back(std::move(row));
        }
        break;
    }
    return doc.dump();
}

void write_json(const std::string &path, const Frame &frame, const JsonWriteOptions &options) {
    detail::write_text_file(path, to_json(frame, options));
}

} // namespace oddkit
