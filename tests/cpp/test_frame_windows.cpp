// Frame / Series rolling, ewm, shift, diff and pct_change: hand-computed pandas values, and
// the member forms equal to the one-column kernels they wrap.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "oddkit/series/frame.hpp"
#include "test_support.hpp"

using namespace oddkit;
using namespace oddkit::test;

namespace {

void check_float_column(const Column &got, const std::vector<double> &want) {
    REQUIRE(std::holds_alternative<FloatColumn>(got));
    const auto &g = std::get<FloatColumn>(got);
    REQUIRE(g.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("row " << i << " got " << g(i) << " want " << want[i]);
        if (std::isnan(want[i])) {
            CHECK(std::isnan(g(i)));
        } else {
            CHECK(g(i) == doctest::Approx(want[i]).epsilon(1e-12));
        }
    }
}

Frame window_sample_frame() {
    // minutes 0, 1, 3, 4, 10: uneven spacing with a gap; one NaN; an int64 column
    IndexVector t = {0, 1 * minute, 3 * minute, 4 * minute, 10 * minute};
    Frame f{TimeIndex(t)};
    f.add("x", FloatColumn{1.0, 2.0, nan_, 4.0, 5.0});
    f.add("n", IntColumn{1, 2, 3, 4, 5});
    return f;
}
} // namespace

TEST_CASE("Frame::rolling by time: pandas' values, int columns as float64, names kept") {
    const Frame f = window_sample_frame();
    const Frame m = f.rolling("2min").mean(); // window (t - 2min, t]
    REQUIRE(m.names() == std::vector<std::string>{"x", "n"});
    CHECK(m.index() == f.index());
    check_float_column(m.column("x"), {1, 1.5, nan_, 4, 5});
    check_float_column(m.column("n"), {1, 1.5, 3, 3.5, 5});
    check_float_column(f.rolling("2min").count().column("x"), {1, 2, 0, 1, 1});
    check_float_column(f.rolling("5min", {.closed = Closed::both}).sum().column("n"), {1, 3, 6, 10, 5});
    check_float_column(f.rolling("4min").max().column("x"), {1, 2, 2, 4, 5});
    check_float_column(f.rolling("4min").agg("min").column("n"), {1, 1, 1, 2, 5});
}

TEST_CASE("Frame::rolling by count with min_periods, center and closed") {
    const Frame f = window_sample_frame();
    check_float_column(f.rolling(RollingWindow::rows(2)).sum().column("x"), {nan_, 3, nan_, nan_, 9});
    check_float_column(f.rolling(RollingWindow::rows(2), {.min_periods = 1}).sum().column("x"), {1, 3, 2, 4, 9});
    check_float_column(f.rolling("3", {.center = true}).mean().column("n"), {nan_, 2, 3, 4, nan_});
    check_float_column(f.rolling(RollingWindow::rows(2), {.min_periods = 1, .closed = Closed::left}).sum().column("n"),
                 {nan_, 1, 3, 5, 7});
    check_float_column(f.rolling(RollingWindow::rows(3), {.min_periods = 1}).median().column("n"), {1, 1.5, 2, 3, 4});
    check_float_column(f.rolling(RollingWindow::rows(3), {.min_periods = 1}).quantile(0.25).column("n"), {1, 1.25, 1.5, 2.5, 3.5});
    check_float_column(f.rolling(RollingWindow::rows(3)).var().column("n"), {nan_, nan_, 1, 1, 1});
    check_float_column(f.rolling(RollingWindow::rows(3)).std(0).column("n"), {nan_, nan_, std::sqrt(2.0 / 3), std::sqrt(2.0 / 3),
                                                                         std::sqrt(2.0 / 3)});
}

TEST_CASE("Series members equal the one-column kernels") {
    const Frame f = window_sample_frame();
    const Series s = f["x"];
    const auto &x = std::get<FloatColumn>(s.values());
    const VectorView v(x.data(), x.size());
    const Series r = s.rolling("3min").std();
    CHECK(r.name() == "x");
    CHECK(r.index() == s.index());
    Vector want = xt::empty<double>({x.size()});
    rolling_into(s.index().data(), RollingWindow::parse("3min"), {}, {RollingStat::Kind::std}, v, OutputView(want));
    check_float_column(r.values(), std::vector<double>(want.begin(), want.end()));

    const EwmOptions o{.decay = EwmDecay::span(3), .adjust = false};
    const Vector em = ewm_mean(v, o), es = ewm_std(v, o);
    check_float_column(s.ewm(o).mean().values(), std::vector<double>(em.begin(), em.end()));
    check_float_column(s.ewm(o).std().values(), std::vector<double>(es.begin(), es.end()));
    check_float_column(f.ewm(o).var().column("x"), [&] {
        const Vector ev = ewm_var(v, o);
        return std::vector<double>(ev.begin(), ev.end());
    }());

    check_float_column(s.shift(1).values(), {nan_, 1, 2, nan_, 4});
    check_float_column(s.diff(-1).values(), {-1, nan_, nan_, -1, nan_});
    check_float_column(f.pct_change(2).column("n"), {nan_, nan_, 2, 1, 2.0 / 3});
    check_float_column(f.shift(0).column("n"), {1, 2, 3, 4, 5});
}

TEST_CASE("Frame windows: bad input names the argument") {
    const Frame f = window_sample_frame();
    CHECK_THROWS_WITH_AS(f.rolling(RollingWindow{RollingWindow::Kind::rows, 0}), doctest::Contains("window"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling(RollingWindow{RollingWindow::Kind::time, -5}), doctest::Contains("window"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("0"), doctest::Contains("window"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("3 fortnights"), doctest::Contains("window"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("2", {.min_periods = 3}), doctest::Contains("min_periods"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("1h").agg("mode"), doctest::Contains("stat"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("1h").quantile(1.5), doctest::Contains("q"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.rolling("1h").var(-1), doctest::Contains("ddof"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.ewm({.decay = {0.0}}), doctest::Contains("alpha"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.ewm({.min_periods = -1}), doctest::Contains("min_periods"), InvalidArgument);
    // An empty frame gives an empty frame.
    const Frame empty{TimeIndex{}};
    CHECK(empty.rolling("1h").mean().rows() == 0);
    CHECK(empty.shift(3).cols() == 0);
}
