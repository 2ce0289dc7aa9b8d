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
/// The rows walk from a copy regrouped for the lanes (interleave_lane_rows): 16 rows at a time,
/// feature-major, holding only the features some complete or lockstep tree
/// (lockstep_trees.hpp, built here too) splits on. A lane's value is then
/// one load at (group base + slot's offset + lane), where reading X's rows took a pointer per
/// lane, more registers than x86-64 has. Measured on 34_smtp (C++, one thread, best of 40):
/// 14.1 ms -> 11.0 ms; 32_shuttle 11.1 ms -> 10.1 ms.
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
#include "oddkit/learn/detail/lockstep_trees.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::detail {

/// Deeper trees keep the pointer walk: at depth 12 a padded tree has 4,095 split slots (48 KiB)
/// and shallow leaves already cost many padded steps.
inline constexpr int complete_tree_max_depth = 12;

/// Rows that walk a tree side by side. 16 beat 8 on smtp (12.5 ms against 13.9 ms, one thread,
/// in a first version of the interleaved rows) and 12 is within noise of 16.
inline constexpr std::size_t complete_tree_lanes = 16;

struct CompleteTrees {
    std::vector<double> threshold;          ///< per tree, 2^D - 1 split slots
    /// Per tree, 2^D - 1 split slots: the slot's feature as an offset into a group of
    /// interleaved rows, rank of the feature in `features` x complete_tree_lanes.
    std::vector<std::uint32_t> lane_offset;
    /// The features the lane walks split on (complete trees and `lockstep`), ascending.
    std::vector<std::uint32_t> features;
    /// Deeper trees that are small enough walk in lockstep over the same interleaved rows
    /// (lockstep_trees.hpp); the others keep the pointer walk.
    LockstepTrees lockstep;
    std::vector<std::int32_t> leaf;      ///< per tree, 2^D bottom slots: index into the leaf table
    std::vector<int> depth;              ///< D per tree; -1: not converted
    /// Per tree: walks may stop once all lanes are in padded slots (see add_complete_tree_walks_k).
    std::vector<bool> shortcut;
    std::vector<std::size_t> slot_begin; ///< T + 1 offsets into threshold/lane_offset
    std::vector<std::size_t> leaf_begin; ///< T + 1 offsets into leaf

    /// Tree t is held here (it is at most complete_tree_max_depth deep); a deeper tree has
    /// depth -1 and no slots, and keeps the pointer walk.
    bool converted(std::size_t t) const noexcept { return t < depth.size() && depth[t] >= 0; }
    bool all_converted() const noexcept { return n_converted > 0 && n_converted == depth.size(); }
    /// Some tree walks over the interleaved rows (complete or lockstep).
    bool uses_lane_rows() const noexcept { return n_converted > 0 || lockstep.n_held > 0; }
    /// Every tree walks over the interleaved rows.
    bool all_lane_walks() const noexcept { return n_converted + lockstep.n_held == depth.size() && !depth.empty(); }
    std::size_t n_converted = 0;
};

/// Rows per chunk when every tree is complete: 1,024 rows of 20 features (160 KiB) stay in L2
/// while the trees pass over them (measured: 4,096 rows 1.15x slower at depth 6). Rows of many
/// used features take fewer rows per chunk, so the interleaved copy stays within
/// `complete_tree_chunk_bytes` (at least one group of lanes).
inline constexpr std::size_t complete_tree_chunk_rows = 1024;
inline constexpr std::size_t complete_tree_chunk_bytes = std::size_t{256} << 10;

