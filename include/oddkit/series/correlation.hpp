#pragma once
/// Correlation matrices of the columns of X (n rows x d columns), as pandas'
/// DataFrame.corr: each pair of columns uses the rows where both are present ("pairwise
/// complete"); a pair with fewer than min_periods such rows, or with a constant column among
/// them, gets NaN. Spearman ranks each pair's complete rows (ties get their average rank) and
/// correlates the ranks.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

enum class CorrelationMethod { pearson, spearman };

inline CorrelationMethod parse_correlation_method(std::string_view text) {
    if (text == "pearson") return CorrelationMethod::pearson;
    if (text == "spearman") return CorrelationMethod::spearman;
    throw InvalidArgument(detail::concat("method: expected 'pearson' or 'spearman', got '", std::string(text), "'"));
}

namespace detail {

/// Pearson correlation of two equal-length samples, two-pass; NaN if either is constant.
inline double pearson(const std::vector<double> &a, const std::vector<double> &b) {
    const double n = static_cast<double>(a.size());
    double ma = 0.0, mb = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= n;
    mb /= n;
    double saa = 0.0, sbb = 0.0, sab = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double da = a[i] - ma, db = b[i] - mb;
        saa += da * da;
        sbb += db * db;
        sab += da * db;
    }
    const double divisor = std::sqrt(saa * sbb);
    return divisor != 0.0 ? sab / divisor : std::numeric_limits<double>::quiet_NaN();
}

/// Ranks 1..n with ties sharing their average rank, in place.
inline void average_ranks(std::vector<double> &v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> rank(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
        const double r = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
        i = j + 1;
    }
    v.swap(rank);
}

} // namespace detail

/// The d x d correlation matrix of X's columns.
inline Matrix correlation_matrix(const MatrixView &X, CorrelationMethod method = CorrelationMethod::pearson,
                                 std::int64_t min_periods = 1) {
    require(min_periods >= 0, "min_periods", "must be >= 0, got ", min_periods);
    const std::size_t n = X.rows(), d = X.cols();
    Matrix out = xt::empty<double>({d, d});
    const auto needed = static_cast<std::size_t>(std::max<std::int64_t>(min_periods, 1));
    std::vector<double> a, b;
    a.reserve(n);
    b.reserve(n);
    for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            a.clear();
            b.clear();
            for (std::size_t r = 0; r < n; ++r) {
                const double u = X(r, i), v = X(r, j);
                if (!std::isnan(u) && !std::isnan(v)) {
                    a.push_back(u);
                    b.push_back(v);
                }
            }
            double c = std::numeric_limits<double>::quiet_NaN();
            if (a.size() >= needed) {
                if (method == CorrelationMethod::spearman) {
                    detail::average_ranks(a);
                    detail::average_ranks(b);
                }
                c = detail::pearson(a, b);
            }
            out(i, j) = out(j, i) = c;
        }
    }
    return out;
}

} // namespace oddkit
