#pragma once
/// Small deep trees walked in lockstep (internal): the prediction layout for trees deeper than
/// complete_tree_max_depth whose nodes fit in a core's L2 cache, as fully grown trees on data
/// of up to some hundred thousand rows are. Larger trees keep the pointer walk
/// (forest_walk.hpp), whose prefetching hides the cache misses they take.
///
/// Each node is three parallel entries: its threshold, its next position (the left child, or
/// the node itself for a leaf) and its feature as an offset into the lane-interleaved rows
/// (complete_trees.hpp). A leaf's threshold is +inf, so every step is the same branch-free
///     i = next[i] + !(x[offset[i]] <= threshold[i])
/// and a walk that has reached its leaf stays there. 16 rows walk a tree side by side until a
/// step in which every lane was at a leaf (the least threshold seen is +inf). The group pays for
/// its deepest row: ALOI's rows take 17.8 steps on average and a group of 16, 29.1. But a lane's
/// step is 7 instructions against about 17 for the pointer walk's (with its leaf test, its
/// lane refill and its tie test on float keys), and no branch depends on the data until the
/// group ends. Measured on 1_ALOI (100 trees of about 2,200 nodes, 9,907 rows, C++, one
/// thread, best of 30): 40.1 ms with the pointer walk, 30 ms in lockstep.
///
/// A tree with a real split at +inf is left to the pointer walk: there the least threshold
/// being +inf would not mean every lane is at a leaf.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

/// An offset that names no feature yet (a leaf, or a padded slot of a complete tree): it reads
/// the first lane feature once the features are ranked.
inline constexpr std::uint32_t lane_no_feature = 0xffffffffU;

/// Trees of at most this many nodes walk in lockstep (16 bytes a node: 256 KiB, half of L2 on
/// the machines measured).
inline constexpr std::size_t lockstep_tree_max_nodes = 16384;

struct LockstepTrees {
    std::vector<double> threshold;       ///< per node; +inf at a leaf
    /// Per node: the position of its left child, or its own at a leaf. Positions count over all
    /// held trees (node_begin[t] is tree t's root), so a step adds no per-tree base: measured on
    /// 1_ALOI (C++, one thread, best of 150), 26.3 -> 23.9 ms against tree-local positions.
    std::vector<std::uint32_t> next;
    /// Per node: the feature (as built), then its offset into a group of interleaved rows once
    /// the lane features are ranked (complete_trees).
    std::vector<std::uint32_t> offset;
    std::vector<std::int32_t> leaf;      ///< per node: its leaf index (at a leaf)
    std::vector<std::size_t> node_begin; ///< T + 1 offsets into the node arrays
    std::vector<bool> held;              ///< per tree: walked in lockstep
    std::size_t n_held = 0;

    bool holds(std::size_t t) const noexcept { return t < held.size() && held[t]; }
};

/// The lockstep form of the trees of ForestNode arrays (children of node i at left and left + 1
/// within the tree; a leaf has feature -1 and its leaf index in left) for which `wanted(t)` and
/// which are small enough and have no split at +inf. Offsets hold feature numbers.
template <class Wanted>
LockstepTrees lockstep_trees(const ForestNode *nodes, const std::uint32_t *tree_begin, std::size_t n_trees,
                             Wanted wanted) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    LockstepTrees out;
    out.node_begin.push_back(0);
    for (std::size_t t = 0; t < n_trees; ++t) {
        const ForestNode *tree = nodes + tree_begin[t];
        const std::size_t size = tree_begin[t + 1] - tree_begin[t];
        bool fits = wanted(t) && size <= lockstep_tree_max_nodes;
        for (std::size_t i = 0; i < size && fits; ++i) fits = tree[i].feature < 0 || tree[i].threshold != inf;
        const std::size_t base = out.threshold.size();
        fits = fits && size <= std::numeric_limits<std::uint32_t>::max() - base; // positions are 32-bit
        out.held.push_back(fits);
        if (fits) {
            ++out.n_held;
            for (std::size_t i = 0; i < size; ++i) {
                const ForestNode &node = tree[i];
                const bool is_leaf = node.feature < 0;
                out.threshold.push_back(is_leaf ? inf : node.threshold);
                out.next.push_back(static_cast<std::uint32_t>(base + (is_leaf ? i : static_cast<std::size_t>(node.left))));
                out.offset.push_back(is_leaf ? lane_no_feature : static_cast<std::uint32_t>(node.feature));
                out.leaf.push_back(is_leaf ? node.left : -1);
            }
        }
        out.node_begin.push_back(out.threshold.size());
    }
    return out;
}

/// acc[i * k + c] += lockstep tree t's leaf value c for row i of the interleaved rows
/// (interleave_lane_rows, `group_size` values per group of `lanes` rows), i in [0, n_rows).
template <std::size_t lanes, std::size_t fixed_k = 0>
void add_lockstep_tree_walks_k(const LockstepTrees &f, std::size_t t, const double *leaf_values, std::size_t k_given,
                               const double *lane_rows, std::size_t group_size, std::size_t n_rows, double *acc) {
    const std::size_t k = fixed_k != 0 ? fixed_k : k_given;
    const double *threshold = f.threshold.data();
    const std::uint32_t *next = f.next.data();
    const std::uint32_t *offset = f.offset.data();
    const std::int32_t *leaf = f.leaf.data();
    const auto root = static_cast<std::uint32_t>(f.node_begin[t]);
    constexpr double inf = std::numeric_limits<double>::infinity();
    // A walk is at most as many steps as the tree has nodes; the bound only guards the loop.
    const std::size_t max_steps = f.node_begin[t + 1] - f.node_begin[t];
    const double *x = lane_rows;
    for (std::size_t r = 0; r < n_rows; r += lanes, x += group_size) {
        std::uint32_t at[lanes];
        for (std::size_t l = 0; l < lanes; ++l) at[l] = root;
        for (std::size_t step = 0; step < max_steps; ++step) {
            double lowest = inf;
#pragma GCC unroll 16
            for (std::size_t l = 0; l < lanes; ++l) {
                const double cut = threshold[at[l]];
                lowest = std::min(cut, lowest);
                at[l] = next[at[l]] + static_cast<std::uint32_t>(!(x[offset[at[l]] + l] <= cut));
            }
            if (lowest == inf) break; // every lane was at its leaf, and stayed
        }
        const std::size_t live = std::min(lanes, n_rows - r);
        for (std::size_t l = 0; l < live; ++l) {
            const double *v = leaf_values + static_cast<std::size_t>(leaf[at[l]]) * k;
            double *a = acc + (r + l) * k;
            for (std::size_t c = 0; c < k; ++c) a[c] += v[c];
        }
    }
}

} // namespace oddkit::detail
