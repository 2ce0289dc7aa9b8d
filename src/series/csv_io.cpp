// CSV reader and writer for frames. The reader walks the text once: fields are split in
// place (quoted fields unescaped into a scratch string only when they hold quotes) and
// numbers parsed with std::from_chars, so no per-field allocation happens on plain data.

#include "oddkit/series/csv_io.hpp"

#include <charconv>
#include <cmath>
#include <deque>

#include "column_builder.hpp"
#include "oddkit/series/rule.hpp"

namespace oddkit {

namespace {

using detail::ColumnBuilder;
using detail::concat;

[[noreturn]] void bad_line(std::size_t line, const std::string &what) {
    throw FormatError(concat("csv: line ", line, ": ", what));
}

/// Splits one record starting at `pos` into fields; returns the position after its line end.
std::size_t split_record(std::string_view text, std::size_t pos, char delim, std::vector<std::string_view> &fields,
                         std::deque<std::string> &unquoted, std::size_t &line) {
    fields.clear();
    std::size_t used = 0;
    const std::size_t n = text.size();
    while (true) {
        if (pos < n && text[pos] == '"') {
            // quoted field: may hold delimiters, newlines and "" for a quote
            const std::size_t start_line = line;
            std::string value;
            ++pos;
            while (true) {
                if (pos >= n) bad_line(start_line, "unterminated quoted field");
                if (text[pos] == '"') {
                    if (pos + 1 < n && text[pos + 1] == '"') {
                        value.push_back('"');
                        pos += 2;
                        continue;
                    }
                    ++pos;
                    break;
                }
                line += text[pos] == '\n';
                value.push_back(text[pos++]);
            }
            if (used == unquoted.size()) unquoted.emplace_back();
            unquoted[used] = std::move(value);
            fields.push_back(unquoted[used++]);
            if (pos < n && text[pos] != delim && text[pos] != '\n' && text[pos] != '\r')
                bad_line(start_line, "text after a closing quote");
        } else {
            const std::size_t start = pos;
            while (pos < n && text[pos] != delim && text[pos] != '\n' && text[pos] != '\r') ++pos;
            fields.push_back(text.substr(start, pos - start));
        }
        if (pos < n && text[pos] == delim) {
            ++pos;
            continue;
        }
        if (pos < n && text[pos] == '\r') ++pos;
        if (pos < n && text[pos] == '\n') ++pos;
        return pos;
    }
}

bool is_missing(std::string_view f) {
    return f.empty() || f == "nan" || f == "NaN" || f == "NA" || f == "null" || f == "None" || f == "NULL" ||
           f == "<NA>" || f == "N/A" || f == "n/a" || f == "NaT";
}

void add_field(ColumnBuilder &c, std::string_view f, std::size_t line, const std::string &column) {
    if (is_missing(f)) {
        c.add_missing();
        return;
    }
    const char *b = f.data(), *e = f.data() + f.size();
    if (*b == '+') ++b;
    std::int64_t i;
    auto r = std::from_chars(b, e, i);
    if (r.ec == std::errc() && r.ptr == e) {
        c.add_int(i);
        return;
    }
    double d;
    auto rd = std::from_chars(b, e, d);
    if (rd.ec == std::errc() && rd.ptr == e) {
        c.add_double(d);
        return;
    }
    if (f == "inf" || f == "+inf" || f == "Infinity") {
        c.add_double(INFINITY);
        return;
    }
    if (f == "-inf" || f == "-Infinity") {
        c.add_double(-INFINITY);
        return;
    }
    if (f == "True" || f == "true") {
        c.add_bool(true);
        return;
    }
    if (f == "False" || f == "false") {
        c.add_bool(false);
        return;
    }
    bad_line(line, concat("column '", column, "': '", f, "' is not a number, a boolean or empty"));
}

std::int64_t time_field(std::string_view f, TimeUnit unit, std::size_t line) {
    std::int64_t t;
    if (parse_iso_timestamp(f, t)) return t;
    const std::int64_t scale = unit_scale(unit);
    auto r = std::from_chars(f.data(), f.data() + f.size(), t);
    if (r.ec == std::errc() && r.ptr == f.data() + f.size()) {
        if (t > INT64_MAX / scale || t < INT64_MIN / scale) bad_line(line, concat("timestamp ", f, " out of range"));
        return t * scale;
    }
    double d;
    auto rd = std::from_chars(f.data(), f.data() + f.size(), d);
    if (rd.ec == std::errc() && rd.ptr == f.data() + f.size() && std::isfinite(d) &&
        std::fabs(d * static_cast<double>(scale)) < 9.2e18)
        return std::llround(d * static_cast<double>(scale));
    bad_line(line, concat("'", f, "' is not a timestamp (expected ISO 8601 text or an epoch number)"));
}

} // namespace

Frame parse_csv(std::string_view text, const CsvReadOptions &o) {
    std::vector<std::string_view> fields;
    std::deque<std::string> unquoted; // stable addresses: fields view into it
    std::size_t line = 1;
    std::size_t pos = 0;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3; // UTF-8 byte order mark
    while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) line += text[pos++] == '\n';
    if (pos >= text.size()) throw FormatError("csv: line 1: empty file (expected a header line)");
    const std::size_t header_line = line;
    pos = split_record(text, pos, o.delimiter, fields, unquoted, line);
    std::vector<std::string> header(fields.begin(), fields.end());
    std::size_t time_pos = 0;
    if (!o.time_column.empty()) {
        const auto it = std::find(header.begin(), header.end(), o.time_column);
        if (it == header.end()) bad_line(header_line, concat("no time column '", o.time_column, "' in the header"));
        time_pos = static_cast<std::size_t>(it - header.begin());
    }
    std::vector<std::string> names;
    for (std::size_t j = 0; j < header.size(); ++j) {
        if (j == time_pos) continue;
        if (std::find(names.begin(), names.end(), header[j]) != names.end())
            bad_line(header_line, concat("repeated column name '", header[j], "'"));
        names.push_back(header[j]);
    }
    std::vector<ColumnBuilder> columns(names.size());
    std::vector<std::int64_t> times;
    ++line;
    while (pos < text.size()) {
        if (text[pos] == '\n' || text[pos] == '\r') { // blank line
            if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
            ++pos;
            ++line;
            continue;
        }
        const std::size_t this_line = line;
        pos = split_record(text, pos, o.delimiter, fields, unquoted, line);
        if (fields.size() != header.size())
            bad_line(this_line, concat("has ", fields.size(), " fields, the header has ", header.size()));
        times.push_back(time_field(fields[time_pos], o.unit, this_line));
        std::size_t c = 0;
        for (std::size_t j = 0; j < fields.size(); ++j) {
            if (j == time_pos) continue;
            add_field(columns[c], fields[j], this_line, names[c]);
            ++c;
        }
        ++line;
    }
    return detail::assemble_frame(times, names, columns);
}

