// Resample sum and mean with infinite values, computed by hand: a bin holding +inf (or -inf)
// sums to +inf (-inf), a bin with both to NaN, as pandas' compensated groupby sums give.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "oddkit/series/resample.hpp"

using namespace oddkit;

TEST_CASE("resample: sum and mean of bins holding infinity") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    // bins of 10 ns: [0,10) {1, +inf, 2, 3, 4, 5} (more than 4 values: the interleaved chains
    // and the tail), [10,20) {-inf, 7}, [20,30) {+inf, -inf, 1}, [30,40) {8, NaN, 1e308, 1e308}
    const std::vector<std::int64_t> t{0, 1, 2, 3, 4, 5, 10, 11, 20, 21, 22, 30, 31, 32, 33};
    const std::vector<double> x{1, inf, 2, 3, 4, 5, -inf, 7, inf, -inf, 1, 8, nan, 1e308, 1e308};
    const Bins bins = make_bins(t, {.rule = "10ns", .origin = Origin::parse("epoch")});
    REQUIRE(bins.size() == 4);
    std::vector<double> sum(4), mean(4);
    aggregate_into(x.data(), bins, Aggregation::parse("sum"), sum.data());
    aggregate_into(x.data(), bins, Aggregation::parse("mean"), mean.data());
    CHECK(sum[0] == inf);
    CHECK(mean[0] == inf);
    CHECK(sum[1] == -inf);
    CHECK(mean[1] == -inf);
    CHECK(std::isnan(sum[2]));
    CHECK(std::isnan(mean[2]));
    // finite values that overflow: 8 + 1e308 + 1e308 = +inf, mean inf / 3 = inf
    CHECK(sum[3] == inf);
    CHECK(mean[3] == inf);
    // a finite bin is untouched by the reset: 1 + 2 + 3 + 4 + 5 with no infinity
    const std::vector<double> y{1, 7, 2, 3, 4, 5, 1, 1, 0, 0, 0, 0, nan, 0, 0};
    aggregate_into(y.data(), bins, Aggregation::parse("sum"), sum.data());
    CHECK(sum[0] == 22);
    CHECK(sum[1] == 2);
}
