#pragma once
/// Shallow trees as complete binary trees (internal): the prediction layout for trees at most
/// `complete_tree_max_depth` deep (forests with max_depth set, as tuned forests usually have,
/// and many trees grown on small data). Deeper trees of the same forest keep the pointer walk.
///
/// A tree of depth D is padded to all 2^D - 1 split slots, in breadth-first order, so the
/// children of slot i are 2i + 1 and 2i + 2 and a walk is exactly D steps
///     i = 2i + 2 - (x[feature[i]] <= threshold[i])
/// with no child pointers and no "is this a leaf?" test. A leaf above the bottom becomes a
/// slot with threshold +inf (every finite x goes left) over a left spine that ends at the bottom
/// slot mapped to that leaf. Walks then have no branch to mispredict, so several rows can walk
/// a tree side by side. Inputs are finite (predict checks X), so `x <= +inf` always holds.
///
/// A sparse tree (leaves at most a quarter of its bottom slots, as when most rows end in shallow
/// leaves) also lets a group of lanes stop early: after a step in which every lane was in a
/// padded slot (threshold +inf), the rest of each walk is the left spine and is computed in one
/// go. A tree with a real split at +inf never stops early (such a slot is not a leaf).
/// Measured on 34_smtp (100 trees of 37 nodes, up to 12 deep; rows walk 3.2 real steps on
/// average, 5.2 for the deepest of 16): with two-class leaves added by straight-line code too,
/// 16.4 ms -> 14.1 ms on one thread, 8.4 ms -> 7.2 ms on two.
///
/// Built from the flat node arrays (what a model document stores); the comparisons are the
/// same, and each row still adds its trees' leaf values in tree order, so predictions are
/// bit-identical to the pointer walk (forest_walk.hpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

/// Deeper trees keep the pointer walk: at depth 12 a padded tree has 4,095 split slots (48 KiB)
/// and shallow leaves already cost many padded steps.
inline constexpr int complete_tree_max_depth = 12;

struct CompleteTrees {
    std::vector<double> threshold;       ///< per tree, 2^D - 1 split slots
    std::vector<std::int32_t> feature;   ///< per tree, 2^D - 1 split slots
    std::vector<std::int32_t> leaf;      ///< per tree, 2^D bottom slots: index into the leaf table
    std::vector<int> depth;              ///< D per tree; -1: not converted
    /// Per tree: walks may stop once all lanes are in padded slots (see add_complete_tree_walks_k).
    std::vector<bool> shortcut;
    std::vector<std::size_t> slot_begin; ///< T + 1 offsets into threshold/feature
    std::vector<std::size_t> leaf_begin; ///< T + 1 offsets into leaf

    /// Tree t is held here (it is at most complete_tree_max_depth deep); a deeper tree has
    /// depth -1 and no slots, and keeps the pointer walk.
    bool converted(std::size_t t) const noexcept { return t < depth.size() && depth[t] >= 0; }
    bool all_converted() const noexcept { return n_converted > 0 && n_converted == depth.size(); }
    std::size_t n_converted = 0;
};

/// Rows per chunk when every tree is complete: 1,024 rows of 20 features (160 KiB) stay in L2
/// while the trees pass over them (measured: 4,096 rows 1.15x slower at depth 6).
inline constexpr std::size_t complete_tree_chunk_rows = 1024;

/// The complete-tree form of T trees stored as ForestNode arrays (children of node i at left
/// and left + 1 within the tree, both after i; a leaf has feature -1 and its leaf index in
/// left). Trees deeper than max_depth are left out (depth -1).
inline CompleteTrees complete_trees(const ForestNode *nodes, const std::uint32_t *tree_begin, std::size_t n_trees,
                                    int max_depth = complete_tree_max_depth) {
    CompleteTrees out;
    std::vector<int> node_depth;
    std::vector<std::int32_t> source; // the tree node each slot (split or bottom) stands for
    out.slot_begin.push_back(0);
    out.leaf_begin.push_back(0);
    for (std::size_t t = 0; t < n_trees; ++t) {
        const ForestNode *tree = nodes + tree_begin[t];
        const std::size_t size = tree_begin[t + 1] - tree_begin[t];
        // Children come after their parent, so one forward pass gives every node's depth.
        node_depth.assign(size, 0);
        int D = 0;
        for (std::size_t i = 0; i < size && D <= max_depth; ++i) {
            if (tree[i].feature < 0) continue;
            const int child_depth = node_depth[i] + 1;
            for (int side = 0; side < 2; ++side) {
                int &d = node_depth[static_cast<std::size_t>(tree[i].left + side)];
                d = std::max(d, child_depth);
            }
            D = std::max(D, child_depth);
        }
        if (D > max_depth) {
            out.depth.push_back(-1);
            out.shortcut.push_back(false);
            out.slot_begin.push_back(out.threshold.size());
            out.leaf_begin.push_back(out.leaf.size());
            continue;
        }
        const std::size_t splits = (std::size_t{1} << D) - 1;
        source.assign(2 * splits + 1, 0);
        bool real_inf = false;
        for (std::size_t p = 0; p < splits; ++p) {
            const ForestNode &node = tree[source[p]];
            if (node.feature < 0) {
                out.threshold.push_back(std::numeric_limits<double>::infinity());
                out.feature.push_back(0);
                source[2 * p + 1] = source[2 * p + 2] = source[p];
            } else {
                out.threshold.push_back(node.threshold);
                out.feature.push_back(node.feature);
                real_inf = real_inf || node.threshold == std::numeric_limits<double>::infinity();
                source[2 * p + 1] = node.left;
                source[2 * p + 2] = node.left + 1;
            }
        }
        for (std::size_t q = 0; q <= splits; ++q) out.leaf.push_back(tree[source[splits + q]].left);
        out.depth.push_back(D);
        const auto leaves = static_cast<std::size_t>(
            std::count_if(tree, tree + size, [](const ForestNode &node) { return node.feature < 0; }));
        out.shortcut.push_back(!real_inf && 4 * leaves <= splits + 1);
        ++out.n_converted;
        out.slot_begin.push_back(out.threshold.size());
        out.leaf_begin.push_back(out.leaf.size());
    }
    return out;
}

