#pragma once
/// Row-offset transforms of one column, as pandas' shift, diff and pct_change: `periods` rows
/// back (positive) or forward (negative); rows with no partner are NaN.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

namespace detail {
/// Calls f(i, j) for every output row i whose partner row j = i - periods exists; writes
/// `missing` elsewhere.
template <class F> void for_each_partner(std::size_t n, std::int64_t periods, OutputView out, F f) {
    const auto sn = static_cast<std::int64_t>(n);
    for (std::int64_t i = 0; i < sn; ++i) {
        const std::int64_t j = i - periods;
        out[static_cast<std::size_t>(i)] =
            (j >= 0 && j < sn) ? f(static_cast<std::size_t>(i), static_cast<std::size_t>(j)) : std::numeric_limits<double>::quiet_NaN();
    }
}
} // namespace detail

/// out[i] = x[i - periods].
inline void shift(const VectorView &x, OutputView out, std::int64_t periods = 1) {
    check_output_size(out, x.size);
    require(out.data != x.data || periods == 0 || x.size == 0, "out", "must not alias the input");
    detail::for_each_partner(x.size, periods, out, [&](std::size_t, std::size_t j) { return x[j]; });
}

/// out[i] = x[i] - x[i - periods].
inline void diff(const VectorView &x, OutputView out, std::int64_t periods = 1) {
    check_output_size(out, x.size);
    require(out.data != x.data || periods == 0 || x.size == 0, "out", "must not alias the input");
    detail::for_each_partner(x.size, periods, out, [&](std::size_t i, std::size_t j) { return x[i] - x[j]; });
}

/// out[i] = x[i] / x[i - periods] - 1, with no filling of missing values (pandas'
/// fill_method=None, the default from pandas 3).
inline void pct_change(const VectorView &x, OutputView out, std::int64_t periods = 1) {
    check_output_size(out, x.size);
    require(out.data != x.data || periods == 0 || x.size == 0, "out", "must not alias the input");
    detail::for_each_partner(x.size, periods, out, [&](std::size_t i, std::size_t j) { return x[i] / x[j] - 1.0; });
}

inline Vector shift(const VectorView &x, std::int64_t periods = 1) {
    Vector out = xt::empty<double>({x.size});
    shift(x, OutputView(out), periods);
    return out;
}
inline Vector diff(const VectorView &x, std::int64_t periods = 1) {
    Vector out = xt::empty<double>({x.size});
    diff(x, OutputView(out), periods);
    return out;
}
inline Vector pct_change(const VectorView &x, std::int64_t periods = 1) {
    Vector out = xt::empty<double>({x.size});
    pct_change(x, OutputView(out), periods);
    return out;
}

} // namespace oddkit
