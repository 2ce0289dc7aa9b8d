#pragma once
/// Prediction walk of a random forest (internal): sums every tree's leaf values for a range of
/// rows, in tree order, so results do not depend on how rows are split over threads.
///
/// Fully grown trees are deep (20-50 levels) and, at benchmark size, far larger than the caches,
/// so a walk is a chain of dependent cache misses. Two things hide them:
/// - Tree-major order over a chunk of rows: one tree at a time walks all the chunk's rows, so
///   the tree's nodes are fetched once per chunk and reused by every row that passes them.
/// - A pool of walks in flight: `lanes` rows walk the tree at once; each step of a walk
///   prefetches the node it moves to and the pool moves on to the other walks, so many misses
///   are outstanding together. A walk that reaches its leaf adds the leaf's values to its row
///   and its lane takes the chunk's next row, so the pool stays full until the chunk runs out;
///   the features of rows about to be taken are prefetched too.

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/learn/detail/complete_trees.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

struct ForestLayout {
    const ForestNode *nodes = nullptr;
    const std::uint32_t *tree_begin = nullptr; ///< T + 1 offsets into nodes
    std::size_t n_trees = 0;
    const double *leaf_values = nullptr; ///< k values per leaf
    std::size_t n_outputs = 1;
};

/// acc[(i - cb) * k + c] += tree's leaf value c for row i of X, for i in [cb, ce): `walk_lanes`
/// rows walk the tree at once, each lane taking the next row when its walk reaches a leaf.
template <std::size_t walk_lanes = 16>
void add_tree_walks(const ForestNode *tree, const double *leaf_values, std::size_t k, const MatrixView &X,
                    std::size_t cb, std::size_t ce, double *acc) {
    // Each lane holds its row's position and a pointer to its features; a lane taking a new
    // row prefetches the features of the row `walk_lanes` further on, which some lane will take
    // next (the chunk's rows are larger than L2, and the root's compare would otherwise wait).
    std::int32_t at[walk_lanes];
    std::uint32_t row[walk_lanes];
    const double *features[walk_lanes];
    std::size_t next = cb;
    std::size_t active = 0;
    const auto prefetch_row = [&](std::size_t r) {
        if (r >= ce) return;
        const double *x = X.row(r);
        for (std::size_t j = 0; j < X.cols(); j += 8) __builtin_prefetch(x + j);
        __builtin_prefetch(x + X.cols() - 1);
    };
    for (; active < walk_lanes && next < ce; ++active, ++next) {
        at[active] = 0;
        row[active] = static_cast<std::uint32_t>(next - cb);
        features[active] = X.row(next);
        prefetch_row(next + walk_lanes);
    }
    while (active > 0) {
        for (std::size_t s = 0; s < active;) {
            const ForestNode &node = tree[at[s]];
            if (node.feature >= 0) {
                const double v = features[s][node.feature];
                at[s] = node.left + (v <= node.threshold ? 0 : 1);
                __builtin_prefetch(tree + at[s]);
                ++s;
                continue;
            }
            const double *leaf = leaf_values + static_cast<std::size_t>(node.left) * k;
            double *a = acc + static_cast<std::size_t>(row[s]) * k;
            for (std::size_t c = 0; c < k; ++c) a[c] += leaf[c];
            if (next < ce) {
                at[s] = 0;
                row[s] = static_cast<std::uint32_t>(next - cb);
                features[s] = X.row(next);
                prefetch_row(next + walk_lanes);
                ++next;
                ++s;
            } else {
                --active;
                at[s] = at[active];
                row[s] = row[active];
                features[s] = features[active];
            }
        }
    }
}

/// out[(i - begin) * k + c] = sum over trees t (in order) of tree t's leaf value c for row i of
/// X, for i in [begin, end). out is overwritten. Trees that `complete` holds (the shallow ones)
/// walk in that form (complete_trees.hpp), the others with add_tree_walks.
///
/// Chunks: with a deep tree in the forest, up to `walk_chunk_rows` rows go through each tree
/// together (65,536 rows of 20 features are 10 MB: a deep tree is fetched once for all of them).
/// Measured (benchmarks/cpp/bench_random_forest.cpp, trees of 800,000 rows, one thread): 8 to
/// 32 lanes are within 10%, the chunk matters most (4,096 rows: 1.3x slower). The walk this
/// replaced (blocks of 64 rows, each tree walked by eight rows in lockstep) was 2.1x slower on
/// the same forest. When every tree is shallow, chunks of `complete_tree_chunk_rows` keep the
/// rows in L1/L2 while all trees pass over them.
template <std::size_t walk_lanes = 16, std::size_t walk_chunk_rows = 65536>
void sum_leaf_values(const ForestLayout &f, const CompleteTrees &complete, const MatrixView &X, std::size_t begin,
                     std::size_t end, double *out) {
    const std::size_t k = f.n_outputs;
    std::fill(out, out + (end - begin) * k, 0.0);
    const std::size_t chunk = complete.all_converted() ? complete_tree_chunk_rows : walk_chunk_rows;
    for (std::size_t cb = begin; cb < end; cb += chunk) {
        const std::size_t ce = std::min(end, cb + chunk);
        double *acc = out + (cb - begin) * k;
        for (std::size_t t = 0; t < f.n_trees; ++t) {
            if (complete.converted(t)) {
                add_complete_tree_walks(complete, t, f.leaf_values, k, X, cb, ce, acc);
            } else {
                add_tree_walks<walk_lanes>(f.nodes + f.tree_begin[t], f.leaf_values, k, X, cb, ce, acc);
            }
        }
    }
}

/// The same sum with every tree walked by add_tree_walks.
template <std::size_t walk_lanes = 16, std::size_t walk_chunk_rows = 65536>
void sum_leaf_values(const ForestLayout &f, const MatrixView &X, std::size_t begin, std::size_t end, double *out) {
    sum_leaf_values<walk_lanes, walk_chunk_rows>(f, CompleteTrees{}, X, begin, end, out);
}

} // namespace oddkit::detail
