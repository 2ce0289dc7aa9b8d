// The one-pass rolling path (rolling_into: bounds walked alongside the values) against the
// bound-array path and against window bounds found by brute force from pandas' rules.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/series/rolling.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {


/// Irregular times with duplicates and gaps longer than the window; values with NaN runs.
void make_series(std::size_t n, std::vector<std::int64_t> &t, std::vector<double> &x) {
    Random rng(11);
    t.resize(n);
    x.resize(n);
    std::int64_t now = 1'700'000'000 * sec;
    for (std::size_t i = 0; i < n; ++i) {
        const double u = rng.uniform();
        now += u < 0.2 ? 0 : (u < 0.9 ? static_cast<std::int64_t>(rng.uniform() * 4 * sec) : 15 * sec);
        t[i] = now;
        x[i] = rng.uniform() < 0.1 ? std::nan("") : rng.normal() * (i % 50 < 25 ? 1.0 : 1e6);
    }
}

/// The bound-array function of statistic `name` (quantile at q = 0.3), the reference the
/// one-pass rolling_into must equal.
void bound_array_rolling(const std::string &name, const WindowBounds &b, const VectorView &x, OutputView out) {
    if (name == "mean") rolling_mean(b, x, out);
    else if (name == "sum") rolling_sum(b, x, out);
    else if (name == "var") rolling_var(b, x, out);
    else if (name == "std") rolling_std(b, x, out);
    else if (name == "min") rolling_min(b, x, out);
    else if (name == "max") rolling_max(b, x, out);
    else if (name == "median") rolling_median(b, x, out);
    else if (name == "quantile") rolling_quantile(b, x, out, 0.3);
    else rolling_count(b, x, out);
}

} // namespace

TEST_CASE("window_bounds matches a brute-force reading of pandas' time-window rules") {
    std::vector<std::int64_t> t;
    std::vector<double> x;
    make_series(300, t, x);
    const std::int64_t w = 10 * sec;
    for (bool center : {false, true}) {
        for (Closed closed : {Closed::right, Closed::left, Closed::both, Closed::neither}) {
            const bool lc = closed == Closed::left || closed == Closed::both;
            const bool rc = closed == Closed::right || closed == Closed::both;
            const auto b = window_bounds(t.data(), t.size(), RollingWindow::duration(w), {std::nullopt, closed, center});
            for (std::size_t i = 0; i < t.size(); ++i) {
                const std::int64_t lo = t[i] - (center ? w / 2 : w);
                const std::int64_t hi = center ? t[i] + w / 2 : t[i];
                std::size_t s = 0;
                while (s < i && (lc ? t[s] < lo : t[s] <= lo)) ++s;
                std::size_t e = s;
                if (!center && rc) {
                    e = i + 1;
                } else {
                    const std::size_t limit = center ? t.size() : i;
                    while (e < limit && (rc ? t[e] <= hi : t[e] < hi)) ++e;
                }
                INFO("row " << i << " closed " << closed_name(closed) << " center " << center);
                CHECK(b.start[i] == s);
                CHECK(b.end[i] == e);
            }
        }
    }
}

TEST_CASE("rolling_into gives the bound-array results bit for bit") {
    std::vector<std::int64_t> t;
    std::vector<double> x;
    make_series(500, t, x);
    const char *stats[] = {"mean", "sum", "var", "std", "min", "max", "median", "quantile", "count"};
    for (const RollingWindow window : {RollingWindow::duration(10 * sec), RollingWindow::duration(1),
                                       RollingWindow::rows(7)}) {
        for (bool center : {false, true}) {
            for (Closed closed : {Closed::right, Closed::left, Closed::both, Closed::neither}) {
                for (std::optional<std::int64_t> mp : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{3}}) {
                    const RollingOptions o{mp, closed, center};
                    const auto b = window_bounds(t.data(), t.size(), window, o);
                    for (const char *name : stats) {
                        RollingStat stat = RollingStat::parse(name);
                        stat.q = 0.3;
                        std::vector<double> fused(x.size()), reference(x.size());
                        rolling_into(t.data(), window, o, stat, VectorView(x.data(), x.size()),
                                     OutputView(fused.data(), fused.size()));
                        bound_array_rolling(name, b, VectorView(x.data(), x.size()),
                                            OutputView(reference.data(), reference.size()));
                        std::size_t differ = 0;
                        for (std::size_t i = 0; i < x.size(); ++i) differ += !same_bits(fused[i], reference[i]);
                        INFO(name << " closed " << closed_name(closed) << " center " << center << " window "
                                  << window.size);
                        CHECK(differ == 0);
                    }
                }
            }
        }
    }
}

TEST_CASE("rolling_into refuses bad input naming the argument") {
    std::vector<std::int64_t> t = {3, 2, 5};
    std::vector<double> x = {1, 2, 3}, out(3);
    const auto w = RollingWindow::duration(2);
    CHECK_THROWS_WITH_AS(rolling_into(t.data(), w, {}, RollingStat{}, VectorView(x.data(), 3), OutputView(out.data(), 3)),
                         doctest::Contains("times"), InvalidArgument);
    t = {1, 2, 3};
    CHECK_THROWS_WITH_AS(rolling_into(t.data(), w, {-1}, RollingStat{}, VectorView(x.data(), 3), OutputView(out.data(), 3)),
                         doctest::Contains("min_periods"), InvalidArgument);
    CHECK_THROWS_WITH_AS(rolling_into(t.data(), w, {}, RollingStat{}, VectorView(x.data(), 3), OutputView(out.data(), 2)),
                         doctest::Contains("out"), InvalidArgument);
    CHECK_THROWS_WITH_AS(RollingStat::parse("mode"), doctest::Contains("stat"), InvalidArgument);
    // Timestamps at the bottom of the int64 range: the window start saturates, no overflow.
    t = {INT64_MIN + 1, INT64_MIN + 2, INT64_MIN + 3};
    rolling_into(t.data(), RollingWindow::duration(10), {}, RollingStat{}, VectorView(x.data(), 3),
                 OutputView(out.data(), 3));
    CHECK(out[2] == doctest::Approx(2.0));
}

