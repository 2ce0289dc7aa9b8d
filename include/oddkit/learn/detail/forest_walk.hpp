#pragma once
/// Prediction walk of a random forest (internal): sums every tree's leaf values for a range of
/// rows, in tree order, so results do not depend on how rows are split over threads.
///
/// Fully grown trees are deep (20-50 levels) and, at benchmark size, far larger than the caches,
/// so a walk is a chain of dependent cache misses. Three things help:
/// - Tree-major order over a chunk of rows: one tree at a time walks all the chunk's rows, so
///   the tree's nodes are fetched once per chunk and reused by every row that passes them.
/// - A pool of walks in flight: `lanes` rows walk the tree at once; each step of a walk
///   prefetches the node it moves to and the pool moves on to the other walks, so many misses
///   are outstanding together. A walk that reaches its leaf adds the leaf's values to its row
///   and its lane takes the chunk's next row, so the pool stays full until the chunk runs out;
///   the features of rows about to be taken are prefetched too. The leaf's values, one more
///   miss, are prefetched and added a few leaves later.
/// - Small nodes: deep trees walk 8-byte FloatNodes over the rows' float keys
///   (float_nodes.hpp), with the 16-byte ForestNode deciding the rare ties exactly.
///
/// Measured on 100 trees grown on 800,000 x 20 (200,000 rows, two threads): 0.66 s before the
/// leaf delay, 0.62 s with it, 0.565 s with the 8-byte nodes too, about 0.52 s with uint32
/// positions and the row number read only on a tie (docs/random_forest.md).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/learn/detail/complete_trees.hpp"
#include "oddkit/learn/detail/float_nodes.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

struct ForestLayout {
    const ForestNode *nodes = nullptr;
    const std::uint32_t *tree_begin = nullptr; ///< T + 1 offsets into nodes
    std::size_t n_trees = 0;
    const double *leaf_values = nullptr; ///< k values per leaf
    std::size_t n_outputs = 1;
};

/// One deep tree as the walk reads it, in ForestNode form: rows are X's rows of doubles.
struct DoubleNodeTree {
    using Feature = double;
    const ForestNode *tree;
    const MatrixView &X;

    const double *row(std::size_t r) const { return X.row(r); }
    /// Moves `at` to the child x goes to and returns true, or returns false at a leaf.
    bool descend(std::uint32_t &at, const double *x) const {
        const ForestNode &node = tree[at];
        if (node.feature < 0) return false;
        at = static_cast<std::uint32_t>(node.left) + (x[node.feature] <= node.threshold ? 0 : 1);
        return true;
    }
    std::size_t leaf(std::uint32_t at) const { return static_cast<std::size_t>(tree[at].left); }
};

/// One deep tree in FloatNode form (float_nodes.hpp): rows are the chunk's rows as float keys
/// (`rows`, from row cb on); a key equal to its threshold's is decided by comparing the doubles
/// with the tree's ForestNode.
struct FloatNodeTree {
    using Feature = std::int32_t;
    const FloatNode *tree;
    const ForestNode *exact;
    std::size_t leaf_begin;
    const std::int32_t *rows;
    std::size_t cb;
    const MatrixView &X;

    const std::int32_t *row(std::size_t r) const { return rows + (r - cb) * X.cols(); }
    bool descend(std::uint32_t &at, const std::int32_t *x) const {
        const FloatNode node = tree[at];
        const std::uint32_t feature = node.word & float_node_leaf_mark;
        if (feature == float_node_leaf_mark) return false;
        const std::int32_t v = x[feature];
        const std::uint32_t left = node.word >> float_node_feature_bits;
        if (v == node.threshold_key) [[unlikely]] {
            // The row's doubles: the keys of row r start at rows + (r - cb) * cols.
            at = left + exact_right(exact[at], X.row(cb + static_cast<std::size_t>(x - rows) / X.cols()));
        } else {
            at = left + (v < node.threshold_key ? 0 : 1);
        }
        return true;
    }
    std::size_t leaf(std::uint32_t at) const {
        return leaf_begin + static_cast<std::size_t>(tree[at].word >> float_node_feature_bits);
    }

  private:
    // Out of line: the tie is rare, and keeping its registers out of the walk loop pays.
    [[gnu::noinline, gnu::cold]] static std::uint32_t exact_right(const ForestNode &node, const double *x) {
        return x[node.feature] <= node.threshold ? 0 : 1;
    }
};