/// When every tree walks over the interleaved rows but some walk in lockstep, a chunk's
/// interleaved rows stay within this many bytes (twice the 1 MiB L2 of the cores measured).
/// Small deep trees are fetched again for each chunk, but every tree's walks then read rows that
/// are near the core instead of streaming the whole chunk from L3 once per tree. Measured (C++,
/// best of 12, two threads, two alternating rounds, in an hour when another tenant loaded the
/// shared L3) against the 32 MiB bound of mixed forests: 8_celeba (trees of 10,900 nodes)
/// 261-295 -> 90-98 ms, 11_donors 73-83 -> 59-60 ms, 1_ALOI 16.4-18.1 -> 14.3-15.2 ms; on one
/// thread donors 325-392 -> 107-117 ms and celeba 542-593 -> 213-229 ms. 1.5, 3 and 4 MiB were
/// within noise of 2 MiB or slower, 8 MiB as slow as 32; on one thread 512 KiB made ALOI (27
/// used features) slower in all three rounds and 1 MiB in two of three.
inline constexpr std::size_t lockstep_chunk_bytes = std::size_t{2} << 20;

/// When the lockstep trees are small (on average at most small_lockstep_tree_nodes nodes, 32 KiB),
/// fetching them again for each chunk costs little, and a chunk of half the L2 keeps the rows
/// near the core for every tree. Larger trees are fetched once per chunk at a cost that smaller
/// chunks multiply. Measured (C++, two threads, best of 20, two rounds), 2 MiB -> 512 KiB:
/// 11_donors (163 nodes a tree) 46.3-46.8 -> 39.9-40.7 ms; 8_celeba (10,900 nodes) 79.1-79.5 ->
/// 106.9-112.0 ms and 5_campaign (6,700 nodes) 16.1-16.4 -> 19.5-20.0 ms slower; 1_ALOI
/// (2,400 nodes) 12.2-12.7 -> 10.7-12.3 ms, mixed, so it keeps 2 MiB.
inline constexpr std::size_t small_lockstep_tree_nodes = 2048;
inline constexpr std::size_t small_tree_chunk_bytes = std::size_t{512} << 10;

/// Rows per chunk of the walk: complete_tree_chunk_rows when every tree is complete; when every
/// tree walks over the interleaved rows, `deep_chunk_rows` bounded so that their copy stays
/// within lockstep_chunk_bytes; when some tree keeps the pointer walk, `deep_chunk_rows`
/// bounded by `mixed_chunk_bytes` (the pointer walk wants long chunks: each deep tree is fetched
/// once per chunk). Either bound keeps at least 1,024 rows. A multiple of complete_tree_lanes
/// when the interleaved rows are used.
inline std::size_t walk_chunk_rows_for(const CompleteTrees &f, std::size_t deep_chunk_rows) {
    constexpr std::size_t lanes = complete_tree_lanes;
    constexpr std::size_t mixed_chunk_bytes = std::size_t{32} << 20;
    const std::size_t row_bytes = std::max<std::size_t>(f.features.size(), 1) * sizeof(double);
    if (f.all_converted()) {
        const std::size_t fit = complete_tree_chunk_bytes / row_bytes / lanes * lanes;
        return std::clamp(fit, lanes, complete_tree_chunk_rows);
    }
    if (!f.uses_lane_rows()) return deep_chunk_rows;
    const bool small_trees = f.lockstep.threshold.size() <= small_lockstep_tree_nodes * f.lockstep.n_held;
    const std::size_t bound = !f.all_lane_walks() ? mixed_chunk_bytes
                              : small_trees       ? small_tree_chunk_bytes
                                                  : lockstep_chunk_bytes;
    const std::size_t fit = bound / row_bytes / lanes * lanes;
    return std::clamp(fit, std::min<std::size_t>(1024, deep_chunk_rows), deep_chunk_rows);
}

