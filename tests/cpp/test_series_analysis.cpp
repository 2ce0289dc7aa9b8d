// describe, correlation, acf/ccf, seasonal decomposition and ADF against hand-computed cases
// and values statsmodels 0.15 gives on the same deterministic series.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "oddkit/series/autocorrelation.hpp"
#include "oddkit/series/correlation.hpp"
#include "oddkit/series/decompose.hpp"
#include "oddkit/series/describe.hpp"
#include "oddkit/series/stationarity.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {
// x_i = sin(0.7 i) + 0.05 i + cos(0.13 i^2); y_i = cos(0.3 i) + sin(0.07 i^2), i = 0..59
std::vector<double> series_x() {
    std::vector<double> x(60);
    for (int i = 0; i < 60; ++i) x[i] = std::sin(i * 0.7) + 0.05 * i + std::cos(i * i * 0.13);
    return x;
}
std::vector<double> series_y() {
    std::vector<double> y(60);
    for (int i = 0; i < 60; ++i) y[i] = std::cos(i * 0.3) + std::sin(i * i * 0.07);
    return y;
}
} // namespace

TEST_CASE("describe: pandas' fields plus zeros, NaN skipped") {
    const std::vector<double> x{0, 1, nan_, 3, 0, 6};
    const auto d = describe(VectorView(x.data(), x.size()));
    CHECK(d.count == 5);
    CHECK(d.mean == doctest::Approx(2.0));
    CHECK(d.std == doctest::Approx(std::sqrt(6.5))); // squares 4+1+1+4+16 = 26 over 4
    CHECK(d.min == 0);
    CHECK(d.q25 == 0);
    CHECK(d.q50 == 1);
    CHECK(d.q75 == 3);
    CHECK(d.max == 6);
    CHECK(d.zeros == 2);
    const std::vector<double> empty{nan_, nan_};
    const auto e = describe(VectorView(empty.data(), 2));
    CHECK(e.count == 0);
    CHECK(std::isnan(e.mean));
    const std::vector<double> m{1, 10, 2, 20, 3, 30};
    const auto cols = describe(MatrixView(m.data(), 3, 2));
    REQUIRE(cols.size() == 2);
    CHECK(cols[1].mean == doctest::Approx(20));
    CHECK(Description::names().size() == cols[0].values().size());
}

TEST_CASE("correlation: pairwise complete Pearson and Spearman") {
    // columns a, b, c; row 3 has b missing
    const std::vector<double> m{1, 2, 5, 2, 4, 4, 3, 7, 3, 4, nan_, 2, 5, 1, 1};
    const MatrixView X(m.data(), 5, 3);
    const Matrix p = correlation_matrix(X);
    CHECK(p(0, 2) == doctest::Approx(-1.0));
    CHECK(p(0, 0) == doctest::Approx(1.0));
    // a vs b on rows {0,1,2,4}: a=(1,2,3,5), b=(2,4,7,1): hand-computed Pearson
    {
        const double ma = 2.75, mb = 3.5;
        const double a[] = {1, 2, 3, 5}, b[] = {2, 4, 7, 1};
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < 4; ++i) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        CHECK(p(0, 1) == doctest::Approx(sab / std::sqrt(saa * sbb)));
        CHECK(p(1, 0) == p(0, 1));
    }
    const Matrix s = correlation_matrix(X, CorrelationMethod::spearman);
    // ranks a=(1,2,3,4), b=(2,3,4,1): Pearson of ranks = 1 - 6*sum d^2/(n(n^2-1)) = 1 - 6*12/60 = -0.2
    CHECK(s(0, 1) == doctest::Approx(-0.2));
    CHECK(s(0, 2) == doctest::Approx(-1.0));
    const Matrix strict = correlation_matrix(X, CorrelationMethod::pearson, 5);
    CHECK(std::isnan(strict(0, 1)));
    CHECK_THROWS_AS(parse_correlation_method("kendall"), InvalidArgument);
    CHECK_THROWS_AS(correlation_matrix(X, CorrelationMethod::pearson, -1), InvalidArgument);
    const std::vector<double> constant{1, 1, 2, 1, 3, 1};
    CHECK(std::isnan(correlation_matrix(MatrixView(constant.data(), 3, 2))(0, 1)));
}

