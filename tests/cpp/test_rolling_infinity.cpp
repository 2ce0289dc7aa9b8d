// Rolling windows and ewm with infinite values, computed by hand: +-inf is a missing value for
// every statistic but count, as pandas' window functions treat it, and it does not spoil the
// windows after it has left them.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/series/ewm.hpp"
#include "oddkit/series/rolling.hpp"

using namespace oddkit;

namespace {

constexpr double inf_value = std::numeric_limits<double>::infinity();
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

/// One statistic over row windows (times null) or 1-ns-spaced time windows.
std::vector<double> rolling_of(const std::vector<double> &x, const std::string &stat, const RollingWindow &w,
                               std::int64_t min_periods) {
    std::vector<std::int64_t> times(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) times[i] = static_cast<std::int64_t>(i);
    std::vector<double> out(x.size());
    RollingOptions options;
    options.min_periods = min_periods;
    rolling_into(times.data(), w, options, RollingStat::parse(stat), VectorView(x.data(), x.size()),
                 OutputView(out.data(), out.size()));
    return out;
}

void check_same(const std::vector<double> &got, const std::vector<double> &expected, const std::string &what) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(what << " row " << i);
        if (std::isnan(expected[i])) {
            CHECK(std::isnan(got[i]));
        } else {
            CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-15));
        }
    }
}

} // namespace

TEST_CASE("rolling: +-inf is missing for every statistic but count") {
    const std::vector<double> x{1, inf_value, 2, -inf_value, 3, 4, nan_value, 6};
    const double n = nan_value;
    for (const auto &w : {RollingWindow::rows(3), RollingWindow::duration(3)}) {
        // windows of 3 rows: {1}, {1,inf}, {1,inf,2}, {inf,2,-inf}, {2,-inf,3}, {-inf,3,4},
        // {3,4,nan}, {4,nan,6}
        check_same(rolling_of(x, "sum", w, 1), {1, 1, 3, 2, 5, 7, 7, 10}, "sum");
        check_same(rolling_of(x, "mean", w, 1), {1, 1, 1.5, 2, 2.5, 3.5, 3.5, 5}, "mean");
        check_same(rolling_of(x, "max", w, 1), {1, 1, 2, 2, 3, 4, 4, 6}, "max");
        check_same(rolling_of(x, "min", w, 1), {1, 1, 1, 2, 2, 3, 3, 4}, "min");
        check_same(rolling_of(x, "median", w, 1), {1, 1, 1.5, 2, 2.5, 3.5, 3.5, 5}, "median");
        check_same(rolling_of(x, "var", w, 1), {n, n, 0.5, n, 0.5, 0.5, 0.5, 2}, "var");
        // min_periods counts finite values: windows with two of them
        check_same(rolling_of(x, "mean", w, 2), {n, n, 1.5, n, 2.5, 3.5, 3.5, 5}, "mean, min_periods 2");
        check_same(rolling_of(x, "max", w, 2), {n, n, 2, n, 3, 4, 4, 6}, "max, min_periods 2");
        // count counts an infinity as a value (NaN is not counted)
        check_same(rolling_of(x, "count", w, 1), {1, 2, 3, 3, 3, 3, 2, 2}, "count");
    }
}

TEST_CASE("rolling: a long series recovers once an infinity has left the window") {
    std::vector<double> x(500);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 7);
    x[10] = inf_value;
    x[11] = -inf_value;
    const auto mean = rolling_of(x, "mean", RollingWindow::duration(20), 1);
    const auto var = rolling_of(x, "var", RollingWindow::duration(20), 1);
    // the window of the last row holds rows 480..499, all finite
    double sum = 0.0, squares = 0.0;
    for (std::size_t i = 480; i < 500; ++i) sum += x[i];
    const double m = sum / 20.0;
    for (std::size_t i = 480; i < 500; ++i) squares += (x[i] - m) * (x[i] - m);
    CHECK(mean.back() == doctest::Approx(m).epsilon(1e-14));
    CHECK(var.back() == doctest::Approx(squares / 19.0).epsilon(1e-12));
    // the window at row 15 holds rows 0..15 without the two infinities: 14 finite values
    double early = 0.0;
    for (std::size_t i = 0; i <= 15; ++i) early += (i == 10 || i == 11) ? 0.0 : x[i];
    CHECK(mean[15] == doctest::Approx(early / 14.0).epsilon(1e-15));
}

TEST_CASE("ewm: +-inf is missing, as pandas") {
    // pandas: Series([1, inf, 3]).ewm(alpha=0.5).mean() == [1, 1, 2.6]; with ignore_na the
    // infinity does not age the weights: (0.5 * 1 + 3) / 1.5
    const std::vector<double> x{1, inf_value, 3};
    std::vector<double> out(3);
    EwmOptions o{.decay = EwmDecay::from_alpha(0.5)};
    ewm_mean(VectorView(x.data(), 3), OutputView(out.data(), 3), o);
    check_same(out, {1, 1, 2.6}, "ewm mean");
    o.ignore_na = true;
    ewm_mean(VectorView(x.data(), 3), OutputView(out.data(), 3), o);
    check_same(out, {1, 1, 3.5 / 1.5}, "ewm mean, ignore_na");
    ewm_var(VectorView(x.data(), 3), OutputView(out.data(), 3), o);
    CHECK(std::isnan(out[0]));
    CHECK(std::isnan(out[1])); // one finite value so far
    CHECK(std::isfinite(out[2]));
}
