// aggregate_sums_into (sums and means of several columns in one pass over the rows) against
// the one-column kernel, with NaN, infinity and five columns (a group of four and one more),
// for 1 and 2 threads; and resample() on a Frame giving the same columns either way.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/series/resample.hpp"

using namespace oddkit;

TEST_CASE("aggregate_sums_into: several columns in one pass equal the one-column kernel") {
    Random rng(5);
    const std::size_t n = 50'000;
    std::vector<std::int64_t> t(n);
    std::int64_t now = 0;
    for (auto &v : t) v = (now += static_cast<std::int64_t>(rng.below(3'000'000'000ULL)));
    std::vector<std::vector<double>> cols(5, std::vector<double>(n));
    for (auto &c : cols)
        for (auto &v : c) v = rng.uniform(-1e3, 1e3);
    for (std::size_t i = 0; i < n; i += 7) cols[1][i] = std::numeric_limits<double>::quiet_NaN();
    cols[2][100] = std::numeric_limits<double>::infinity();
    cols[3][200] = std::numeric_limits<double>::infinity();
    cols[3][201] = -std::numeric_limits<double>::infinity();
    const Bins bins = make_bins(t, {.rule = "1min"});
    const std::vector<AggKind> kinds{AggKind::mean, AggKind::sum, AggKind::mean, AggKind::sum, AggKind::mean};
    for (int n_jobs : {1, 2}) {
        std::vector<std::vector<double>> got(5, std::vector<double>(bins.size()));
        std::vector<const double *> src;
        std::vector<double *> dst;
        for (std::size_t c = 0; c < 5; ++c) {
            src.push_back(cols[c].data());
            dst.push_back(got[c].data());
        }
        aggregate_sums_into(src, kinds, bins, dst, n_jobs);
        for (std::size_t c = 0; c < 5; ++c) {
            std::vector<double> one(bins.size());
            aggregate_into(cols[c].data(), bins, {kinds[c]}, one.data());
            bool same = true;
            for (std::size_t b = 0; b < bins.size(); ++b) {
                const double a = got[c][b], e = one[b];
                same &= (std::isnan(a) && std::isnan(e)) || a == e || std::abs(a - e) <= 1e-12 * std::abs(e);
            }
            CAPTURE(c);
            CAPTURE(n_jobs);
            CHECK(same);
        }
    }
    // the bin with +inf and -inf (rows 200, 201) is NaN; the one with +inf alone (row 100) is inf
    std::vector<double> s2(bins.size()), s3(bins.size());
    const double *src[] = {cols[2].data(), cols[3].data()};
    double *dst[] = {s2.data(), s3.data()};
    const AggKind sums[] = {AggKind::sum, AggKind::sum};
    aggregate_sums_into(src, sums, bins, dst);
    std::size_t b100 = 0, b200 = 0;
    while (bins.offsets[b100 + 1] <= 100) ++b100;
    while (bins.offsets[b200 + 1] <= 200) ++b200;
    CHECK(s2[b100] == std::numeric_limits<double>::infinity());
    CHECK(std::isnan(s3[b200]));
    const AggKind bad[] = {AggKind::median, AggKind::sum};
    CHECK_THROWS_AS(aggregate_sums_into(src, bad, bins, dst), InvalidArgument);
}

TEST_CASE("resample: a Frame's fused sums and means equal per-column aggregation, names kept") {
    Frame f{TimeIndex(IndexVector{0, 10, 20, 65, 70, 130})};
    f.add("a", FloatColumn{1, 2, 3, 4, 5, 6});
    f.add("b", FloatColumn{10, std::nan(""), 30, 40, 50, 60});
    f.add("n", IntColumn{1, 2, 3, 4, 5, 6});
    const Frame out = resample(f, {.rule = "60ns", .origin = Origin::parse("epoch")},
                               {{"a", Aggregation::parse("mean"), ""},
                                {"a", Aggregation::parse("sum"), ""},
                                {"b", Aggregation::parse("mean"), ""},
                                {"n", Aggregation::parse("sum"), ""}});
    CHECK(out.names() == std::vector<std::string>{"a_mean", "a_sum", "b", "n"});
    // bins [0,60) {1,2,3 | 10,NaN,30}, [60,120) {4,5 | 40,50}, [120,180) {6 | 60}
    const auto &am = std::get<FloatColumn>(out.column("a_mean"));
    const auto &as = std::get<FloatColumn>(out.column("a_sum"));
    const auto &bm = std::get<FloatColumn>(out.column("b"));
    CHECK(am(0) == 2);
    CHECK(am(1) == 4.5);
    CHECK(am(2) == 6);
    CHECK(as(0) == 6);
    CHECK(as(1) == 9);
    CHECK(bm(0) == 20);
    CHECK(bm(1) == 45);
    CHECK(std::get<IntColumn>(out.column("n"))(1) == 9);
}
