#pragma once
/// Input checks shared by every estimator. Each throws InvalidArgument naming the argument.

#include <cmath>
#include <cstddef>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

/// X must have at least one row and one column.
inline void check_not_empty(const MatrixView &X, const char *name = "X") {
    require(X.rows() > 0, name, "empty input: 0 samples (expected at least 1 row)");
    require(X.cols() > 0, name, "empty input: 0 features (expected at least 1 column)");
}

/// Every value of X must be finite (no NaN, no infinity). Names the first bad cell.
inline void check_finite(const MatrixView &X, const char *name = "X") {
    for (std::size_t i = 0; i < X.rows(); ++i) {
        const double *r = X.row(i);
        double acc = 0.0;
        for (std::size_t j = 0; j < X.cols(); ++j) {
            acc += r[j] * 0.0; // NaN or inf anywhere in the row makes acc NaN
        }
        if (acc != acc) {
            for (std::size_t j = 0; j < X.cols(); ++j) {
                require(std::isfinite(r[j]), name, "contains ", std::isnan(r[j]) ? "NaN" : "infinity",
                        " at row ", i, ", column ", j, " (expected finite values)");
            }
        }
    }
}

/// X must have exactly `expected` columns (the count seen at fit time).
inline void check_n_features(const MatrixView &X, std::size_t expected, const char *estimator,
                             const char *name = "X") {
    // Worded as scikit-learn words it (tools match on it); it still names the argument first.
    if (X.cols() != expected) {
        throw InvalidArgument(detail::concat(name, " has ", X.cols(), " features, but ", estimator,
                                             " is expecting ", expected, " features as input"));
    }
}

/// An output buffer must hold exactly n values.
inline void check_output_size(const OutputView &out, std::size_t n, const char *name = "out") {
    require(out.size == n, name, "has room for ", out.size, " values, expected ", n);
}

} // namespace oddkit
