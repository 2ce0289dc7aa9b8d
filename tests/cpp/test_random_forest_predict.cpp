#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;

namespace {

std::vector<std::vector<double>> read_numbers(const std::string &path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::vector<std::vector<double>> rows;
    for (std::string line; std::getline(in, line);) {
        std::vector<double> row;
        std::stringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::stod(cell));
        rows.push_back(std::move(row));
    }
    return rows;
}

/// The textbook walk over a model document's arrays, one row and one tree at a time.
std::vector<double> reference_average(const Json &doc, const Matrix &X) {
    const Json &s = doc.at("state");
    const auto threshold = s.at("node_threshold").get<std::vector<double>>();
    const auto feature = s.at("node_feature").get<std::vector<std::int32_t>>();
    const auto left = s.at("node_left").get<std::vector<std::int32_t>>();
    const auto begin = s.at("tree_begin").get<std::vector<std::size_t>>();
    const auto leaf = s.at("leaf_values").get<std::vector<double>>();
    const auto k = s.at("n_outputs").get<std::size_t>();
    const std::size_t T = begin.size() - 1;
    std::vector<double> out(X.shape(0) * k, 0.0);
    for (std::size_t i = 0; i < X.shape(0); ++i) {
        for (std::size_t t = 0; t < T; ++t) {
            std::size_t at = begin[t];
            while (feature[at] >= 0) {
                at = begin[t] + static_cast<std::size_t>(left[at]) + (X(i, static_cast<std::size_t>(feature[at])) <= threshold[at] ? 0 : 1);
            }
            for (std::size_t c = 0; c < k; ++c) out[i * k + c] += leaf[static_cast<std::size_t>(left[at]) * k + c];
        }
        for (std::size_t c = 0; c < k; ++c) out[i * k + c] *= 1.0 / static_cast<double>(T);
    }
    return out;
}

} // namespace

TEST_CASE("RandomForest predictions of saved fixture models are unchanged, bit for bit") {
    // Models and predictions written by the prediction code of the first forest release (the
    // per-block, eight-row lockstep walk); 257 rows, so blocks end part-way.
    const std::string dir = ODDKIT_TEST_FIXTURES;
    const auto rows = read_numbers(dir + "/random_forest_rows.csv");
    const auto expected = read_numbers(dir + "/random_forest_v1_predictions.csv");
    REQUIRE(rows.size() == 257);
    Matrix X = xt::empty<double>({rows.size(), rows[0].size()});
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = 0; j < rows[i].size(); ++j) X(i, j) = rows[i][j];
    }
    const auto c = RandomForestClassifier::load(dir + "/random_forest_classifier_v1.cbor");
    const auto r = RandomForestRegressor::load(dir + "/random_forest_regressor_v1.cbor");
    const Matrix p = c.predict_proba(X);
    const Vector q = r.predict(X);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t k = 0; k < 3; ++k) REQUIRE(p(i, k) == expected[i][k]);
        REQUIRE(q[i] == expected[i][3]);
    }
}

TEST_CASE("RandomForest predictions equal a row-by-row walk for any n_jobs and row count") {
    Random rng(17);
    const std::size_t n = 3000, d = 5;
    Matrix X = xt::empty<double>({n, d});
    Vector y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) X(i, j) = rng.normal();
        y[i] = static_cast<double>((X(i, 0) * X(i, 1) > 0) + (X(i, 2) > 0.5));
    }
    RandomForestClassifier f({.n_estimators = 7, .random_state = 2});
    f.fit(X, y);
    const auto reference = reference_average(f.to_document(), X);
    for (int jobs : {1, 2}) {
        Json doc = f.to_document();
        doc["params"]["n_jobs"] = jobs;
        doc = make_document("RandomForestClassifier", 1, doc["params"], doc["state"]);
        const auto g = RandomForestClassifier::from_document(doc);
        for (std::size_t rows : {std::size_t{1}, std::size_t{31}, std::size_t{33}, std::size_t{1025}, n}) {
            const MatrixView view(X.data(), rows, d);
            const Matrix p = g.predict_proba(view);
            for (std::size_t i = 0; i < rows * 3; ++i) REQUIRE(p.data()[i] == reference[i]);
        }
    }
}

