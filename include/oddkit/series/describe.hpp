#pragma once
/// Summary statistics of a column, as pandas' Series.describe() plus a count of exact zeros
/// (a dead sensor's favourite value). Missing values are skipped; std uses ddof = 1 and the
/// quartiles interpolate linearly (numpy's default), as pandas does.

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/statistics.hpp"

namespace oddkit {

struct Description {
    double count = 0, mean = 0, std = 0, min = 0, q25 = 0, q50 = 0, q75 = 0, max = 0, zeros = 0;

    /// Field names in output order (pandas' index, then "zeros").
    static std::vector<std::string> names() { return {"count", "mean", "std", "min", "25%", "50%", "75%", "max", "zeros"}; }
    std::vector<double> values() const { return {count, mean, std, min, q25, q50, q75, max, zeros}; }
};

/// Describes `n` values read with a stride (a column of a row-major matrix).
inline Description describe(const double *data, std::size_t n, std::size_t stride = 1) {
    require(data != nullptr || n == 0, "values", "null data pointer");
    std::vector<double> present;
    present.reserve(n);
    Description d;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = data[i * stride];
        if (!std::isnan(v)) {
            present.push_back(v);
            d.zeros += v == 0.0;
        }
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    d.count = static_cast<double>(present.size());
    if (present.empty()) {
        d.mean = d.std = d.min = d.q25 = d.q50 = d.q75 = d.max = nan;
        return d;
    }
    double sum = 0.0;
    d.min = d.max = present[0];
    for (double v : present) {
        sum += v;
        d.min = std::min(d.min, v);
        d.max = std::max(d.max, v);
    }
    d.mean = sum / d.count;
    double squares = 0.0;
    for (double v : present) {
        squares += (v - d.mean) * (v - d.mean);
    }
    d.std = present.size() > 1 ? std::sqrt(squares / (d.count - 1.0)) : nan;
    d.q25 = percentile(present, 25.0);
    d.q50 = percentile(present, 50.0);
    d.q75 = percentile(present, 75.0);
    return d;
}

inline Description describe(const VectorView &x) { return describe(x.data, x.size); }

/// One Description per column of X.
inline std::vector<Description> describe(const MatrixView &X) {
    std::vector<Description> out;
    out.reserve(X.cols());
    for (std::size_t j = 0; j < X.cols(); ++j) {
        out.push_back(describe(X.rows() ? X.data() + j : nullptr, X.rows(), X.row_stride()));
    }
    return out;
}

} // namespace oddkit
