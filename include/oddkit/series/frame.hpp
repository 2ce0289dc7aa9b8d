#pragma once
/// Series and Frame: a TimeIndex with one column, or with named columns sharing it. Storage is
/// columnar (one contiguous buffer per column), so a NumPy/pandas column maps onto one buffer.

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/series/column.hpp"
#include "oddkit/series/ewm.hpp"
#include "oddkit/series/time_index.hpp"
#include "oddkit/series/window_bounds.hpp"

namespace oddkit {

template <class Owner> class RollingOf; // frame_windows.hpp
template <class Owner> class EwmOf;

class Series {
  public:
    Series() = default;
    Series(TimeIndex index, Column values, std::string name = "")
        : index_(std::move(index)), values_(std::move(values)), name_(std::move(name)) {
        require(column_size(values_) == index_.size(), "values", "has ", column_size(values_),
                " rows but the index has ", index_.size());
    }
    const TimeIndex &index() const noexcept { return index_; }
    const Column &values() const noexcept { return values_; }
    const std::string &name() const noexcept { return name_; }
    std::size_t size() const noexcept { return index_.size(); }
    ColumnType type() const { return column_type(values_); }

    /// pandas' rolling / ewm / shift / diff / pct_change (frame_windows.hpp): float64 results
    /// on the same index. A window string is a duration ("1h") or a row count ("12").
    RollingOf<Series> rolling(RollingWindow window, RollingOptions options = {}) const;
    RollingOf<Series> rolling(std::string_view window, RollingOptions options = {}) const;
    EwmOf<Series> ewm(EwmOptions options) const;
    Series shift(std::int64_t periods = 1) const;
    Series diff(std::int64_t periods = 1) const;
    Series pct_change(std::int64_t periods = 1) const;

  private:
    TimeIndex index_;
    Column values_ = FloatColumn::from_shape({0});
    std::string name_;
};

class Frame {
  public:
    Frame() = default;
    explicit Frame(TimeIndex index) : index_(std::move(index)) {}

    /// Appends a column; InvalidArgument if its length differs from the index or the name is taken.
    Frame &add(std::string name, Column values) {
        require(column_size(values) == index_.size(), "values",
                detail::concat("column '", name, "' has ", column_size(values), " rows but the index has ",
                               index_.size()));
        require(!has(name), "name", "column '", name, "' already exists");
        names_.push_back(std::move(name));
        columns_.push_back(std::move(values));
        return *this;
    }

    std::size_t rows() const noexcept { return index_.size(); }
    std::size_t cols() const noexcept { return columns_.size(); }
    bool empty() const noexcept { return rows() == 0 || cols() == 0; }
    const TimeIndex &index() const noexcept { return index_; }
    const std::vector<std::string> &names() const noexcept { return names_; }

    bool has(const std::string &name) const {
        return std::find(names_.begin(), names_.end(), name) != names_.end();
    }
    std::size_t position(const std::string &name) const {
        const auto it = std::find(names_.begin(), names_.end(), name);
        require(it != names_.end(), "column", "no column named '", name, "'");
        return static_cast<std::size_t>(it - names_.begin());
    }
    const Column &column(std::size_t i) const { return columns_.at(i); }
    const Column &column(const std::string &name) const { return columns_[position(name)]; }
    Column &column(const std::string &name) { return columns_[position(name)]; }

    /// A float64 column by name; InvalidArgument naming the column if it has another type.
    const FloatColumn &floats(const std::string &name) const {
        const Column &c = column(name);
        require(std::holds_alternative<FloatColumn>(c), "column",
                detail::concat("'", name, "' is ", column_type_name(column_type(c)), ", expected float64"));
        return std::get<FloatColumn>(c);
    }
    /// An int64 column by name; InvalidArgument naming the column if it has another type.
    const IntColumn &ints(const std::string &name) const {
        const Column &c = column(name);
        require(std::holds_alternative<IntColumn>(c), "column",
                detail::concat("'", name, "' is ", column_type_name(column_type(c)), ", expected int64"));
        return std::get<IntColumn>(c);
    }

    Series operator[](const std::string &name) const { return Series(index_, column(name), name); }

    /// pandas' rolling / ewm / shift / diff / pct_change (frame_windows.hpp): float64 results
    /// on the same index. A window string is a duration ("1h") or a row count ("12").
    RollingOf<Frame> rolling(RollingWindow window, RollingOptions options = {}) const;
    RollingOf<Frame> rolling(std::string_view window, RollingOptions options = {}) const;
    EwmOf<Frame> ewm(EwmOptions options) const;
    Frame shift(std::int64_t periods = 1) const;
    Frame diff(std::int64_t periods = 1) const;
    Frame pct_change(std::int64_t periods = 1) const;

    /// The rows `rows` (each < rows()) on a new index `index` (same length as rows).
    Frame take(TimeIndex index, std::span<const std::int64_t> rows) const {
        Frame out(std::move(index));
        for (std::size_t j = 0; j < cols(); ++j) {
            out.add(names_[j], take_rows(columns_[j], rows));
        }
        return out;
    }

  private:
    TimeIndex index_;
    std::vector<std::string> names_;
    std::vector<Column> columns_;
};

} // namespace oddkit

#include "oddkit/series/frame_windows.hpp" // defines the window members declared above