Frame read_csv(const std::string &path, const CsvReadOptions &options) {
    const std::string text = detail::read_text_file(path);
    try {
        return parse_csv(text, options);
    } catch (const FormatError &e) {
        throw FormatError(concat(path, ": ", e.what()));
    }
}

namespace {

std::string quoted(const std::string &s, char delim) {
    if (s.find_first_of(std::string("\"\n\r") + delim) == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + '"';
}

void append_cell(std::string &out, const Column &c, std::size_t i) {
    std::visit(
        [&](const auto &v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            const T x = v.data()[i];
            char buf[32];
            if constexpr (std::is_same_v<T, double>) {
                if (x != x) return; // missing: empty field, as pandas writes NaN
                const auto r = std::to_chars(buf, buf + sizeof buf, x);
                out.append(buf, r.ptr);
            } else if constexpr (std::is_same_v<T, bool>) {
                out += x ? "True" : "False";
            } else {
                const auto r = std::to_chars(buf, buf + sizeof buf, x);
                out.append(buf, r.ptr);
            }
        },
        c);
}

} // namespace

std::string to_csv(const Frame &frame, const CsvWriteOptions &o) {
    std::string out = quoted(o.time_column, o.delimiter);
    for (const auto &n : frame.names()) {
        out += o.delimiter;
        out += quoted(n, o.delimiter);
    }
    out += '\n';
    const int digits = detail::iso_fraction_digits(frame);
    const std::int64_t scale = unit_scale(o.unit);
    for (std::size_t i = 0; i < frame.rows(); ++i) {
        const std::int64_t t = frame.index()[i];
        out += o.iso ? format_iso_timestamp(t, ' ', digits) : detail::epoch_text(t, scale);
        for (std::size_t j = 0; j < frame.cols(); ++j) {
            out += o.delimiter;
            append_cell(out, frame.column(j), i);
        }
        out += '\n';
    }
    return out;
}

void write_csv(const std::string &path, const Frame &frame, const CsvWriteOptions &options) {
    detail::write_text_file(path, to_csv(frame, options));
}

} // namespace oddkit