TEST_CASE("RandomForest shallow trees walk as complete trees, bit for bit the row-by-row walk") {
    Random rng(23);
    const std::size_t n = 1100, d = 4;
    Matrix X = xt::empty<double>({n, d});
    Vector y = xt::empty<double>({n}), target = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) X(i, j) = std::round(rng.normal() * 4.0) / 4.0; // ties on thresholds
        y[i] = static_cast<double>((X(i, 0) * X(i, 1) > 0) + (X(i, 2) > 0.5));
        target[i] = X(i, 0) - 2.0 * X(i, 3) + 0.1 * rng.normal();
    }
    std::size_t converted_trees = 0, pointer_trees = 0;
    const auto check = [&](const auto &model, int max_depth) {
        const Json doc = model.to_document();
        const Json &s = doc.at("state");
        const test::DocumentForest f(doc);
        const std::vector<ForestNode> &nodes = f.nodes;
        const std::vector<std::uint32_t> &begin = f.begin;
        const auto complete = detail::complete_trees(nodes.data(), begin.data(), begin.size() - 1);
        // Each tree's depth, by a walk of every path (children of node i at left, left + 1); a
        // tree is held in complete form exactly when it is at most 12 deep.
        int deepest = 0;
        REQUIRE(complete.depth.size() == begin.size() - 1);
        for (std::size_t t = 0; t + 1 < begin.size(); ++t) {
            int tree_depth = 0;
            std::vector<std::pair<std::size_t, int>> todo{{0, 0}};
            while (!todo.empty()) {
                const auto [at, depth] = todo.back();
                todo.pop_back();
                tree_depth = std::max(tree_depth, depth);
                const ForestNode &node = nodes[begin[t] + at];
                if (node.feature < 0) continue;
                todo.emplace_back(static_cast<std::size_t>(node.left), depth + 1);
                todo.emplace_back(static_cast<std::size_t>(node.left) + 1, depth + 1);
            }
            deepest = std::max(deepest, tree_depth);
            CHECK(complete.converted(t) == (tree_depth <= detail::complete_tree_max_depth));
            if (complete.converted(t)) CHECK(complete.depth[t] == tree_depth);
            converted_trees += complete.converted(t);
            pointer_trees += !complete.converted(t);
        }
        CHECK(deepest <= max_depth);
        const auto reference = reference_average(doc, X);
        const std::size_t k = s.at("n_outputs").get<std::size_t>();
        for (std::size_t rows : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{256},
                                 std::size_t{257}, n}) {
            const MatrixView view(X.data(), rows, d);
            if constexpr (std::is_same_v<std::decay_t<decltype(model)>, RandomForestClassifier>) {
                const Matrix p = model.predict_proba(view);
                for (std::size_t i = 0; i < rows * k; ++i) REQUIRE(p.data()[i] == reference[i]);
            } else {
                const Vector p = model.predict(view);
                for (std::size_t i = 0; i < rows; ++i) REQUIRE(p[i] == reference[i]);
            }
        }
        return deepest;
    };
    for (int depth : {1, 3, 8, 12}) {
        for (int jobs : {1, 2}) {
            CAPTURE(depth);
            CAPTURE(jobs);
            RandomForestClassifier c({.n_estimators = 6, .max_depth = depth, .n_jobs = jobs, .random_state = 4});
            c.fit(X, y);
            CHECK(check(c, depth) == depth);
            RandomForestRegressor r({.n_estimators = 6, .max_depth = depth, .n_jobs = jobs, .random_state = 4});
            r.fit(X, target);
            CHECK(check(r, depth) == depth);
        }
    }
    // Unlimited depth on labels that are pure noise: deeper than 12, so the pointer walk runs.
    Vector noise = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) noise[i] = static_cast<double>(rng.uniform() < 0.5);
    RandomForestClassifier deep({.n_estimators = 4, .random_state = 4});
    deep.fit(X, noise);
    CHECK(check(deep, 1000) > detail::complete_tree_max_depth);
    // Leaves of at least 12 rows put these trees on both sides of depth 12: one forest walks
    // some trees in complete form and the others by pointers.
    const std::size_t before_converted = converted_trees, before_pointer = pointer_trees;
    RandomForestClassifier mixed({.n_estimators = 12, .min_samples_leaf = 12, .random_state = 5});
    mixed.fit(X, noise);
    check(mixed, 1000);
    CHECK(converted_trees > before_converted);
    CHECK(pointer_trees > before_pointer);
    // Trees that are a single leaf (depth 0) walk zero steps to their leaf.
    RandomForestRegressor stump({.n_estimators = 3, .min_samples_split = static_cast<int>(n) + 1, .random_state = 1});
    stump.fit(X, target);
    CHECK(check(stump, 0) == 0);
}
