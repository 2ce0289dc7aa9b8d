// Rolling windows, ewm and shift/diff/pct_change against hand-computed values (pandas'
// outputs on the same inputs, worked out by hand).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "oddkit/series/ewm.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/transform.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {

void check_equal(const Vector &got, const std::vector<double> &want, double tol = 1e-12) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("row " << i << " got " << got(i) << " want " << want[i]);
        if (std::isnan(want[i])) {
            CHECK(std::isnan(got(i)));
        } else {
            CHECK(got(i) == doctest::Approx(want[i]).epsilon(tol));
        }
    }
}
} // namespace

TEST_CASE("parse_duration: units, compounds and bad strings") {
    CHECK(parse_duration("1h") == 3'600'000'000'000);
    CHECK(parse_duration("15min") == 900 * sec);
    CHECK(parse_duration("1h30min") == 5400 * sec);
    CHECK(parse_duration("1.5s") == 1'500'000'000);
    CHECK(parse_duration("250ms") == 250'000'000);
    CHECK(parse_duration("D") == 86400 * sec);
    CHECK_THROWS_AS(parse_duration("5 parsecs"), InvalidArgument);
    CHECK_THROWS_AS(parse_duration("10"), InvalidArgument);
    CHECK_THROWS_AS(parse_duration("3fortnights"), InvalidArgument);
    CHECK_THROWS_AS(parse_duration(""), InvalidArgument);
    CHECK_THROWS_AS(parse_duration("0s"), InvalidArgument);
    CHECK_THROWS_WITH_AS(parse_duration("2parsec", "freq"), doctest::Contains("freq"), InvalidArgument);
    CHECK(RollingWindow::parse("24").kind == RollingWindow::Kind::rows);
    CHECK(RollingWindow::parse("24").size == 24);
    CHECK(RollingWindow::parse("1h").is_time());
}

TEST_CASE("rolling by count: pandas' values for window 3") {
    const std::vector<double> x{1, 2, nan_, 4, 5, 6};
    const VectorView v(x.data(), x.size());
    Rolling r(nullptr, v, RollingWindow::rows(3));
    check_equal(r.sum(), {nan_, nan_, nan_, nan_, nan_, 15});
    Rolling r1(nullptr, v, RollingWindow::rows(3), {.min_periods = 1});
    check_equal(r1.sum(), {1, 3, 3, 6, 9, 15});
    check_equal(r1.mean(), {1, 1.5, 1.5, 3, 4.5, 5});
    check_equal(r1.var(), {nan_, 0.5, 0.5, 2, 0.5, 1});
    check_equal(r1.std(), {nan_, std::sqrt(0.5), std::sqrt(0.5), std::sqrt(2.0), std::sqrt(0.5), 1});
    check_equal(r1.min(), {1, 1, 1, 2, 4, 4});
    check_equal(r1.max(), {1, 2, 2, 4, 5, 6});
    check_equal(r1.median(), {1, 1.5, 1.5, 3, 4.5, 5});
    check_equal(r1.count(), {1, 2, 2, 2, 2, 3});
    check_equal(r1.quantile(0.25), {1, 1.25, 1.25, 2.5, 4.25, 4.5});
    check_equal(r1.quantile(0.25, QuantileInterpolation::nearest), {1, 1, 1, 2, 4, 4});
    // count's min_periods compares with rows in the window
    check_equal(r.count(), {nan_, nan_, 2, 2, 2, 3});
}

TEST_CASE("rolling by count: center and closed") {
    const std::vector<double> x{1, 2, 3, 4, 5};
    const VectorView v(x.data(), x.size());
    check_equal(Rolling(nullptr, v, RollingWindow::rows(3), {.center = true}).sum(), {nan_, 6, 9, 12, nan_});
    check_equal(Rolling(nullptr, v, RollingWindow::rows(2), {.min_periods = 1, .closed = Closed::both}).sum(),
                {1, 3, 6, 9, 12});
    check_equal(Rolling(nullptr, v, RollingWindow::rows(2), {.min_periods = 1, .closed = Closed::left}).sum(),
                {nan_, 1, 3, 5, 7});
    check_equal(Rolling(nullptr, v, RollingWindow::rows(2), {.min_periods = 0, .closed = Closed::neither}).sum(),
                {0, 1, 2, 3, 4});
}

TEST_CASE("rolling by time: uneven spacing, duplicates and closed") {
    // times 0, 1, 1, 3, 7, 8 seconds (pandas: rolling('2s'))
    const std::vector<std::int64_t> t{0, sec, sec, 3 * sec, 7 * sec, 8 * sec};
    const std::vector<double> x{1, 2, 3, 4, 5, 6};
    const VectorView v(x.data(), x.size());
    const auto w = RollingWindow::parse("2s");
    check_equal(Rolling(t.data(), v, w).count(), {1, 2, 3, 1, 1, 2});
    check_equal(Rolling(t.data(), v, w).sum(), {1, 3, 6, 4, 5, 11});
    check_equal(Rolling(t.data(), v, w, {.closed = Closed::left}).count(), {nan_, 1, 1, 2, nan_, 1});
    check_equal(Rolling(t.data(), v, w, {.closed = Closed::both}).sum(), {1, 3, 6, 9, 5, 11});
    check_equal(Rolling(t.data(), v, w, {.closed = Closed::neither}).sum(), {nan_, 1, 1, nan_, nan_, 5});
    check_equal(Rolling(t.data(), v, RollingWindow::parse("3s"), {.center = true}).sum(), {6, 6, 6, 4, 11, 11});
    check_equal(Rolling(t.data(), v, w).max(), {1, 2, 3, 4, 5, 6});
    check_equal(Rolling(t.data(), v, RollingWindow::parse("10s")).min(), {1, 1, 1, 1, 1, 1});
}

TEST_CASE("rolling: a constant window is exact") {
    const std::vector<double> x{0.1, 0.1, 0.1, 0.1};
    const VectorView v(x.data(), x.size());
    Rolling r(nullptr, v, RollingWindow::rows(3), {.min_periods = 1});
    CHECK(r.var()(3) == 0.0);
    CHECK(r.mean()(3) == 0.1);
}

TEST_CASE("rolling: bad input names the argument") {
    const std::vector<double> x{1, 2, 3};
    const std::vector<std::int64_t> unsorted{0, 2, 1};
    const VectorView v(x.data(), x.size());
    CHECK_THROWS_WITH_AS(RollingWindow::rows(0), doctest::Contains("window"), InvalidArgument);
    CHECK_THROWS_AS(RollingWindow::rows(-2), InvalidArgument);
    CHECK_THROWS_AS(RollingWindow::duration(0), InvalidArgument);
    CHECK_THROWS_AS(RollingWindow::parse("1parsec"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Rolling(nullptr, v, RollingWindow::rows(2), {.min_periods = 3}),
                         doctest::Contains("min_periods"), InvalidArgument);
    CHECK_THROWS_AS(Rolling(nullptr, v, RollingWindow::rows(2), {.min_periods = -1}), InvalidArgument);
    CHECK_THROWS_WITH_AS(Rolling(unsorted.data(), v, RollingWindow::duration(5)), doctest::Contains("times"),
                         InvalidArgument);
    CHECK_THROWS_AS(Rolling(nullptr, v, RollingWindow::duration(5)), InvalidArgument);
    CHECK_THROWS_AS(parse_closed("middle"), InvalidArgument);
    const auto b = window_bounds(nullptr, 2, RollingWindow::rows(2));
    Vector out = xt::empty<double>({3});
    CHECK_THROWS_WITH_AS(rolling_mean(b, v, OutputView(out)), doctest::Contains("values"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Rolling(nullptr, v, RollingWindow::rows(2)).quantile(1.5), doctest::Contains("q"),
                         InvalidArgument);
    CHECK(Rolling(nullptr, VectorView(), RollingWindow::rows(2)).mean().size() == 0);
}

TEST_CASE("ewm: mean and std, adjust and ignore_na") {
    const std::vector<double> x{1, nan_, 3};
    const VectorView v(x.data(), x.size());
    // alpha = 0.5. adjust, ignore_na=False: weights of 1 and 3 are 0.25 and 1 -> (0.25 + 3)/1.25
    check_equal(ewm_mean(v, {.decay = EwmDecay::com(1)}), {1, 1, 2.6});
    // ignore_na=True: weights 0.5 and 1 -> (0.5 + 3)/1.5
    check_equal(ewm_mean(v, {.decay = EwmDecay::com(1), .ignore_na = true}), {1, 1, 3.5 / 1.5});
    // adjust=False: y = 0.5 y + 0.5 x -> 2; with ignore_na=False: old weight 0.25 -> (0.25 + 0.5*3)/0.75
    check_equal(ewm_mean(v, {.decay = EwmDecay::com(1), .adjust = false, .ignore_na = true}), {1, 1, 2});
    check_equal(ewm_mean(v, {.decay = EwmDecay::com(1), .min_periods = 2}), {nan_, nan_, 2.6});
    const std::vector<double> y{1, 2};
    // weights 0.5, 1: mean 5/3; biased var = (0.5 (1-5/3)^2 + (2-5/3)^2)/1.5 = 2/9;
    // correction (1.5^2)/(1.5^2 - 1.25) = 2.25 -> 0.5
    check_equal(ewm_var(VectorView(y.data(), 2), {.decay = EwmDecay::span(3)}), {nan_, 0.5});
    check_equal(ewm_var(VectorView(y.data(), 2), {.decay = EwmDecay::from_alpha(0.5)}, true), {0, 2.0 / 9.0});
    CHECK(EwmDecay::halflife(1).alpha == doctest::Approx(0.5));
    CHECK_THROWS_WITH_AS(EwmDecay::span(0.5), doctest::Contains("span"), InvalidArgument);
    CHECK_THROWS_AS(EwmDecay::com(-1), InvalidArgument);
    CHECK_THROWS_AS(EwmDecay::from_alpha(0), InvalidArgument);
    CHECK_THROWS_AS(EwmDecay::halflife(0), InvalidArgument);
    CHECK_THROWS_AS(ewm_mean(v, {.min_periods = -1}), InvalidArgument);
}

TEST_CASE("shift, diff, pct_change") {
    const std::vector<double> x{1, 2, 4, nan_, 8};
    const VectorView v(x.data(), x.size());
    check_equal(shift(v, 2), {nan_, nan_, 1, 2, 4});
    check_equal(shift(v, -1), {2, 4, nan_, 8, nan_});
    check_equal(diff(v), {nan_, 1, 2, nan_, nan_});
    check_equal(diff(v, -2), {-3, nan_, -4, nan_, nan_});
    check_equal(pct_change(v), {nan_, 1, 1, nan_, nan_});
    check_equal(shift(v, 10), {nan_, nan_, nan_, nan_, nan_});
}
