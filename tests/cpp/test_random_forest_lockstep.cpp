// Deep trees small enough for L2 walk in lockstep (learn/detail/lockstep_trees.hpp): 16 rows
// step together, leaves loop on themselves, and the group ends when every lane sat at a leaf.
// Checked against a row-by-row pointer walk: fitted deep trees, a chain at the size limit and
// one node past it, and a deep tree with a real split at +inf (which must keep the pointer walk).

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;

namespace {

/// A chain of `splits` splits on feature 1 (x1 <= j goes to leaf j, else on down), depth
/// `splits`, 2 * splits + 1 nodes; leaf indices from `first_leaf`.
std::vector<ForestNode> chain(std::size_t splits, std::int32_t first_leaf, double last_threshold) {
    std::vector<ForestNode> tree;
    for (std::size_t j = 0; j < splits; ++j) {
        const auto at = static_cast<std::int32_t>(tree.size());
        const double threshold = j + 1 == splits ? last_threshold : static_cast<double>(j);
        tree.push_back({threshold, 1, at + 1});
        tree.push_back({0.0, -1, first_leaf + static_cast<std::int32_t>(j)});
    }
    tree.push_back({0.0, -1, first_leaf + static_cast<std::int32_t>(splits)});
    return tree;
}

/// n x d values on a grid of 1/8 (so rows tie with thresholds), row-major.
std::vector<double> grid_normal_rows(Random &rng, std::size_t n, std::size_t d) {
    std::vector<double> X(n * d);
    for (double &x : X) x = std::round(rng.normal() * 8.0) / 8.0;
    return X;
}

} // namespace

TEST_CASE("lockstep walk: fitted deep trees give the row-by-row walk's sums, bit for bit") {
    Random rng(31);
    const std::size_t n = 1500, d = 6;
    const std::vector<double> X = grid_normal_rows(rng, n, d);
    Vector y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = static_cast<double>(rng.uniform() < 0.3 + 0.4 * (X[i * d] > 0)) + static_cast<double>(rng.uniform() < 0.2);
    }
    RandomForestClassifier forest({.n_estimators = 5, .random_state = 6});
    forest.fit(MatrixView(X.data(), n, d), y);
    const test::DocumentForest f(forest.to_document());
    const std::size_t T = f.n_trees(), k = 3;
    REQUIRE(f.k == k);

    const auto lanes = detail::complete_trees(f.nodes.data(), f.begin.data(), T);
    REQUIRE(lanes.n_converted == 0); // noisy labels: every tree is deeper than 12
    CHECK(lanes.lockstep.n_held == T);
    CHECK(lanes.all_lane_walks());
    const auto pointers = detail::complete_trees(f.nodes.data(), f.begin.data(), T, detail::complete_tree_max_depth, false);
    CHECK(pointers.lockstep.n_held == 0);
    CHECK_FALSE(pointers.uses_lane_rows());

    const auto reference = test::pointer_walk_sums(f.nodes, f.begin, f.leaf, k, X, d);
    for (std::size_t rows : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}, n}) {
        CAPTURE(rows);
        const auto got = test::layout_sums(f.layout(), lanes, X, d, rows);
        const auto by_pointer = test::layout_sums(f.layout(), pointers, X, d, rows);
        for (std::size_t i = 0; i < rows * k; ++i) {
            REQUIRE(got[i] == reference[i]);
            REQUIRE(by_pointer[i] == reference[i]);
        }
    }
    // Through the estimator: predict_proba is the mean of the same sums.
    const Matrix p = forest.predict_proba(MatrixView(X.data(), n, d));
    for (std::size_t i = 0; i < n * k; ++i) REQUIRE(p.data()[i] == reference[i] * (1.0 / static_cast<double>(T)));
}