TEST_CASE("the sortedness check on two threads finds a row out of order in either half") {
    // Past 2^20 rows the first pass is split between the threads; the row named must be the
    // first out of order whichever half holds it.
    const std::size_t n = (std::size_t{1} << 21) + 3;
    std::vector<std::int64_t> t(n);
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<std::int64_t>(i) * sec;
    std::vector<double> x(n, 1.0), out(n);
    check_sorted_times(t.data(), n, "times", 2);
    for (const std::size_t bad : {std::size_t{5}, n / 2, n / 2 + 1, n - 1}) {
        std::vector<std::int64_t> u = t;
        u[bad] = u[bad - 1] - 1;
        const std::string row = "row " + std::to_string(bad) + " (";
        CHECK_THROWS_WITH_AS(check_sorted_times(u.data(), n, "times", 2), doctest::Contains(row.c_str()),
                             InvalidArgument);
        CHECK_THROWS_WITH_AS(rolling_into(u.data(), RollingWindow::duration(60 * sec), {}, RollingStat{},
                                          VectorView(x.data(), n), OutputView(out.data(), n), 2),
                             doctest::Contains(row.c_str()), InvalidArgument);
    }
    // No times at all for a time window, at a size where the rows are split into runs (whose
    // bounds would read the times before their order is checked).
    CHECK_THROWS_WITH_AS(rolling_into(nullptr, RollingWindow::duration(60 * sec), {}, RollingStat{},
                                      VectorView(x.data(), n), OutputView(out.data(), n), 2),
                         doctest::Contains("times"), InvalidArgument);
}

TEST_CASE("rolling_into on two threads gives the one-thread results bit for bit") {
    // More than two restart periods, so the rows are split at a restart row and the running
    // sums restart inside each run; duplicates, NaN and magnitudes 1 and 1e6 as above.
    std::vector<std::int64_t> t;
    std::vector<double> x;
    make_series(2 * detail::restart_period + 777, t, x);
    const VectorView xv(x.data(), x.size());
    const char *stats[] = {"mean", "sum", "var", "std", "min", "max", "median", "quantile", "count"};
    for (const RollingWindow window : {RollingWindow::duration(10 * sec), RollingWindow::duration(300 * sec),
                                       RollingWindow::rows(7)}) {
        for (const RollingOptions o : {RollingOptions{}, RollingOptions{{}, Closed::left, false},
                                       RollingOptions{{}, Closed::both, true}}) {
            with_window_cursor(t.data(), t.size(), window, o, [&](auto cursor) {
                const auto cuts = detail::restart_rows(cursor, t.size());
                CHECK(cuts.size() == 4); // 0, two restart rows, n
                CHECK(detail::run_bounds(cursor, t.size(), 2).size() == 3);
            });
            const auto b = window_bounds(t.data(), t.size(), window, o);
            for (const char *name : stats) {
                RollingStat stat = RollingStat::parse(name);
                stat.q = 0.3;
                std::vector<double> one(x.size()), two(x.size(), -1.0), arrays(x.size());
                rolling_into(t.data(), window, o, stat, xv, OutputView(one.data(), one.size()), 1);
                rolling_into(t.data(), window, o, stat, xv, OutputView(two.data(), two.size()), 2);
                bound_array_rolling(name, b, xv, OutputView(arrays.data(), arrays.size()));
                std::size_t differ_threads = 0, differ_arrays = 0, finite = 0;
                for (std::size_t i = 0; i < x.size(); ++i) {
                    differ_threads += !same_bits(one[i], two[i]);
                    differ_arrays += !same_bits(one[i], arrays[i]);
                    finite += std::isfinite(one[i]);
                }
                INFO(std::string(name) << " closed " << std::string(closed_name(o.closed)) << " center "
                                       << o.center << " window " << window.size);
                CHECK(differ_threads == 0);
                CHECK(differ_arrays == 0);
                CHECK(finite > x.size() / 3); // 10% NaN: a 7-row window needs all 7 by default
            }
        }
    }
}

TEST_CASE("rolling_into: a restart row's sum is the window summed afresh") {
    // At restart_period the running sum starts again from the window's own values, so its
    // result equals a compensated sum of just those values in row order.
    std::vector<std::int64_t> t;
    std::vector<double> x;
    make_series(detail::restart_period + 10, t, x);
    std::vector<double> out(x.size());
    rolling_into(t.data(), RollingWindow::duration(30 * sec), {}, RollingStat::parse("sum"),
                 VectorView(x.data(), x.size()), OutputView(out.data(), out.size()));
    const std::size_t r = detail::restart_period;
    const auto b = window_bounds(t.data(), t.size(), RollingWindow::duration(30 * sec));
    REQUIRE(b.end[r] - b.start[r] > 3);
    detail::RunningSum fresh;
    for (std::size_t j = b.start[r]; j < b.end[r]; ++j) fresh.add(x[j]);
    CHECK(same_bits(out[r], detail::window_sum(fresh, 1)));
}
