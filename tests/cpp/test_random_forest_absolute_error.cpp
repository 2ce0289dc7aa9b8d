#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

/// Weighted median as scikit-learn defines it, by brute force over sorted (y, w).
double naive_median(std::vector<std::pair<double, double>> v) {
    std::sort(v.begin(), v.end());
    double total = 0;
    for (auto &p : v) total += p.second;
    double cum = 0;
    for (std::size_t j = 0; j < v.size(); ++j) {
        if (cum + v[j].second > total / 2) {
            return (cum == total / 2 && j > 0) ? (v[j - 1].first + v[j].first) / 2 : v[j].first;
        }
        cum += v[j].second;
    }
    return v.back().first;
}

double naive_abs_error(const std::vector<std::pair<double, double>> &v) {
    const double m = naive_median(v);
    double s = 0;
    for (auto &p : v) s += p.second * std::abs(p.first - m);
    return s;
}

/// A CART tree grown with the absolute error, every split tried by brute force (O(n^2 log n) per
/// node); returns the leaf median reached by each training row.
void naive_tree(const Matrix &F, const Vector &y, const Vector &w, std::vector<std::size_t> rows,
                std::vector<double> &fitted) {
    std::vector<std::pair<double, double>> node;
    double weight = 0;
    for (auto r : rows) {
        node.emplace_back(y[r], w[r]);
        weight += w[r];
    }
    const double node_ae = naive_abs_error(node);
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_f = 0;
    double best_t = 0;
    if (rows.size() >= 2 && node_ae / weight > 1e-7) {
        for (std::size_t f = 0; f < F.shape(1); ++f) {
            std::vector<double> xs;
            for (auto r : rows) xs.push_back(F(r, f));
            std::sort(xs.begin(), xs.end());
            for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
                if (xs[i] == xs[i + 1]) continue;
                const double t = (xs[i] + xs[i + 1]) / 2;
                std::vector<std::pair<double, double>> l, r;
                for (auto row : rows) (F(row, f) <= t ? l : r).emplace_back(y[row], w[row]);
                const double ae = naive_abs_error(l) + naive_abs_error(r);
                if (ae < best - 1e-9) {
                    best = ae;
                    best_f = f;
                    best_t = t;
                }
            }
        }
    }
    if (!std::isfinite(best)) {
        const double m = naive_median(node);
        for (auto r : rows) fitted[r] = m;
        return;
    }
    std::vector<std::size_t> l, r;
    for (auto row : rows) (F(row, best_f) <= best_t ? l : r).push_back(row);
    naive_tree(F, y, w, l, fitted);
    naive_tree(F, y, w, r, fitted);
}

} // namespace

TEST_CASE("absolute_error: hand-computed split and median leaves") {
    // One feature x = 0..5, y = 1 2 3 10 11 40. Sum of absolute deviations from the medians of
    // the two sides, left = the first k rows:
    //   k=1: 0 + |{2,3,10,11,40} - 10| = 8+7+0+1+30 = 46     k=2: 1 + 38 = 39
    //   k=3: 2 + 30 = 32   k=4: 10 + 29 = 39   k=5: |{1,2,3,10,11} - 3| = 18, + 0 = 18  (best)
    // so x <= 4.5 leads to the median 3 (a mean would give 5.4) and x > 4.5 to 40.
    Matrix X = {{0.0}, {1.0}, {2.0}, {3.0}, {4.0}, {5.0}};
    Vector y = {1.0, 2.0, 3.0, 10.0, 11.0, 40.0};
    RandomForestRegressor f({.n_estimators = 1, .criterion = Criterion::absolute_error, .max_depth = 1,
                             .bootstrap = false});
    f.fit(X, y);
    Matrix probe = {{-1.0}, {4.4}, {4.6}, {9.0}};
    Vector p = f.predict(probe);
    CHECK(p[0] == 3.0);
    CHECK(p[1] == 3.0);
    CHECK(p[2] == 40.0);
    CHECK(p[3] == 40.0);

    // Weight 5 on y = 11: k=5 gives left {1,2,3,10,11x5} (total 9, half 4.5, median 11), errors
    // 10+9+8+1 = 28; k=3: 2 + |{10,11x5,40} - 11| = 2+1+29 = 32; k=4: 10 + 29 = 39. Still k=5,
    // but the left leaf is now 11.
    Vector w = {1.0, 1.0, 1.0, 1.0, 5.0, 1.0};
    f.fit(X, y, w);
    p = f.predict(probe);
    CHECK(p[0] == 11.0);
    CHECK(p[2] == 40.0);

    // Two rows of equal weight: the median is their midpoint (scikit-learn's rule).
    Matrix X2 = {{0.0}, {1.0}};
    Vector y2 = {1.0, 4.0};
    RandomForestRegressor g({.n_estimators = 1, .criterion = Criterion::absolute_error, .max_depth = 1,
                             .min_samples_split = 3, .bootstrap = false});
    g.fit(X2, y2);
    CHECK(g.predict(X2)[0] == 2.5);
}