TEST_CASE("lockstep walk: trees past the size limit or with a split at +inf keep the pointer walk") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    // Tree 0: a chain of 8,191 splits (16,383 nodes: the limit is 16,384). Tree 1: 8,192 splits
    // (16,385 nodes). Tree 2: a chain of 20 splits whose last threshold is +inf. Tree 3: a
    // 14-split chain, held, beside them.
    const std::size_t d = 2;
    std::vector<ForestNode> nodes;
    std::vector<std::uint32_t> begin{0};
    std::int32_t leaves = 0;
    for (const auto &[splits, last] : {std::pair<std::size_t, double>{8191, 8190.0}, {8192, 8191.0}, {20, inf}, {14, 13.0}}) {
        const auto tree = chain(splits, leaves, last);
        nodes.insert(nodes.end(), tree.begin(), tree.end());
        begin.push_back(static_cast<std::uint32_t>(nodes.size()));
        leaves += static_cast<std::int32_t>(splits) + 1;
    }
    std::vector<double> leaf_values;
    for (std::int32_t leaf = 0; leaf < leaves; ++leaf) leaf_values.push_back(0.5 * leaf);
    const auto lanes = detail::complete_trees(nodes.data(), begin.data(), 4);
    REQUIRE(begin[1] - begin[0] == detail::lockstep_tree_max_nodes - 1);
    CHECK(lanes.lockstep.holds(0));
    CHECK_FALSE(lanes.lockstep.holds(1));
    CHECK_FALSE(lanes.lockstep.holds(2));
    CHECK(lanes.lockstep.holds(3));
    CHECK_FALSE(lanes.all_lane_walks());

    // Rows that stop at the top, in the middle, at the bottom and past every split, mixed
    // within groups of 16, and a part-filled last group.
    std::vector<double> X;
    for (std::size_t i = 0; i < 53; ++i) {
        X.push_back(0.0);
        X.push_back(i % 4 == 0 ? -1.0 : i % 4 == 1 ? static_cast<double>(i * 150) : i % 4 == 2 ? 12.5 : 1e9);
    }
    const std::size_t n = X.size() / d;
    const detail::ForestLayout layout{nodes.data(), begin.data(), 4, leaf_values.data(), 1};
    const auto reference = test::pointer_walk_sums(nodes, begin, leaf_values, 1, X, d);
    const auto got = test::layout_sums(layout, lanes, X, d, n);
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i);
        REQUIRE(got[i] == reference[i]);
    }
}

TEST_CASE("lockstep walk: forests of lane walks run in chunks of at most 2 MiB of interleaved rows, same sums") {
    Random rng(47);
    const std::size_t n_fit = 1500, d = 6;
    const std::vector<double> X_fit = grid_normal_rows(rng, n_fit, d);
    Vector y = xt::empty<double>({n_fit});
    for (std::size_t i = 0; i < n_fit; ++i) y[i] = static_cast<double>(rng.uniform() < 0.3 + 0.4 * (X_fit[i * d + 1] > 0));
    RandomForestClassifier forest({.n_estimators = 4, .random_state = 2});
    forest.fit(MatrixView(X_fit.data(), n_fit, d), y);
    const test::DocumentForest f(forest.to_document());
    const std::size_t T = f.n_trees(), k = 2;
    REQUIRE(f.k == k);
    const auto lanes = detail::complete_trees(f.nodes.data(), f.begin.data(), T);
    REQUIRE(lanes.lockstep.n_held > 0);
    REQUIRE(lanes.all_lane_walks());
    REQUIRE(lanes.features.size() == d);
    // Small trees (on average at most 2,048 nodes): 512 KiB / (6 features x 8 bytes) = 10,922
    // rows, in whole groups of 16; larger ones 2 MiB, 43,690 rows; a forest with a pointer-walk
    // tree keeps the deep walk's chunk.
    REQUIRE(lanes.lockstep.threshold.size() <= 2048 * lanes.lockstep.n_held);
    CHECK(detail::walk_chunk_rows_for(lanes, 131072) == 10912);
    detail::CompleteTrees larger = lanes;
    larger.lockstep.threshold.resize(2049 * larger.lockstep.n_held); // only the size is read
    CHECK(detail::walk_chunk_rows_for(larger, 131072) == 43680);
    detail::CompleteTrees mixed = lanes;
    mixed.depth.push_back(-1);
    mixed.lockstep.held.push_back(false);
    CHECK(detail::walk_chunk_rows_for(mixed, 131072) == 131072);
    // Wide rows: never under 1,024 rows.
    detail::CompleteTrees wide = lanes;
    wide.features.resize(4000);
    CHECK(detail::walk_chunk_rows_for(wide, 131072) == 1024);

    // Three chunks, the last ending in a part-filled group of lanes.
    const std::size_t n = 2 * 10912 + 1000 + 7;
    const std::vector<double> X = grid_normal_rows(rng, n, d);
    const auto reference = test::pointer_walk_sums(f.nodes, f.begin, f.leaf, k, X, d);
    const auto got = test::layout_sums(f.layout(), lanes, X, d, n);
    for (std::size_t i = 0; i < n * k; ++i) REQUIRE(got[i] == reference[i]);
}
