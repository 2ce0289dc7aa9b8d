// Forests on sparse and few-valued features: the binning's mode and lossless values, the
// max_features draw that counts constant features, and exact thresholds from histograms.
#include <doctest/doctest.h>

#include <vector>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

struct FittedTrees {
    std::vector<std::uint32_t> tree_begin;
    std::vector<int> feature;
    std::vector<double> threshold;
};

FittedTrees trees_of(const RandomForestClassifier &f) {
    const Json doc = f.to_document();
    const Json &s = doc.at("state");
    return {s.at("tree_begin").get<std::vector<std::uint32_t>>(), s.at("node_feature").get<std::vector<int>>(),
            s.at("node_threshold").get<std::vector<double>>()};
}

} // namespace

TEST_CASE("bin_features: mode bin, and each bin's value when the binning is lossless") {
    // Column 0: 70 zeros, 20 ones, 10 fives. Column 1: 100 distinct values (more than max_bins).
    Matrix X = xt::empty<double>({std::size_t{100}, std::size_t{2}});
    for (std::size_t i = 0; i < 100; ++i) {
        X(i, 0) = i < 70 ? 0.0 : (i < 90 ? 1.0 : 5.0);
        X(i, 1) = static_cast<double>(i) * 0.5;
    }
    const BinnedFeatures bins = bin_features(X, 16, 0, 1);
    CHECK(bins.mode[0] == 0);
    CHECK(bins.heavy_mode(0));
    REQUIRE(bins.lossless(0));
    CHECK(bins.values[0] == std::vector<double>{0.0, 1.0, 5.0});
    CHECK_FALSE(bins.lossless(1));
    CHECK_FALSE(bins.heavy_mode(1)); // 100 values in 16 bins: about 1/16 of the rows each
    CHECK_FALSE(bins.sparse_mode(0)); // 70% of the rows in the mode: heavy, not sparse
    CHECK_FALSE(bins.sparse_mode(1));

    // Binning from a 40-row sample: a value no sampled row has makes the binning lossy, since
    // its rows share a bin with another value.
    Matrix Z = xt::zeros<double>({std::size_t{1000}, std::size_t{1}});
    Z(999, 0) = 0.25;
    for (std::size_t i = 0; i < 500; ++i) Z(i, 0) = 1.0;
    const BinnedFeatures sampled = bin_features(Z, 16, 0, 1, 40);
    bool sampled_quarter = false; // the sample is sorted row numbers; row 999 is rarely in it
    for (double v : sampled.values[0]) sampled_quarter = sampled_quarter || v == 0.25;
    CHECK((sampled.lossless(0) == sampled_quarter));
    const BinnedFeatures full = bin_features(Z, 16, 0, 1);
    REQUIRE(full.lossless(0));
    CHECK(full.values[0] == std::vector<double>{0.0, 0.25, 1.0});

    // Sparse: the mode holds at least 9/10 of the rows (here 900 and 899 of 1,000).
    Matrix S = xt::zeros<double>({std::size_t{1000}, std::size_t{2}});
    for (std::size_t i = 0; i < 100; ++i) S(i, 0) = 1.0;
    for (std::size_t i = 0; i < 101; ++i) S(i, 1) = 1.0;
    const BinnedFeatures sparse = bin_features(S, 16, 0, 1);
    CHECK(sparse.sparse_mode(0));
    CHECK_FALSE(sparse.sparse_mode(1));
}