TEST_CASE("absolute_error: a single tree equals a brute-force CART, exact and histogram splits") {
    Random rng(11);
    const std::size_t n = 60, d = 3;
    Matrix X = xt::empty<double>({n, d});
    Vector y = xt::empty<double>({n});
    Vector w = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) X(i, j) = rng.uniform(-1, 1);
        y[i] = X(i, 0) + std::abs(X(i, 1)) + 0.3 * rng.normal();
        w[i] = static_cast<double>(1 + rng.below(3)); // integer weights: exact half-weight medians occur
    }
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    for (bool weighted : {false, true}) {
        CAPTURE(weighted);
        Vector ww = weighted ? w : Vector(xt::ones<double>({n}));
        {
            std::vector<double> expected(n);
            naive_tree(X, y, ww, all, expected);
            RandomForestRegressor f({.n_estimators = 1, .criterion = Criterion::absolute_error,
                                     .max_features = MaxFeatures::all(), .bootstrap = false});
            f.fit(X, y, ww);
            const Vector got = f.predict(X);
            for (std::size_t i = 0; i < n; ++i) REQUIRE(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
        }
        {
            // Every node on 8 bins: the brute force on the bin codes makes the same partitions.
            const BinnedFeatures bins = bin_features(X, 8, 0, 1);
            Matrix codes = xt::empty<double>({n, d});
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = 0; j < d; ++j) codes(i, j) = bins.column(j)[i];
            }
            std::vector<double> expected(n);
            naive_tree(codes, y, ww, all, expected);
            RandomForestRegressor f({.n_estimators = 1, .criterion = Criterion::absolute_error,
                                     .max_features = MaxFeatures::all(), .bootstrap = false, .max_bins = 8,
                                     .exact_split_rows = 0});
            f.fit(X, y, ww);
            const Vector got = f.predict(X);
            for (std::size_t i = 0; i < n; ++i) REQUIRE(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
        }
    }
}

TEST_CASE("absolute_error forest: learns, same model for any n_jobs, round-trips") {
    Random rng(5);
    const std::size_t n = 1500;
    Matrix X = xt::empty<double>({n, std::size_t{4}});
    Vector y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 4; ++j) X(i, j) = rng.uniform(-2, 2);
        // Heavy-tailed noise: what the absolute error is for.
        const double u = rng.uniform(0.01, 0.99);
        y[i] = std::sin(X(i, 0)) + 0.5 * X(i, 1) + 0.1 * std::tan(3.0 * (u - 0.5));
    }
    RandomForestRegressor a({.n_estimators = 12, .criterion = Criterion::absolute_error, .oob_score = true,
                             .n_jobs = 1, .random_state = 4});
    RandomForestRegressor b({.n_estimators = 12, .criterion = Criterion::absolute_error, .oob_score = true,
                             .n_jobs = 2, .random_state = 4});
    a.fit(X, y);
    b.fit(X, y);
    CHECK((a.to_document()["state"] == b.to_document()["state"]));
    REQUIRE(a.oob_score());
    CHECK(*a.oob_score() > 0.8);
    CHECK(a.feature_importances()[0] > a.feature_importances()[2]);
    CHECK(a.feature_importances()[1] > a.feature_importances()[3]);
    const auto path = std::filesystem::temp_directory_path() / "oddkit_rf_mae_test.json";
    a.save(path.string());
    const RandomForestRegressor c = RandomForestRegressor::load(path.string());
    std::filesystem::remove(path);
    CHECK(c.params().criterion == Criterion::absolute_error);
    CHECK(c.predict(X) == a.predict(X));
    CHECK_THROWS_AS(RandomForestClassifier({.criterion = Criterion::absolute_error}), InvalidArgument);
    CHECK_THROWS_AS(RandomForestRegressor({.criterion = Criterion::entropy}), InvalidArgument);
}
