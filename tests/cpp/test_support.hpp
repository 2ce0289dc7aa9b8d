#pragma once
// Small helpers several C++ test files share (one definition, so the files can also be
// compiled together as unity batches).

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/learn/detail/forest_walk.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"

namespace oddkit::test {

inline const double nan_ = std::nan("");
inline constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_v = std::numeric_limits<double>::infinity();
inline constexpr std::int64_t sec = 1'000'000'000;
inline constexpr std::int64_t s_ns = sec;
inline constexpr std::int64_t minute = 60 * sec;

/// Equal bit for bit (NaN equals NaN).
inline bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

/// n x d standard-normal rows from oddkit's own generator.
inline Matrix normal_rows(std::size_t n, std::size_t d, std::uint64_t seed) {
    Random rng(seed);
    Matrix X = xt::empty<double>({n, d});
    for (auto &v : X) {
        v = rng.normal();
    }
    return X;
}

/// A forest's node arrays as its model document stores them.
struct DocumentForest {
    std::vector<ForestNode> nodes;
    std::vector<std::uint32_t> begin;
    std::vector<double> leaf;
    std::size_t k = 0;

    explicit DocumentForest(const Json &doc) {
        const Json &s = doc.at("state");
        const auto threshold = s.at("node_threshold").get<std::vector<double>>();
        const auto feature = s.at("node_feature").get<std::vector<std::int32_t>>();
        const auto left = s.at("node_left").get<std::vector<std::int32_t>>();
        begin = s.at("tree_begin").get<std::vector<std::uint32_t>>();
        leaf = s.at("leaf_values").get<std::vector<double>>();
        k = s.at("n_outputs").get<std::size_t>();
        nodes.resize(threshold.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i] = {threshold[i], feature[i], left[i]};
    }
    std::size_t n_trees() const { return begin.size() - 1; }
    detail::ForestLayout layout() const { return {nodes.data(), begin.data(), n_trees(), leaf.data(), k}; }
};

/// detail::sum_leaf_values over rows [0, rows) of the row-major X (d columns) with the given
/// lane layouts (complete and lockstep trees; the others walk by pointers).
inline std::vector<double> layout_sums(const detail::ForestLayout &layout, const detail::CompleteTrees &lanes,
                                       const std::vector<double> &X, std::size_t d, std::size_t rows) {
    std::vector<double> out(rows * layout.n_outputs, -1.0);
    detail::sum_leaf_values<>(layout, lanes, MatrixView(X.data(), rows, d), 0, rows, out.data());
    return out;
}

/// Sums over trees of the leaf values (k per leaf) that a plain pointer walk of ForestNode
/// arrays reaches, for every row of the row-major X (d columns): the reference for the forest's
/// prediction layouts.
inline std::vector<double> pointer_walk_sums(const std::vector<ForestNode> &nodes, const std::vector<std::uint32_t> &begin,
                                             const std::vector<double> &leaf_values, std::size_t k,
                                             const std::vector<double> &X, std::size_t d) {
    const std::size_t n = X.size() / d;
    std::vector<double> out(n * k, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t t = 0; t + 1 < begin.size(); ++t) {
            std::size_t at = begin[t];
            while (nodes[at].feature >= 0) {
                const ForestNode &node = nodes[at];
                at = begin[t] + static_cast<std::size_t>(node.left) +
                     (X[i * d + static_cast<std::size_t>(node.feature)] <= node.threshold ? 0 : 1);
            }
            for (std::size_t c = 0; c < k; ++c) {
                out[i * k + c] += leaf_values[static_cast<std::size_t>(nodes[at].left) * k + c];
            }
        }
    }
    return out;
}

} // namespace oddkit::test
