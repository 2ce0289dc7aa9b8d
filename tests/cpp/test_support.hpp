#pragma once
// Small helpers several C++ test files share (one definition, so the files can also be
// compiled together as unity batches).

#include <cmath>
#include <cstdint>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/random.hpp"

namespace oddkit::test {

inline const double nan_ = std::nan("");
inline constexpr std::int64_t sec = 1'000'000'000;

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
