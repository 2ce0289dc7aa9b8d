#pragma once
// Private to the readers: collects one column's values while parsing, then settles its type
// (bool if every value was a boolean, int64 if every value was an integer, else float64).

#include <cmath>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/series/frame.hpp"

namespace oddkit::detail {

class ColumnBuilder {
  public:
    void add_missing() { push(std::nan(""), 0, false, false); }
    void add_double(double v) { push(v, 0, false, false); }
    void add_int(std::int64_t v) { push(static_cast<double>(v), v, true, false); }
    void add_bool(bool v) { push(v ? 1.0 : 0.0, v ? 1 : 0, false, true); }
    std::size_t size() const { return doubles_.size(); }

    /// The column's rows in the order `order` (a permutation of the rows added).
    Column finish(const std::vector<std::size_t> &order) const {
        const std::size_t n = order.size();
        if (all_bool_ && n > 0) {
            BoolColumn c = BoolColumn::from_shape({n});
            for (std::size_t i = 0; i < n; ++i) c.data()[i] = ints_[order[i]] != 0;
            return c;
        }
        if (all_int_ && n > 0) {
            IntColumn c = IntColumn::from_shape({n});
            for (std::size_t i = 0; i < n; ++i) c.data()[i] = ints_[order[i]];
            return c;
        }
        FloatColumn c = FloatColumn::from_shape({n});
        for (std::size_t i = 0; i < n; ++i) c.data()[i] = doubles_[order[i]];
        return c;
    }

  private:
    void push(double d, std::int64_t i, bool is_int, bool is_bool) {
        doubles_.push_back(d);
        all_int_ = all_int_ && is_int;
        all_bool_ = all_bool_ && is_bool;
        if (all_int_ || all_bool_) ints_.push_back(i);
    }
    std::vector<double> doubles_;
    std::vector<std::int64_t> ints_;
    bool all_int_ = true;
    bool all_bool_ = true;
};

/// Row order that sorts `times` stably.
inline std::vector<std::size_t> sorting_order(const std::vector<std::int64_t> &times) {
    std::vector<std::size_t> order(times.size());
    std::iota(order.begin(), order.end(), 0);
    bool sorted = true;
    for (std::size_t i = 1; i < times.size() && sorted; ++i) sorted = times[i - 1] <= times[i];
    if (!sorted) {
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
    }
    return order;
}

inline Frame assemble_frame(const std::vector<std::int64_t> &times, const std::vector<std::string> &names,
                            const std::vector<ColumnBuilder> &columns) {
    const auto order = sorting_order(times);
    IndexVector index = IndexVector::from_shape({times.size()});
    for (std::size_t i = 0; i < times.size(); ++i) index.data()[i] = times[order[i]];
    Frame frame{TimeIndex(std::move(index))};
    for (std::size_t j = 0; j < names.size(); ++j) frame.add(names[j], columns[j].finish(order));
    return frame;
}

inline std::string read_text_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(concat(path, ": cannot open the file"));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// Writes to a temporary file and renames it, so a failure never leaves half a file.
inline void write_text_file(const std::string &path, const std::string &text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw FormatError(concat(path, ": cannot write the file"));
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw FormatError(concat(path, ": write failed"));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw FormatError(concat(path, ": cannot rename the file into place"));
}

/// Epoch numbers are written in the unit; doubles that are whole are written without ".0".
inline std::string epoch_text(std::int64_t t, std::int64_t scale) {
    if (t % scale == 0) return std::to_string(t / scale);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(t) / static_cast<double>(scale));
    return buf;
}

inline int iso_fraction_digits(const Frame &frame) {
    int digits = 0;
    for (std::size_t i = 0; i < frame.rows(); ++i) {
        std::int64_t ns = frame.index()[i] % 1'000'000'000;
        if (ns < 0) ns += 1'000'000'000;
        if (ns % 1'000 != 0) return 9;
        if (ns % 1'000'000 != 0) digits = 6;
        else if (ns != 0 && digits < 3) digits = 3;
    }
    return digits;
}

} // namespace oddkit::detail