/// The complete-tree form of T trees stored as ForestNode arrays (children of node i at left
/// and left + 1 within the tree, both after i; a leaf has feature -1 and its leaf index in
/// left). Trees deeper than max_depth are left out (depth -1).
inline CompleteTrees complete_trees(const ForestNode *nodes, const std::uint32_t *tree_begin, std::size_t n_trees,
                                    int max_depth = complete_tree_max_depth, bool lockstep = true) {
    constexpr std::uint32_t padded_slot = lane_no_feature; // in lane_offset until the features are ranked
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
                out.lane_offset.push_back(padded_slot);
                source[2 * p + 1] = source[2 * p + 2] = source[p];
            } else {
                out.threshold.push_back(node.threshold);
                out.lane_offset.push_back(static_cast<std::uint32_t>(node.feature)); // ranked below
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
    out.lockstep = lockstep_trees(nodes, tree_begin, n_trees, [&](std::size_t t) { return lockstep && !out.converted(t); });
    // Feature numbers become offsets into a group of interleaved rows. A padded slot (or a
    // lockstep leaf) reads the first used feature, which is harmless: its threshold sends every
    // finite x left. (Every tree with slots or held in lockstep has a real split at its root, so
    // `features` is then not empty.) Ranked by sorting, not through a table indexed by feature:
    // a document's feature numbers are bounded only by its n_features_in, and this takes memory
    // in proportion to the nodes.
    for (const auto *offsets : {&out.lane_offset, &out.lockstep.offset}) {
        for (const std::uint32_t feature : *offsets) {
            if (feature != padded_slot) out.features.push_back(feature);
        }
    }
    std::sort(out.features.begin(), out.features.end());
    out.features.erase(std::unique(out.features.begin(), out.features.end()), out.features.end());
    constexpr auto lanes = static_cast<std::uint32_t>(complete_tree_lanes);
    for (auto *offsets : {&out.lane_offset, &out.lockstep.offset}) {
        for (std::uint32_t &offset : *offsets) {
            if (offset == padded_slot) {
                offset = 0;
                continue;
            }
            const auto rank = std::lower_bound(out.features.begin(), out.features.end(), offset) - out.features.begin();
            offset = static_cast<std::uint32_t>(rank) * lanes;
        }
    }
    return out;
}

/// Rows [cb, ce) of X regrouped for the complete walk: groups of complete_tree_lanes rows, each
/// group feature-major over f.features (used feature u of the group's row l at u * lanes + l).
/// The last group is padded with copies of row ce - 1, whose walks are not added.
inline void interleave_lane_rows(const CompleteTrees &f, const MatrixView &X, std::size_t cb, std::size_t ce,
                                 std::vector<double> &out) {
    constexpr std::size_t lanes = complete_tree_lanes;
    const std::size_t used = f.features.size();
    const std::size_t groups = (ce - cb + lanes - 1) / lanes;
    out.resize(groups * lanes * used);
    for (std::size_t g = 0; g < groups; ++g) {
        double *to = out.data() + g * lanes * used;
        for (std::size_t l = 0; l < lanes; ++l) {
            const double *x = X.row(std::min(cb + g * lanes + l, ce - 1));
            for (std::size_t u = 0; u < used; ++u) to[u * lanes + l] = x[f.features[u]];
        }
    }
}

