// branchless_select picks one operand's exact bits, whatever they are.

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <limits>

#include "oddkit/core/branchless_select.hpp"

using oddkit::branchless_select;

TEST_CASE("branchless_select returns the chosen operand bit for bit") {
    const double payload_nan = std::bit_cast<double>(std::uint64_t{0x7ff8000000000123});
    const double cases[][2] = {{1.5, -2.25},
                               {-0.0, 0.0},
                               {0.0, -0.0},
                               {payload_nan, 3.0},
                               {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()},
                               {std::numeric_limits<double>::denorm_min(), -1e308}};
    for (const auto &c : cases) {
        const double fresh = c[0], kept = c[1];
        CHECK(std::bit_cast<std::uint64_t>(branchless_select(true, fresh, kept)) == std::bit_cast<std::uint64_t>(fresh));
        CHECK(std::bit_cast<std::uint64_t>(branchless_select(false, fresh, kept)) == std::bit_cast<std::uint64_t>(kept));
    }
}