/// acc[(i - cb) * k + c] += tree's leaf value c for row i, for i in [cb, ce): `walk_lanes` rows
/// walk the tree at once, each lane taking the next row when its walk reaches a leaf. `Tree`
/// is DoubleNodeTree or FloatNodeTree.
template <std::size_t walk_lanes = 16, class Tree>
void add_tree_walks(const Tree &tree, const double *leaf_values, std::size_t k, std::size_t cb, std::size_t ce,
                    double *acc) {
    using Feature = typename Tree::Feature;
    // Each lane holds its row's position and a pointer to its features; a lane taking a new
    // row prefetches the features of the row `walk_lanes` further on, which some lane will take
    // next (the chunk's rows are larger than L2, and the root's compare would otherwise wait).
    std::uint32_t at[walk_lanes];
    std::uint32_t row[walk_lanes];
    const Feature *features[walk_lanes];
    std::size_t next = cb;
    std::size_t active = 0;
    const std::size_t row_bytes = tree.X.cols() * sizeof(Feature);
    const auto prefetch_row = [&](std::size_t r) {
        if (r >= ce) return;
        const char *x = reinterpret_cast<const char *>(tree.row(r));
        for (std::size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(x + b);
        __builtin_prefetch(x + row_bytes - 1);
    };
    // The leaf's values are another cache miss: they are prefetched and added to the row
    // `leaf_delay` leaves later, so the walks go on meanwhile. Each row reaches one leaf of this
    // tree, so the delay changes neither what is added to a row nor in what order.
    constexpr std::size_t leaf_delay = 16;
    double *delayed_acc[leaf_delay];
    const double *delayed_leaf[leaf_delay];
    std::size_t n_delayed = 0, oldest = 0;
    const auto add_leaf = [k](double *a, const double *leaf) {
        for (std::size_t c = 0; c < k; ++c) a[c] += leaf[c];
    };
    for (; active < walk_lanes && next < ce; ++active, ++next) {
        at[active] = 0;
        row[active] = static_cast<std::uint32_t>(next - cb);
        features[active] = tree.row(next);
        prefetch_row(next + walk_lanes);
    }
    while (active > 0) {
        for (std::size_t s = 0; s < active;) {
            if (tree.descend(at[s], features[s])) {
                __builtin_prefetch(tree.tree + at[s]);
                ++s;
                continue;
            }
            const double *leaf = leaf_values + tree.leaf(at[s]) * k;
            __builtin_prefetch(leaf);
            if (n_delayed == leaf_delay) add_leaf(delayed_acc[oldest], delayed_leaf[oldest]);
            else ++n_delayed;
            delayed_acc[oldest] = acc + static_cast<std::size_t>(row[s]) * k;
            delayed_leaf[oldest] = leaf;
            oldest = (oldest + 1) % leaf_delay;
            if (next < ce) {
                at[s] = 0;
                row[s] = static_cast<std::uint32_t>(next - cb);
                features[s] = tree.row(next);
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
    for (std::size_t i = 0; i < n_delayed; ++i) add_leaf(delayed_acc[i], delayed_leaf[i]);
}

/// A chunk's rows as float keys for the deep trees' walk stay within this many bytes (per
/// thread), unless that would cut the chunk below half of walk_chunk_rows.
inline constexpr std::size_t deep_chunk_key_bytes = std::size_t{16} << 20;

/// Rows per chunk for the deep trees' walk over rows of d features: `most`, fewer for wide rows
/// (deep_chunk_key_bytes), never fewer than most / 2.
inline std::size_t deep_chunk_rows_for(std::size_t d, std::size_t most) {
    const std::size_t fit = deep_chunk_key_bytes / (std::max<std::size_t>(d, 1) * sizeof(std::int32_t));
    return std::clamp(fit, most / 2, most);
}

/// out[(i - begin) * k + c] = sum over trees t (in order) of tree t's leaf value c for row i of
/// X, for i in [begin, end). out is overwritten. Trees that `complete` holds (the shallow ones)
/// walk in that form (complete_trees.hpp), small deep trees in lockstep (lockstep_trees.hpp),
/// the others with add_tree_walks.
///
/// Chunks: with a deep tree in the forest, up to `walk_chunk_rows` rows go through each tree
/// together (deep_chunk_rows_for: 131,072 rows of 20 features are 10 MB of float keys), so a
/// deep tree is fetched once per chunk. Measured (benchmarks/cpp/bench_random_forest.cpp, trees
/// of 800,000 rows, one thread): 8 to 32 lanes are within 10%, the chunk matters most (4,096
/// rows: 1.3x slower). On the 1,000,000 x 20 benchmark forest (200,000 rows, two threads, C++,
/// best of 5, three alternating runs) chunks of 131,072 rows in place of 65,536 took 0.61-0.64 s
/// against 0.67-0.73 s: each thread's 100,000 rows pass each tree once, not twice; over 400,000
/// rows, 1.08-1.09 s against 1.22-1.33 s (262,144 rows: 1.04-1.11 s). A later re-check in a
/// noisier hour, five alternating runs over 400,000 rows: best 1.01 s against 1.13 s, medians
/// 1.14 s against 1.18 s. The walk this
/// replaced (blocks of 64 rows, each tree walked by eight rows in lockstep) was 2.1x slower on
/// the same forest. When every tree is shallow, chunks of `complete_tree_chunk_rows` keep the
/// rows in L1/L2 while all trees pass over them. Either way the chunk is bounded so that the
/// rows' interleaved copy for the complete and lockstep walks stays small (walk_chunk_rows_for).
template <std::size_t walk_lanes = 16, std::size_t walk_chunk_rows = 131072>
void sum_leaf_values(const ForestLayout &f, const CompleteTrees &complete, const FloatNodes &floats,
                     const MatrixView &X, std::size_t begin, std::size_t end, double *out) {
    const std::size_t k = f.n_outputs;
    const std::size_t d = X.cols();
    std::fill(out, out + (end - begin) * k, 0.0);
    const std::size_t chunk = walk_chunk_rows_for(complete, deep_chunk_rows_for(d, walk_chunk_rows));
    const bool float_walk = floats.converted() && !complete.all_lane_walks();
    std::vector<std::int32_t> rows; // the chunk's rows as float keys, for the FloatNode walk
    std::vector<double> lane_rows;  // the chunk's rows interleaved for the complete and lockstep walks
    for (std::size_t cb = begin; cb < end; cb += chunk) {
        const std::size_t ce = std::min(end, cb + chunk);
        double *acc = out + (cb - begin) * k;
        if (float_walk) {
            rows.resize((ce - cb) * d);
            for (std::size_t i = cb; i < ce; ++i) {
                const double *x = X.row(i);
                std::int32_t *to = rows.data() + (i - cb) * d;
                for (std::size_t j = 0; j < d; ++j) to[j] = float_key(x[j]);
            }
        }
        if (complete.uses_lane_rows()) interleave_lane_rows(complete, X, cb, ce, lane_rows);
        for (std::size_t t = 0; t < f.n_trees; ++t) {
            const ForestNode *tree = f.nodes + f.tree_begin[t];
            if (complete.converted(t)) {
                add_complete_tree_walks(complete, t, f.leaf_values, k, lane_rows.data(), ce - cb, acc);
            } else if (complete.lockstep.holds(t)) {
                add_lockstep_tree_walks(complete, t, f.leaf_values, k, lane_rows.data(), ce - cb, acc);
            } else if (float_walk) {
                const FloatNodeTree walk{floats.nodes.data() + f.tree_begin[t], tree, floats.leaf_begin[t], rows.data(),
                                         cb, X};
                add_tree_walks<walk_lanes>(walk, f.leaf_values, k, cb, ce, acc);
            } else {
                add_tree_walks<walk_lanes>(DoubleNodeTree{tree, X}, f.leaf_values, k, cb, ce, acc);
            }
        }
    }
}

/// The same sum with every deep tree walked in ForestNode form.
template <std::size_t walk_lanes = 16, std::size_t walk_chunk_rows = 131072>
void sum_leaf_values(const ForestLayout &f, const CompleteTrees &complete, const MatrixView &X, std::size_t begin,
                     std::size_t end, double *out) {
    sum_leaf_values<walk_lanes, walk_chunk_rows>(f, complete, FloatNodes{}, X, begin, end, out);
}

/// The same sum with every tree walked in ForestNode form.
template <std::size_t walk_lanes = 16, std::size_t walk_chunk_rows = 131072>
void sum_leaf_values(const ForestLayout &f, const MatrixView &X, std::size_t begin, std::size_t end, double *out) {
    sum_leaf_values<walk_lanes, walk_chunk_rows>(f, CompleteTrees{}, FloatNodes{}, X, begin, end, out);
}

} // namespace oddkit::detail
