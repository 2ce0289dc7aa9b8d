#pragma once
// Small helpers several C++ test files share (one definition, so the files can also be
// compiled together as unity batches).

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/random.hpp"

namespace oddkit::test {

inline const double nan_ = std::nan("");
inline constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_v = std::numeric_limits<double>::infinity();
inline constexpr std::int64_t sec = 1'000'000'000;
inline constexpr std::int64_t s_ns = sec;
inline constexpr std::int64_t minute = 60 * sec;

/// Equal bit for bit (NaN equals NaN).
inline bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

/// n x d standard-normal rows from oddkit's own generator.
inline Matrix normal_rows(std::size_t n, std::size_t d, std::uint64_t seed) {
    Random rng(seed);
    Matrix X = xt::empty<double>({n, d});
    for (auto &v : X) {
        v = rng.normal();
    }
    return X;
}

} // namespace oddkit::test
