#pragma once
/// Column: one contiguous typed buffer of a Frame. A std::variant so new element types can be
/// added later without touching the algorithms that only need doubles (they call to_float).
/// Float columns use NaN for missing; int64 and bool columns have no missing value, so an
/// operation that introduces gaps (joins, reindexing) turns them into float64.

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "oddkit/core/error.hpp"

namespace oddkit {

using FloatColumn = xt::xtensor<double, 1>;
using IntColumn = xt::xtensor<std::int64_t, 1>;
using BoolColumn = xt::xtensor<bool, 1>;
using Column = std::variant<FloatColumn, IntColumn, BoolColumn>;

enum class ColumnType { float64, int64, boolean };

inline ColumnType column_type(const Column &c) { return static_cast<ColumnType>(c.index()); }

inline const char *column_type_name(ColumnType t) {
    switch (t) {
    case ColumnType::float64:
        return "float64";
    case ColumnType::int64:
        return "int64";
    case ColumnType::boolean:
        return "bool";
    }
    return "?";
}

inline std::size_t column_size(const Column &c) {
    return std::visit([](const auto &v) { return v.size(); }, c);
}

/// The column as doubles (a copy; int64 beyond 2^53 loses precision, as in pandas).
inline FloatColumn to_float(const Column &c) {
    return std::visit(
        [](const auto &v) {
            FloatColumn out = FloatColumn::from_shape({v.size()});
            for (std::size_t i = 0; i < v.size(); ++i) {
                out.data()[i] = static_cast<double>(v.data()[i]);
            }
            return out;
        },
        c);
}

/// The column's values as doubles: its own buffer when it is float64, else `scratch` filled by
/// to_float (which must outlive the pointer).
inline const double *float_data(const Column &c, FloatColumn &scratch) {
    if (const auto *f = std::get_if<FloatColumn>(&c)) {
        return f->data();
    }
    scratch = to_float(c);
    return scratch.data();
}

/// Rows `rows` of a column, in that order; -1 picks a missing value. Int64 and bool columns
/// become float64 when any row is missing (there is no NaN for them).
inline Column take_rows(const Column &c, std::span<const std::int64_t> rows) {
    bool any_missing = false;
    for (auto r : rows) {
        any_missing |= r < 0;
    }
    if (any_missing || std::holds_alternative<FloatColumn>(c)) {
        return std::visit(
            [&](const auto &v) -> Column {
                FloatColumn out = FloatColumn::from_shape({rows.size()});
                const auto *src = v.data();
                double *dst = out.data();
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    dst[i] = rows[i] < 0 ? std::nan("") : static_cast<double>(src[rows[i]]);
                }
                return out;
            },
            c);
    }
    return std::visit(
        [&](const auto &v) -> Column {
            using T = typename std::decay_t<decltype(v)>::value_type;
            xt::xtensor<T, 1> out = xt::xtensor<T, 1>::from_shape({rows.size()});
            for (std::size_t i = 0; i < rows.size(); ++i) {
                out.data()[i] = v.data()[rows[i]];
            }
            return out;
        },
        c);
}

/// Rows [begin, end) of a column.
inline Column slice_rows(const Column &c, std::size_t begin, std::size_t end) {
    return std::visit(
        [&](const auto &v) -> Column {
            using T = typename std::decay_t<decltype(v)>::value_type;
            xt::xtensor<T, 1> out = xt::xtensor<T, 1>::from_shape({end - begin});
            std::copy(v.data() + begin, v.data() + end, out.data());
            return out;
        },
        c);
}

} // namespace oddkit