/// acc[(i - cb) * k + c] += converted tree t's leaf value c for row i of X, for i in [cb, ce).
/// `lanes` rows walk the tree side by side, all D steps, with no branch on the data. Measured
/// (benchmarks/cpp/bench_random_forest.cpp, depth 6 to 12, one thread): 2.0x to 2.3x faster
/// than the pointer walk over the same trees; 16 lanes beat 8 (1.9x) and 24 or 32 (1.4x: the
/// lanes' positions no longer fit in registers).
template <std::size_t lanes = 16, std::size_t fixed_k = 0>
void add_complete_tree_walks_k(const CompleteTrees &f, std::size_t t, const double *leaf_values, std::size_t k_given,
                               const MatrixView &X, std::size_t cb, std::size_t ce, double *acc) {
    const std::size_t k = fixed_k != 0 ? fixed_k : k_given;
    const double *threshold = f.threshold.data() + f.slot_begin[t];
    const std::int32_t *feature = f.feature.data() + f.slot_begin[t];
    const std::int32_t *leaf = f.leaf.data() + f.leaf_begin[t];
    const int D = f.depth[t];
    const std::size_t bottom = (std::size_t{1} << D) - 1;
    constexpr double inf = std::numeric_limits<double>::infinity();
    const bool shortcut = f.shortcut[t];
    const auto add_leaf = [&](std::size_t r, std::size_t at) {
        const double *v = leaf_values + static_cast<std::size_t>(leaf[at - bottom]) * k;
        double *a = acc + (r - cb) * k;
        for (std::size_t c = 0; c < k; ++c) a[c] += v[c];
    };
    std::size_t r = cb;
    for (; r + lanes <= ce; r += lanes) {
        const double *x[lanes];
        std::size_t at[lanes];
        for (std::size_t l = 0; l < lanes; ++l) {
            x[l] = X.row(r + l);
            at[l] = 0;
        }
        for (int step = 0; step < D; ++step) {
            double lowest = inf;
            // Unrolled in every build: a rolled loop (seen in the LTO-built Python module)
            // keeps the lanes in memory and chains them through the running min.
#pragma GCC unroll 16
            for (std::size_t l = 0; l < lanes; ++l) {
                const double cut = threshold[at[l]];
                lowest = std::min(lowest, cut);
                at[l] = 2 * at[l] + 2 - static_cast<std::size_t>(x[l][feature[at[l]]] <= cut);
            }
            // Every lane was in a padded slot, so each goes left to the bottom from here: slot i
            // after m left steps is (i + 1) * 2^m - 1.
            if (shortcut && lowest == inf) {
                const int left_steps = D - step - 1;
                for (std::size_t l = 0; l < lanes; ++l) at[l] = ((at[l] + 1) << left_steps) - 1;
                break;
            }
        }
        for (std::size_t l = 0; l < lanes; ++l) add_leaf(r + l, at[l]);
    }
    for (; r < ce; ++r) {
        const double *x = X.row(r);
        std::size_t at = 0;
        for (int step = 0; step < D; ++step) at = 2 * at + 2 - static_cast<std::size_t>(x[feature[at]] <= threshold[at]);
        add_leaf(r, at);
    }
}

/// add_complete_tree_walks_k with the leaf's value count fixed at compile time for the common
/// cases (1: regression, 2: two classes), so adding a leaf is one or two straight-line adds.
template <std::size_t lanes = 16>
void add_complete_tree_walks(const CompleteTrees &f, std::size_t t, const double *leaf_values, std::size_t k,
                             const MatrixView &X, std::size_t cb, std::size_t ce, double *acc) {
    if (k == 1) {
        add_complete_tree_walks_k<lanes, 1>(f, t, leaf_values, k, X, cb, ce, acc);
    } else if (k == 2) {
        add_complete_tree_walks_k<lanes, 2>(f, t, leaf_values, k, X, cb, ce, acc);
    } else {
        add_complete_tree_walks_k<lanes, 0>(f, t, leaf_values, k, X, cb, ce, acc);
    }
}

} // namespace oddkit::detail
