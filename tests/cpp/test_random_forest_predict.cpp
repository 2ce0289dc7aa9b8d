#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "oddkit/oddkit.hpp"

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
