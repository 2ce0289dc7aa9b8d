// The complete-tree walk stops early when every lane of a group sits in a padded slot (a leaf
// above the bottom) and finishes the always-left spine by arithmetic. Checked here against a
// pointer walk on hand-built trees: a sparse chain where whole groups end shallow, and a tree
// whose real split has threshold +inf, where stopping at the first +inf would be wrong.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/learn/detail/forest_walk.hpp"
#include "test_support.hpp"

using namespace oddkit;

namespace {

constexpr double shortcut_inf = std::numeric_limits<double>::infinity();

/// A chain on feature 0 (x0 <= 0, <= 1, <= 2), then `fourth` on feature 1, whose left child
/// splits x0 <= 3: six leaves, depth 5 (32 bottom slots).
std::vector<ForestNode> chain_tree(double fourth) {
    return {
        {0.0, 0, 1},    {0.0, -1, 0},   {1.0, 0, 3}, {0.0, -1, 1}, {2.0, 0, 5},  {0.0, -1, 2},
        {fourth, 1, 7}, {3.0, 0, 9},    {0.0, -1, 3}, {0.0, -1, 4}, {0.0, -1, 5},
    };
}

} // namespace

TEST_CASE("complete-tree walk: groups that end in shallow leaves stop early, with the pointer walk's sums") {
    // Tree 0 has a real split at +inf (feature 1): it must not take the early stop. Tree 1 is
    // the same chain with a finite fourth split, and sparse enough to take it.
    std::vector<ForestNode> nodes = chain_tree(shortcut_inf);
    std::vector<ForestNode> second = chain_tree(0.5);
    for (ForestNode &node : second) {
        if (node.feature < 0) node.left += 6; // tree 1's leaves follow tree 0's in the table
    }
    nodes.insert(nodes.end(), second.begin(), second.end());
    const std::vector<std::uint32_t> begin{0, 11, 22};
    std::vector<double> leaf_values;
    for (int leaf = 0; leaf < 12; ++leaf) {
        leaf_values.push_back(leaf);
        leaf_values.push_back(100.0 + leaf * 0.25);
    }
    const detail::CompleteTrees complete = detail::complete_trees(nodes.data(), begin.data(), 2);
    REQUIRE(complete.converted(0));
    REQUIRE(complete.converted(1));
    CHECK(complete.depth[0] == 5);
    CHECK_FALSE(complete.shortcut[0]);
    CHECK(complete.shortcut[1]);

    // Rows in groups of 16: all at the first leaf (every group stops after one step), all
    // past the +inf split with x0 > 3 (the last leaf), all at the third leaf, then a mix, and
    // a tail of rows after the last full group.
    const std::size_t d = 2;
    std::vector<double> X;
    const auto add_rows = [&](std::size_t count, double x0, double x1) {
        for (std::size_t i = 0; i < count; ++i) {
            X.push_back(x0);
            X.push_back(x1);
        }
    };
    add_rows(16, -1.0, 0.0);
    add_rows(16, 5.0, 0.0);
    add_rows(16, 1.5, 9.0);
    for (std::size_t i = 0; i < 16; ++i) add_rows(1, static_cast<double>(i % 6) - 0.5, i % 3 == 0 ? 0.0 : 1.0);
    add_rows(5, 2.5, 1.0);
    const std::size_t n = X.size() / d;
    const std::vector<double> expected = test::pointer_walk_sums(nodes, begin, leaf_values, 2, X, d);
    // Tree 0 sends the x0 = 5 rows to leaf 5 (x0 > 3); stopping at its +inf split would give leaf 4.
    CHECK(expected[16 * 2] == 5.0 + 11.0);

    const detail::ForestLayout layout{nodes.data(), begin.data(), 2, leaf_values.data(), 2};
    const std::vector<double> got = test::layout_sums(layout, complete, X, d, n);
    for (std::size_t i = 0; i < n * 2; ++i) {
        CAPTURE(i);
        CHECK(got[i] == expected[i]);
    }
}

