#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

/// Two noisy classes: label 1 when x0 + x1 > 0 (plus 10% flipped labels); x2.. are noise.
void two_classes(std::size_t n, std::size_t d, std::uint64_t seed, Matrix &X, Vector &y) {
    Random rng(seed);
    X = xt::empty<double>({n, d});
    y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) X(i, j) = rng.normal();
        y[i] = (X(i, 0) + X(i, 1) > 0.0) ? 1.0 : 0.0;
        if (rng.uniform() < 0.1) y[i] = 1.0 - y[i];
    }
}

double accuracy(const Vector &a, const Vector &b) {
    double hits = 0;
    for (std::size_t i = 0; i < a.size(); ++i) hits += a[i] == b[i];
    return hits / static_cast<double>(a.size());
}

} // namespace

TEST_CASE("bin_features: codes agree with raw thresholds") {
    Matrix X, unused;
    Vector y;
    two_classes(3000, 3, 1, X, y);
    const BinnedFeatures bins = bin_features(X, 16, 0, 1);
    for (std::size_t f = 0; f < 3; ++f) {
        REQUIRE(bins.edges[f].size() <= 15);
        for (std::size_t i = 0; i < X.shape(0); ++i) {
            const auto c = bins.column(f)[i];
            for (std::size_t b = 0; b < bins.edges[f].size(); ++b) {
                REQUIRE((c <= b) == (X(i, f) <= bins.edges[f][b]));
            }
        }
    }
}

TEST_CASE("RandomForestClassifier learns, is deterministic for any n_jobs and round-trips") {
    Matrix X, Xt;
    Vector y, yt;
    two_classes(2000, 5, 3, X, y);
    two_classes(1000, 5, 4, Xt, yt);
    RandomForestClassifier a({.n_estimators = 30, .oob_score = true, .n_jobs = 1, .random_state = 5});
    RandomForestClassifier b({.n_estimators = 30, .oob_score = true, .n_jobs = 2, .random_state = 5});
    a.fit(X, y);
    b.fit(X, y);
    CHECK((a.to_document()["state"] == b.to_document()["state"]));
    const double acc = accuracy(a.predict(Xt), yt);
    CHECK(acc > 0.8); // the Bayes rate is 0.9
    REQUIRE(a.oob_score());
    CHECK(*a.oob_score() > 0.75);
    CHECK(std::abs(*a.oob_score() - acc) < 0.06);
    const auto &imp = a.feature_importances();
    double s = 0;
    for (double v : imp) s += v;
    CHECK(s == doctest::Approx(1.0));
    CHECK(imp[0] > imp[2]);
    CHECK(imp[1] > imp[3]);
    const Matrix p = a.predict_proba(Xt);
    for (std::size_t i = 0; i < p.shape(0); ++i) REQUIRE(p(i, 0) + p(i, 1) == doctest::Approx(1.0));

    const auto path = std::filesystem::temp_directory_path() / "oddkit_rf_test.cbor";
    a.save(path.string());
    const RandomForestClassifier c = RandomForestClassifier::load(path.string());
    std::filesystem::remove(path);
    const Matrix q = c.predict_proba(Xt);
    CHECK(q == p);

    // A loaded model scores with the threads it is given now; same numbers, bad values refused.
    RandomForestClassifier d = c;
    d.set_n_jobs(2);
    CHECK(d.params().n_jobs == 2);
    CHECK(d.predict_proba(Xt) == p);
    CHECK_THROWS_WITH_AS(d.set_n_jobs(0), doctest::Contains("n_jobs"), InvalidArgument);
}

