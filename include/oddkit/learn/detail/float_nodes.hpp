#pragma once
/// Deep trees in 8-byte nodes (internal): the prediction layout of trees too deep for the
/// complete form (complete_trees.hpp). Half the size of ForestNode, so twice as many of a
/// tree's nodes fit in each cache level and each row's features (as 32-bit float keys) take
/// half the bytes too. Derived from the node array a model document stores, never saved.
///
/// A FloatNode keeps its threshold t rounded down to a float, L = float_floor(t), and the
/// walk compares the row's value x rounded down the same way, v = float_floor(x), both as
/// integers of the same order (float_key). Rounding down keeps order (x <= t implies v <= L), so
///     v < L  =>  x < t   (go left)        v > L  =>  x > t   (go right)
/// and only v == L, x and t in the same float interval, is undecided: there the walk compares
/// x and t as doubles, with the ForestNode at the same index. Every row therefore takes the
/// same path as in the double walk and predictions are bit-identical.
///
/// One 32-bit word holds the feature (low 8 bits; 255 marks a leaf) and the child index within
/// the tree, or for a leaf its index among the tree's leaves. A forest with 255 features or more,
/// or a tree of 2^24 nodes or more, is not converted and keeps the 16-byte walk.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

/// The largest float that is <= x (under any rounding mode; -inf below the float range).
inline float float_floor(double x) noexcept {
    float f = static_cast<float>(x);
    if (static_cast<double>(f) > x) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    return f;
}

/// float_floor(x) as an integer of the same order: a < b exactly when key(a) < key(b), and
/// equal floats (-0 and +0 too) have equal keys. Integer compares set one flag the walk
/// branches on; a float equality test needs two (the unordered case).
inline std::int32_t float_key(double x) noexcept {
    float f = float_floor(x);
    if (f == 0.0f) f = 0.0f; // -0 -> +0
    const auto bits = std::bit_cast<std::int32_t>(f);
    return bits < 0 ? bits ^ std::numeric_limits<std::int32_t>::max() : bits;
}

struct FloatNode {
    std::int32_t threshold_key; ///< float_key(threshold)
    std::uint32_t word; ///< index << 8 | feature (a leaf: feature 255)
};

/// The walk decodes a word with constant shifts (measured: a per-forest shift cost 10%), so a
/// forest converts only with fewer than 255 features and under 2^24 nodes and leaves per tree.
inline constexpr std::uint32_t float_node_feature_bits = 8;
inline constexpr std::uint32_t float_node_leaf_mark = 255;

struct FloatNodes {
    std::vector<FloatNode> nodes;         ///< index for index the forest's ForestNodes; empty: not converted
    std::vector<std::size_t> leaf_begin; ///< per tree, the leaf table index its leaf indices count from

    bool converted() const noexcept { return !nodes.empty(); }
};

/// The FloatNode form of T trees stored as ForestNode arrays over n_features features (a leaf
/// has feature -1 and its leaf index in left), or an empty FloatNodes when the forest has too
/// many features or a tree too many nodes or leaves.
inline FloatNodes float_nodes(const ForestNode *nodes, const std::uint32_t *tree_begin, std::size_t n_trees,
                              std::size_t n_features) {
    FloatNodes out;
    if (n_features >= float_node_leaf_mark) return out;
    constexpr std::uint64_t index_limit = std::uint64_t{1} << (32 - float_node_feature_bits);
    std::vector<std::size_t> leaf_begin(n_trees);
    for (std::size_t t = 0; t < n_trees; ++t) {
        std::int64_t lowest = std::numeric_limits<std::int64_t>::max(), highest = 0;
        for (std::size_t i = tree_begin[t]; i < tree_begin[t + 1]; ++i) {
            if (nodes[i].feature >= 0) continue;
            lowest = std::min<std::int64_t>(lowest, nodes[i].left);
            highest = std::max<std::int64_t>(highest, nodes[i].left);
        }
        // A split's children (left, left + 1) lie within the tree, so its size bounds them.
        if (tree_begin[t + 1] - tree_begin[t] >= index_limit) return out;
        if (static_cast<std::uint64_t>(highest - lowest) >= index_limit) return out;
        leaf_begin[t] = static_cast<std::size_t>(lowest);
    }
    out.nodes.resize(tree_begin[n_trees]);
    for (std::size_t t = 0; t < n_trees; ++t) {
        for (std::size_t i = tree_begin[t]; i < tree_begin[t + 1]; ++i) {
            const ForestNode &node = nodes[i];
            if (node.feature < 0) {
                const auto local = static_cast<std::uint32_t>(static_cast<std::size_t>(node.left) - leaf_begin[t]);
                out.nodes[i] = {0, local << float_node_feature_bits | float_node_leaf_mark};
            } else {
                out.nodes[i] = {float_key(node.threshold), static_cast<std::uint32_t>(node.left)
                                                                     << float_node_feature_bits |
                                                                 static_cast<std::uint32_t>(node.feature)};
            }
        }
    }
    out.leaf_begin = std::move(leaf_begin);
    return out;
}

} // namespace oddkit::detail