TEST_CASE("acf and ccf: statsmodels' values") {
    const auto x = series_x(), y = series_y();
    const VectorView vx(x.data(), x.size()), vy(y.data(), y.size());
    const Vector a = autocorrelation(vx, 3);
    CHECK(a(0) == doctest::Approx(1.0));
    CHECK(a(1) == doctest::Approx(0.5787415633493317).epsilon(1e-10));
    CHECK(a(3) == doctest::Approx(0.31202610258457525).epsilon(1e-10));
    CHECK(autocorrelation(vx, 2, true)(2) == doctest::Approx(0.49086585385662146).epsilon(1e-10));
    const auto c = cross_correlation(vx, vy, 3);
    REQUIRE(c.lags.size() == 7);
    CHECK(c.lags[3] == 0);
    CHECK(c.values(3) == doctest::Approx(-0.031080929962336086).epsilon(1e-10));
    CHECK(c.values(5) == doctest::Approx(-0.11408875483757797).epsilon(1e-10)); // lag +2
    CHECK(c.values(2) == doctest::Approx(-0.01304380258722495).epsilon(1e-10)); // lag -1 = ccf(y, x)[1]
    // a delayed copy: y[t] = x[t - 2] is best matched at lag -2 (x[t] with y[t + 2])
    std::vector<double> delayed(60);
    for (int i = 0; i < 60; ++i) delayed[i] = x[(i + 58) % 60];
    const auto d = cross_correlation(vx, VectorView(delayed.data(), 60), 5);
    CHECK(d.best_lag == -2);
    CHECK_THROWS_WITH_AS(autocorrelation(vx, 60), doctest::Contains("nlags"), InvalidArgument);
    CHECK_THROWS_AS(cross_correlation(vx, VectorView(y.data(), 10), 2), InvalidArgument);
    std::vector<double> bad = x;
    bad[4] = nan_;
    CHECK_THROWS_WITH_AS(autocorrelation(VectorView(bad.data(), bad.size()), 2), doctest::Contains("NaN"),
                         InvalidArgument);
}

TEST_CASE("seasonal_decompose: statsmodels' values") {
    auto x = series_x();
    for (auto &v : x) v += 3.0;
    const VectorView vx(x.data(), x.size());
    const auto add = seasonal_decompose(vx, 4);
    CHECK(std::isnan(add.trend(1)));
    CHECK(std::isnan(add.trend(58)));
    CHECK(add.trend(2) == doctest::Approx(4.391540641371616).epsilon(1e-12));
    CHECK(add.trend(3) == doctest::Approx(3.924892336758979).epsilon(1e-12));
    CHECK(add.seasonal(0) == doctest::Approx(0.20764813695106607).epsilon(1e-12));
    CHECK(add.seasonal(7) == doctest::Approx(-0.19061124435612878).epsilon(1e-12));
    CHECK(add.resid(3) == doctest::Approx(0.6690799585542533).epsilon(1e-12));
    CHECK(add.observed(5) == x[5]);
    const auto mul = seasonal_decompose(vx, 5, SeasonalModel::multiplicative);
    CHECK(mul.trend(2) == doctest::Approx(4.217983117879448).epsilon(1e-12));
    CHECK(mul.seasonal(4) == doctest::Approx(0.9657264733811239).epsilon(1e-12));
    CHECK(mul.resid(3) == doctest::Approx(1.2117327784628387).epsilon(1e-12));
    CHECK_THROWS_WITH_AS(seasonal_decompose(vx, 1), doctest::Contains("period"), InvalidArgument);
    CHECK_THROWS_WITH_AS(seasonal_decompose(VectorView(x.data(), 7), 4), doctest::Contains("2 complete cycles"),
                         InvalidArgument);
    auto neg = x;
    neg[3] = -1;
    CHECK_THROWS_AS(seasonal_decompose(VectorView(neg.data(), neg.size()), 4, SeasonalModel::multiplicative),
                    InvalidArgument);
    CHECK_THROWS_AS(parse_seasonal_model("stl"), InvalidArgument);
}