TEST_CASE("RandomForestClassifier options: entropy, depth, leaves, class weights, bootstrap off") {
    Matrix X;
    Vector y;
    two_classes(600, 4, 8, X, y);
    for (auto cw : {ClassWeight::none, ClassWeight::balanced, ClassWeight::balanced_subsample}) {
        RandomForestClassifier f({.n_estimators = 5, .criterion = Criterion::entropy, .max_depth = 3,
                                  .max_features = MaxFeatures::all(), .class_weight = cw, .random_state = 1});
        f.fit(X, y);
        CHECK(f.node_count() <= 5 * 15);
    }
    RandomForestClassifier leaves({.n_estimators = 3, .max_leaf_nodes = 6, .bootstrap = false});
    leaves.fit(X, y);
    CHECK(leaves.leaf_count() == 18);
    RandomForestClassifier given({.n_estimators = 3, .class_weight = ClassWeight::given, .class_weights = {{7.0, 2.0}}});
    CHECK_THROWS_AS(given.fit(X, y), InvalidArgument);
}

TEST_CASE("RandomForestRegressor fits a smooth function") {
    Random rng(2);
    const std::size_t n = 2000;
    Matrix X = xt::empty<double>({n, std::size_t{3}});
    Vector y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 3; ++j) X(i, j) = rng.uniform(-2, 2);
        y[i] = std::sin(X(i, 0)) + 0.5 * X(i, 1) + 0.05 * rng.normal();
    }
    RandomForestRegressor f({.n_estimators = 20, .oob_score = true, .random_state = 3});
    f.fit(X, y);
    REQUIRE(f.oob_score());
    CHECK(*f.oob_score() > 0.9);
    CHECK(f.feature_importances()[2] < 0.1);
    CHECK_THROWS_AS(RandomForestRegressor({.criterion = Criterion::gini}), InvalidArgument);
}

TEST_CASE("RandomForest bad input, not fitted and corrupted documents") {
    Matrix X;
    Vector y;
    two_classes(200, 3, 9, X, y);
    RandomForestClassifier f({.n_estimators = 4});
    CHECK_THROWS_AS(f.predict(X), NotFitted);
    CHECK_THROWS_AS(RandomForestClassifier({.max_depth = 0}), InvalidArgument);
    CHECK_THROWS_AS(RandomForestClassifier({.min_samples_split = 1}), InvalidArgument);
    CHECK_THROWS_AS(RandomForestClassifier({.min_samples_leaf = 0}), InvalidArgument);
    CHECK_THROWS_AS(RandomForestClassifier({.bootstrap = false, .oob_score = true}), InvalidArgument);
    Vector short_y = xt::zeros<double>({10});
    CHECK_THROWS_AS(f.fit(X, short_y), InvalidArgument);
    Vector one_class = xt::zeros<double>({200});
    CHECK_THROWS_AS(f.fit(X, one_class), InvalidArgument);
    Vector nan_y = y;
    nan_y[3] = NAN;
    CHECK_THROWS_AS(f.fit(X, nan_y), InvalidArgument);
    Matrix bad = X;
    bad(1, 1) = INFINITY;
    CHECK_THROWS_AS(f.fit(bad, y), InvalidArgument);
    f.fit(X, y);
    Matrix wrong = xt::zeros<double>({3, 2});
    CHECK_THROWS_AS(f.predict(wrong), InvalidArgument);

    const Json doc = f.to_document();
    auto corrupt = [&](auto edit) {
        Json d = doc;
        edit(d["state"]);
        d = make_document("RandomForestClassifier", 1, d["params"], d["state"]); // fresh checksum
        CHECK_THROWS_AS(RandomForestClassifier::from_document(d), FormatError);
    };
    corrupt([](Json &s) { s["node_left"][0] = 100000000; });
    corrupt([](Json &s) { s["node_feature"][0] = 99; });
    corrupt([](Json &s) { s["tree_begin"].back() = 3; });
    corrupt([](Json &s) { s["leaf_values"].erase(s["leaf_values"].begin()); });
    corrupt([](Json &s) { s["classes"] = {1.0, 0.0}; });
    corrupt([](Json &s) { s["node_left"] = Json::array(); });
    Json tampered = doc;
    tampered["state"]["leaf_values"][0] = 0.123;
    CHECK_THROWS_AS(RandomForestClassifier::from_document(tampered), FormatError); // checksum
    CHECK_THROWS_AS(RandomForestRegressor::from_document(doc), FormatError);
}