TEST_CASE("RandomForest: constant features drawn count towards max_features") {
    // Feature 1 (noise) and feature 7 (the label's source) among 50 features, the rest constant.
    // Two draws of 50 rarely meet both, so the root splits on whichever non-constant feature is
    // drawn first: half the roots on the noise (standard deviation 0.035 over 200 trees).
    // Counting only non-constant features, every root would search both and take feature 7.
    const std::size_t n = 300, d = 50;
    Matrix X = xt::zeros<double>({n, d});
    Vector y = xt::empty<double>({n});
    Random rng(4);
    for (std::size_t i = 0; i < n; ++i) {
        X(i, 1) = rng.normal();
        X(i, 7) = rng.normal();
        y[i] = X(i, 7) + 0.3 * rng.normal() > 0.0 ? 1.0 : 0.0;
    }
    RandomForestClassifier f({.n_estimators = 200, .max_features = MaxFeatures::count(2), .random_state = 3});
    f.fit(X, y);
    const FittedTrees t = trees_of(f);
    std::size_t on_noise = 0;
    for (std::size_t k = 0; k + 1 < t.tree_begin.size(); ++k) {
        const int root = t.feature[t.tree_begin[k]];
        REQUIRE((root == 1 || root == 7));
        on_noise += root == 1;
    }
    CHECK(on_noise > 70);
    CHECK(on_noise < 130);
}

TEST_CASE("RandomForest: a few-valued feature splits midway between the values in the node") {
    // Rows of weight 0 give the binning the values 1..8, but the tree sees only 0 and 20, so
    // the CART threshold is 10. (Edges lie at 0.5, 1.5, .., 7.5 and 14; the middle edge of those
    // between 0 and 20 would be 4.5.) Large enough for a histogram node, and small for an exact
    // one: both place it at 10.
    for (std::size_t seen : {std::size_t{400}, std::size_t{60}}) {
        const std::size_t unseen = 80;
        Matrix X = xt::empty<double>({seen + unseen, std::size_t{1}});
        Vector y = xt::empty<double>({seen + unseen});
        Vector w = xt::empty<double>({seen + unseen});
        for (std::size_t i = 0; i < seen; ++i) {
            X(i, 0) = i % 2 == 0 ? 0.0 : 20.0;
            y[i] = i % 2 == 0 ? 0.0 : 1.0;
            w[i] = 1.0;
        }
        for (std::size_t i = seen; i < seen + unseen; ++i) {
            X(i, 0) = static_cast<double>(1 + i % 8);
            y[i] = static_cast<double>(i % 2);
            w[i] = 0.0;
        }
        RandomForestClassifier f({.n_estimators = 1, .max_features = MaxFeatures::all(), .bootstrap = false});
        f.fit(X, y, w);
        const FittedTrees t = trees_of(f);
        REQUIRE(t.feature.size() == 3);
        CHECK(t.feature[0] == 0);
        CHECK(t.threshold[0] == 10.0);
    }
}

TEST_CASE("RandomForest: sparse columns give the same forest on any thread count") {
    // Mostly-zero columns take the histogram's skip of the mode bin in large nodes and the
    // lossless histogram in small ones; sample weights make the skipped bin's sums inexact.
    const std::size_t n = 1500, d = 40;
    Matrix X = xt::zeros<double>({n, d});
    Vector y = xt::empty<double>({n}), w = xt::empty<double>({n});
    Random rng(11);
    for (std::size_t i = 0; i < n; ++i) {
        double score = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
            if (rng.uniform() < 0.08) X(i, j) = j % 3 == 0 ? 1.0 : static_cast<double>(rng.below(5));
            score += (j < 6 ? 1.0 : 0.0) * X(i, j);
        }
        y[i] = score + 0.5 * rng.normal() > 1.0 ? 1.0 : 0.0;
        w[i] = 0.5 + rng.uniform();
    }
    RandomForestClassifier one({.n_estimators = 20, .n_jobs = 1, .random_state = 2});
    RandomForestClassifier two({.n_estimators = 20, .n_jobs = 2, .random_state = 2});
    one.fit(X, y, w);
    two.fit(X, y, w);
    CHECK(one.to_document().at("state") == two.to_document().at("state"));
    Vector p = xt::empty<double>({n * 2});
    one.predict_proba(X, p.data(), p.size());
    double hits = 0.0;
    for (std::size_t i = 0; i < n; ++i) hits += (p[2 * i + 1] > 0.5) == (y[i] == 1.0);
    CHECK(hits / static_cast<double>(n) > 0.9); // training rows
}