TEST_CASE("complete-tree walk: wide rows interleave only the split features, in chunks bounded by their size") {
    // One full tree of depth 6 whose 63 splits each test a different feature of 4,000, in no
    // particular order: the interleaved rows hold those 63 features, and a chunk of all-complete
    // trees holds 256 KiB / (63 x 8 bytes) rows, rounded down to a group of lanes: 512.
    const std::size_t d = 4000, splits = 63;
    std::vector<ForestNode> nodes;
    std::vector<std::size_t> split_feature;
    for (std::size_t p = 0; p < splits; ++p) {
        const std::size_t feature = (p * 1237 + 11) % d;
        split_feature.push_back(feature);
        // Breadth-first: children of split p at 2p + 1 and 2p + 2; the bottom splits' children
        // are leaves numbered from slot 63 on.
        nodes.push_back({0.1 * static_cast<double>(p % 7) - 0.3, static_cast<std::int32_t>(feature),
                         static_cast<std::int32_t>(2 * p + 1)});
    }
    for (std::int32_t leaf = 0; leaf < 64; ++leaf) nodes.push_back({0.0, -1, leaf});
    // A second tree, a stump on the last feature, shares the leaf table's first two leaves.
    nodes.push_back({0.0, static_cast<std::int32_t>(d - 1), 1});
    nodes.push_back({0.0, -1, 0});
    nodes.push_back({0.0, -1, 1});
    const std::vector<std::uint32_t> begin{0, 127, 130};
    std::vector<double> leaf_values;
    for (int leaf = 0; leaf < 64; ++leaf) {
        leaf_values.push_back(leaf);
        leaf_values.push_back(0.5 * leaf);
    }
    const detail::CompleteTrees complete = detail::complete_trees(nodes.data(), begin.data(), 2);
    REQUIRE(complete.all_converted());
    CHECK(complete.depth[0] == 6);
    std::vector<std::uint32_t> expected_features(split_feature.begin(), split_feature.end());
    expected_features.push_back(d - 1);
    std::sort(expected_features.begin(), expected_features.end());
    expected_features.erase(std::unique(expected_features.begin(), expected_features.end()), expected_features.end());
    CHECK(complete.features == expected_features);
    const std::size_t used = expected_features.size();
    REQUIRE(used == 64); // 63 distinct split features and d - 1
    CHECK(detail::walk_chunk_rows_for(complete, 65536) == 512);
    // The same features with a tree that keeps the pointer walk: chunks of the deep walk's size,
    // bounded to 32 MiB of interleaved rows (here 65,536 rows of 64 features fit exactly).
    detail::CompleteTrees mixed = complete;
    mixed.depth.push_back(-1);
    CHECK(detail::walk_chunk_rows_for(mixed, 65536) == 65536);
    mixed.features.resize(5000);
    CHECK(detail::walk_chunk_rows_for(mixed, 65536) == 1024); // 32 MiB / 40,000 bytes, at least 1,024
    mixed.features.resize(100);
    CHECK(detail::walk_chunk_rows_for(mixed, 65536) == 41936); // 32 MiB / 800 bytes, in groups of 16

    // 1,100 rows: two full chunks and a third that ends in a part-filled group of lanes.
    const std::size_t n = 1100;
    std::vector<double> X(n * d);
    std::uint64_t state = 99;
    for (double &x : X) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        x = static_cast<double>(state >> 40) / static_cast<double>(1ULL << 24) - 0.5;
    }
    std::vector<double> expected(n * 2, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t at = 0;
        while (at < splits) at = 2 * at + (X[i * d + split_feature[at]] <= nodes[at].threshold ? 1 : 2);
        const std::size_t leaf = at - splits;
        const std::size_t stump_leaf = X[i * d + d - 1] <= 0.0 ? 0 : 1;
        for (std::size_t c = 0; c < 2; ++c) {
            expected[i * 2 + c] = leaf_values[leaf * 2 + c] + leaf_values[stump_leaf * 2 + c];
        }
    }
    const detail::ForestLayout layout{nodes.data(), begin.data(), 2, leaf_values.data(), 2};
    const std::vector<double> got = test::layout_sums(layout, complete, X, d, n);
    for (std::size_t i = 0; i < n * 2; ++i) {
        CAPTURE(i);
        REQUIRE(got[i] == expected[i]);
    }
}