/// acc[i * k + c] += converted tree t's leaf value c for row i of the interleaved rows
/// (interleave_lane_rows), for i in [0, n_rows). The lanes walk all D steps with no branch on
/// the data. Measured (benchmarks/cpp/bench_random_forest.cpp, depth 6 to 12, one thread):
/// 2.0x to 2.3x faster than the pointer walk over the same trees, before the interleaved rows
/// (which took depth 10 from 27-30 ms to 25 ms).
template <std::size_t fixed_k = 0>
void add_complete_tree_walks_k(const CompleteTrees &f, std::size_t t, const double *leaf_values, std::size_t k_given,
                               const double *lane_rows, std::size_t n_rows, double *acc) {
    constexpr std::size_t lanes = complete_tree_lanes;
    const std::size_t k = fixed_k != 0 ? fixed_k : k_given;
    const double *threshold = f.threshold.data() + f.slot_begin[t];
    const std::uint32_t *offset = f.lane_offset.data() + f.slot_begin[t];
    const std::int32_t *leaf = f.leaf.data() + f.leaf_begin[t];
    const int D = f.depth[t];
    const std::size_t bottom = (std::size_t{1} << D) - 1;
    constexpr double inf = std::numeric_limits<double>::infinity();
    const bool shortcut = f.shortcut[t];
    const std::size_t group_size = lanes * f.features.size();
    // x advances by pointer: indexed from lane_rows, g++ 12 spent an add per lane and step.
    const double *x = lane_rows;
    for (std::size_t r = 0; r < n_rows; r += lanes, x += group_size) {
        std::size_t at[lanes];
        for (std::size_t l = 0; l < lanes; ++l) at[l] = 0;
        int left_steps = 0;
        for (int step = 0; step < D; ++step) {
            double lowest = inf;
            // Unrolled in every build: a rolled loop (seen in the LTO-built Python module)
            // keeps the lanes in memory and chains them through the running min. min(cut,
            // lowest) rather than min(lowest, cut): one minsd into `lowest`, no copy of cut.
#pragma GCC unroll 16
            for (std::size_t l = 0; l < lanes; ++l) {
                const double cut = threshold[at[l]];
                lowest = std::min(cut, lowest);
                at[l] = 2 * at[l] + 2 - static_cast<std::size_t>(x[offset[at[l]] + l] <= cut);
            }
            // Every lane was in a padded slot, so each goes left to the bottom from here: slot i
            // after m left steps is (i + 1) * 2^m - 1, applied as the leaves are added. (Applied
            // here to all lanes at once, the LTO-built module spent 28% of smtp's time on it:
            // 16.0 ms against 11.0 ms on one thread.)
            if (shortcut && lowest == inf) {
                left_steps = D - step - 1;
                break;
            }
        }
        const std::size_t live = std::min(lanes, n_rows - r);
        for (std::size_t l = 0; l < live; ++l) {
            const std::size_t slot = ((at[l] + 1) << left_steps) - 1;
            const double *v = leaf_values + static_cast<std::size_t>(leaf[slot - bottom]) * k;
            double *a = acc + (r + l) * k;
            for (std::size_t c = 0; c < k; ++c) a[c] += v[c];
        }
    }
}

/// add_lockstep_tree_walks_k over the interleaved rows, with the leaf's value count fixed at
/// compile time for one and two values.
inline void add_lockstep_tree_walks(const CompleteTrees &f, std::size_t t, const double *leaf_values, std::size_t k,
                                    const double *lane_rows, std::size_t n_rows, double *acc) {
    constexpr std::size_t lanes = complete_tree_lanes;
    const std::size_t group_size = lanes * f.features.size();
    if (k == 1) {
        add_lockstep_tree_walks_k<lanes, 1>(f.lockstep, t, leaf_values, k, lane_rows, group_size, n_rows, acc);
    } else if (k == 2) {
        add_lockstep_tree_walks_k<lanes, 2>(f.lockstep, t, leaf_values, k, lane_rows, group_size, n_rows, acc);
    } else {
        add_lockstep_tree_walks_k<lanes, 0>(f.lockstep, t, leaf_values, k, lane_rows, group_size, n_rows, acc);
    }
}

/// add_complete_tree_walks_k with the leaf's value count fixed at compile time for the common
/// cases (1: regression, 2: two classes), so adding a leaf is one or two straight-line adds.
inline void add_complete_tree_walks(const CompleteTrees &f, std::size_t t, const double *leaf_values, std::size_t k,
                                    const double *lane_rows, std::size_t n_rows, double *acc) {
    if (k == 1) {
        add_complete_tree_walks_k<1>(f, t, leaf_values, k, lane_rows, n_rows, acc);
    } else if (k == 2) {
        add_complete_tree_walks_k<2>(f, t, leaf_values, k, lane_rows, n_rows, acc);
    } else {
        add_complete_tree_walks_k<0>(f, t, leaf_values, k, lane_rows, n_rows, acc);
    }
}

} // namespace oddkit::detail