TEST_CASE("adfuller: statsmodels' values for every regression and autolag") {
    const auto x = series_x();
    const VectorView vx(x.data(), x.size());
    struct Case {
        AdfRegression reg;
        Autolag lag;
        double stat, p;
        std::int64_t used, nobs;
        double c1, c5, c10, ic;
    };
    const Case cases[] = {
        {AdfRegression::c, Autolag::aic, -0.5788659680683743, 0.8756863026067816, 9, 50, -3.568485864, -2.92135992, -2.5986616, 132.2004552103761},
        {AdfRegression::c, Autolag::bic, -3.66481670597403, 0.00463615458278941, 0, 59, -3.5463945337644063, -2.911939409384601, -2.5936515282964665, 139.70016101846937},
        {AdfRegression::c, Autolag::none, -0.7715914188341885, 0.8273247953490828, 11, 48, -3.5745892596209488, -2.9239543084490744, -2.6000391840277777, nan_},
        {AdfRegression::ct, Autolag::aic, -5.203737979620756, 8.617020796851281e-05, 5, 54, -4.137020943707768, -3.4951806238886345, -3.1764196311537876, 124.99371936080126},
        {AdfRegression::ct, Autolag::bic, -5.578782555853447, 1.6069576106267775e-05, 0, 59, -4.121032198666855, -3.4877202932626994, -3.1721102476397296, 132.75292422074094},
        {AdfRegression::ct, Autolag::none, -2.12642777923718, 0.5312694832642604, 11, 48, -4.160927854094329, -3.5062888245081014, -3.1828225911458334, nan_},
        {AdfRegression::n, Autolag::aic, 2.1954642288082007, 0.9945559187899076, 9, 50, -2.6119068, -1.947468216, -1.6123906879999998, 134.83106787676715},
        {AdfRegression::n, Autolag::bic, -1.1098776418319882, 0.24215821320694553, 1, 58, -2.6053664565992865, -1.9464713057115914, -1.6129174701709788, 143.58106465633634},
        {AdfRegression::n, Autolag::none, 1.652401039967716, 0.9763564737389829, 11, 48, -2.6138933854166666, -1.9477740107783565, -1.6122352705439813, nan_},
    };
    for (const auto &c : cases) {
        CAPTURE(static_cast<int>(c.reg));
        CAPTURE(static_cast<int>(c.lag));
        const auto r = adfuller(vx, {.regression = c.reg, .autolag = c.lag});
        CHECK(r.statistic == doctest::Approx(c.stat).epsilon(1e-8));
        CHECK(r.pvalue == doctest::Approx(c.p).epsilon(1e-7));
        CHECK(r.usedlag == c.used);
        CHECK(r.nobs == c.nobs);
        CHECK(r.critical_values[0] == doctest::Approx(c.c1).epsilon(1e-12));
        CHECK(r.critical_values[1] == doctest::Approx(c.c5).epsilon(1e-12));
        CHECK(r.critical_values[2] == doctest::Approx(c.c10).epsilon(1e-12));
        if (std::isnan(c.ic)) {
            CHECK(std::isnan(r.icbest));
        } else {
            CHECK(r.icbest == doctest::Approx(c.ic).epsilon(1e-9));
        }
    }
    const auto r3 = adfuller(vx, {.maxlag = 3, .autolag = Autolag::none});
    CHECK(r3.statistic == doctest::Approx(-1.9853148118188086).epsilon(1e-8));
    CHECK(r3.nobs == 56);
    CHECK_THROWS_WITH_AS(adfuller(vx, {.maxlag = 29}), doctest::Contains("maxlag"), InvalidArgument);
    CHECK_THROWS_AS(adfuller(vx, {.maxlag = -1}), InvalidArgument);
    const std::vector<double> flat(20, 2.0);
    CHECK_THROWS_WITH_AS(adfuller(VectorView(flat.data(), 20)), doctest::Contains("constant"), InvalidArgument);
    CHECK_THROWS_AS(adfuller(VectorView(x.data(), 3)), InvalidArgument);
    CHECK_THROWS_AS(parse_adf_regression("ctt"), InvalidArgument);
    CHECK_THROWS_AS(parse_autolag("t-stat"), InvalidArgument);
}
