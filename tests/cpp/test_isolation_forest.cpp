#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

/// n normal rows (d features) followed by `outliers` rows far out in feature `odd_feature`.
Matrix planted(std::size_t n, std::size_t d, std::size_t outliers, std::size_t odd_feature, std::uint64_t seed) {
    Random rng(seed);
    Matrix X = xt::empty<double>({n + outliers, d});
    for (std::size_t i = 0; i < n + outliers; ++i) {
        for (std::size_t j = 0; j < d; ++j) {
            X(i, j) = rng.normal();
        }
        if (i >= n) {
            X(i, odd_feature) = 8.0 + rng.uniform();
        }
    }
    return X;
}

/// ROC AUC by ranks (ties averaged): labels 1 = anomaly, higher score = more anomalous.
double roc_auc(const Vector &score, std::size_t first_anomaly) {
    std::vector<std::size_t> idx(score.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return score[a] < score[b]; });
    std::vector<double> rank(score.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && score[idx[j + 1]] == score[idx[i]]) {
            ++j;
        }
        for (std::size_t k = i; k <= j; ++k) {
            rank[idx[k]] = (i + j) / 2.0 + 1.0;
        }
        i = j + 1;
    }
    const double pos = static_cast<double>(score.size() - first_anomaly);
    const double neg = static_cast<double>(first_anomaly);
    double sum = 0;
    for (std::size_t i = first_anomaly; i < score.size(); ++i) {
        sum += rank[i];
    }
    return (sum - pos * (pos + 1) / 2) / (pos * neg);
}

} // namespace

TEST_CASE("average_path_length follows the paper's c(n)") {
    CHECK(average_path_length(1) == 0.0);
    CHECK(average_path_length(2) == 1.0);
    // c(256) = 2 (ln 255 + gamma) - 2 * 255 / 256
    CHECK(average_path_length(256) == doctest::Approx(2 * (std::log(255.0) + 0.5772156649) - 2 * 255.0 / 256));
}

TEST_CASE("IsolationForest finds planted outliers and keeps scikit-learn's signs") {
    const Matrix X = planted(2000, 6, 40, 2, 11);
    IsolationForest forest({.n_estimators = 100, .random_state = 7});
    forest.fit(X);
    CHECK(forest.max_samples() == 256);
    CHECK(forest.offset() == -0.5);
    const Vector a = forest.anomaly_score(X);
    const Vector s = forest.score_samples(X);
    const Vector dfn = forest.decision_function(X);
    const Labels p = forest.predict(X);
    for (std::size_t i = 0; i < a.size(); ++i) {
        REQUIRE(a[i] > 0.0);
        REQUIRE(a[i] < 1.0);
        REQUIRE(s[i] == -a[i]);
        REQUIRE(dfn[i] == s[i] + 0.5);
        REQUIRE(p[i] == (dfn[i] < 0 ? -1 : 1));
    }
    CHECK(roc_auc(a, 2000) > 0.99);
    // Every planted outlier is predicted an outlier.
    for (std::size_t i = 2000; i < 2040; ++i) {
        CHECK(p[i] == -1);
    }
}

TEST_CASE("IsolationForest: contamination sets offset_ at that percentile of training scores") {
    const Matrix X = planted(1000, 3, 0, 0, 3);
    IsolationForest forest({.contamination = 0.1, .random_state = 1});
    forest.fit(X);
    const Vector s = forest.score_samples(X);
    std::vector<double> v(s.begin(), s.end());
    CHECK(forest.offset() == percentile(v, 10.0));
    const Labels p = forest.predict(X);
    const auto outliers = std::count(p.begin(), p.end(), -1);
    CHECK(outliers == 100);
}

TEST_CASE("IsolationForest: bit-identical models and scores for any n_jobs") {
    const Matrix X = planted(3000, 5, 30, 1, 5);
    for (int ext : {0, 2}) {
        IsolationForest one({.n_estimators = 50, .extension_level = ext, .n_jobs = 1, .random_state = 9});
        IsolationForest many({.n_estimators = 50, .extension_level = ext, .n_jobs = 4, .random_state = 9});
        one.fit(X);
        many.fit(X);
        auto d1 = one.to_document();
        auto d2 = many.to_document();
        d1["params"].erase("n_jobs");
        d2["params"].erase("n_jobs");
        CHECK(d1["state"] == d2["state"]);
        const Vector s1 = one.score_samples(X);
        const Vector s2 = many.score_samples(X);
        CHECK(std::equal(s1.begin(), s1.end(), s2.begin()));
        IsolationForest other({.n_estimators = 50, .extension_level = ext, .random_state = 10});
        other.fit(X);
        CHECK(other.to_document()["state"] != d1["state"]);
    }
}

TEST_CASE("IsolationForest: extended splits, bootstrap and max_features work and still detect") {
    const Matrix X = planted(2000, 6, 40, 4, 21);
    // Forests that see only some features per tree find the odd one less often: lower bars.
    const std::pair<IsolationForestParams, double> cases[] = {
        {{.extension_level = 5, .random_state = 2}, 0.95},
        {{.max_features = 0.5, .bootstrap = true, .random_state = 2}, 0.9},
        {{.max_samples = 0.25, .max_features = 4, .random_state = 2}, 0.9}};
    for (const auto &[params, bar] : cases) {
        IsolationForest forest(params);
        forest.fit(X);
        CHECK(roc_auc(forest.anomaly_score(X), 2000) > bar);
    }
}

TEST_CASE("IsolationForest: feature attributions point at the feature that is odd") {
    const Matrix X = planted(2000, 5, 20, 3, 8);
    for (int ext : {0, 1}) {
        IsolationForest forest({.extension_level = ext, .random_state = 4});
        forest.fit(X);
        const Matrix attr = forest.feature_attributions(X);
        for (std::size_t i = 2000; i < 2020; ++i) {
            const double *row = &attr(i, 0);
            CHECK(std::accumulate(row, row + 5, 0.0) == doctest::Approx(1.0));
            CHECK(std::max_element(row, row + 5) - row == 3);
        }
    }
}

TEST_CASE("IsolationForest: save and load round-trip in every encoding, scores identical") {
    namespace fs = std::filesystem;
    const Matrix X = planted(800, 4, 10, 0, 13);
    IsolationForest forest({.n_estimators = 30, .contamination = 0.05, .extension_level = 1, .random_state = 3});
    forest.fit(X);
    const Vector before = forest.score_samples(X);
    const auto dir = fs::temp_directory_path() / "oddkit_if_test";
    fs::create_directories(dir);
    for (const char *name : {"m.json", "m.cbor", "m.msgpack"}) {
        const auto path = (dir / name).string();
        forest.save(path);
        const auto loaded = IsolationForest::load(path);
        const Vector after = loaded.score_samples(X);
        CHECK(std::equal(before.begin(), before.end(), after.begin()));
        CHECK(loaded.offset() == forest.offset());
        CHECK(loaded.to_document() == forest.to_document());
    }
    fs::remove_all(dir);
}

TEST_CASE("IsolationForest: bad input is refused with the argument named") {
    const Matrix X = planted(100, 3, 0, 0, 1);
    IsolationForest forest;
    CHECK_THROWS_WITH_AS(forest.score_samples(X), doctest::Contains("not fitted"), NotFitted);
    CHECK_THROWS_AS(forest.to_document(), NotFitted);
    CHECK_THROWS_WITH_AS(IsolationForest({.n_estimators = 0}), doctest::Contains("n_estimators"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.max_samples = 0}), doctest::Contains("max_samples"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.max_samples = 1.5}), doctest::Contains("max_samples"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.contamination = 0.6}), doctest::Contains("contamination"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.contamination = 0.0}), doctest::Contains("contamination"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.max_features = 0.0}), doctest::Contains("max_features"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.n_jobs = 0}), doctest::Contains("n_jobs"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IsolationForest({.extension_level = -1}), doctest::Contains("extension_level"), InvalidArgument);
    IsolationForest too_extended({.extension_level = 3});
    CHECK_THROWS_WITH_AS(too_extended.fit(X), doctest::Contains("extension_level"), InvalidArgument);
    CHECK_THROWS_WITH_AS(forest.fit(MatrixView(X.data(), 0, 3)), doctest::Contains("X: empty"), InvalidArgument);
    Matrix bad = X;
    bad(5, 1) = NAN;
    CHECK_THROWS_WITH_AS(forest.fit(bad), doctest::Contains("NaN at row 5"), InvalidArgument);
    bad(5, 1) = -INFINITY;
    CHECK_THROWS_WITH_AS(forest.fit(bad), doctest::Contains("infinity"), InvalidArgument);
    forest.fit(X);
    CHECK_THROWS_WITH_AS(forest.score_samples(MatrixView(X.data(), 10, 2)), doctest::Contains("expecting 3 features"),
                         InvalidArgument);
    CHECK_THROWS_AS(forest.score_samples(bad), InvalidArgument);
    Vector small = xt::zeros<double>({3});
    CHECK_THROWS_WITH_AS(forest.score_samples(X, small), doctest::Contains("out"), InvalidArgument);
    // A single row and a single feature are valid inputs.
    IsolationForest tiny;
    tiny.fit(MatrixView(X.data(), 1, 3));
    CHECK(tiny.score_samples(MatrixView(X.data(), 1, 3))[0] == -0.5);
}

TEST_CASE("IsolationForest: corrupted documents are FormatErrors, never crashes") {
    const Matrix X = planted(300, 3, 0, 0, 2);
    IsolationForest forest({.n_estimators = 5, .random_state = 1});
    forest.fit(X);
    const Json good = forest.to_document();
    auto resealed = [](Json doc) { // corrupt the state but keep the checksum valid
        return make_document("IsolationForest", doc["version"], doc["params"], doc["state"]);
    };
    CHECK_NOTHROW(IsolationForest::from_document(resealed(good)));
    {
        Json d = good;
        d["state"]["node_left"][0] = 0; // a cycle
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(resealed(d)), doctest::Contains("child index"), FormatError);
    }
    {
        Json d = good;
        d["state"]["node_feature"][0] = 99;
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(resealed(d)), doctest::Contains("missing feature"), FormatError);
    }
    {
        Json d = good;
        d["state"]["tree_begin"].back() = 1;
        CHECK_THROWS_AS(IsolationForest::from_document(resealed(d)), FormatError);
    }
    {
        Json d = good;
        d["state"].erase("node_value");
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(resealed(d)), doctest::Contains("node_value"), FormatError);
    }
    {
        Json d = good;
        d["params"]["n_estimators"] = -3;
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(resealed(d)), doctest::Contains("n_estimators"), FormatError);
    }
    {
        Json d = good;
        d["version"] = 99;
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(d), doctest::Contains("version 99"), FormatError);
    }
    {
        Json d = good;
        d["state"]["node_value"][0] = 0.125; // edited without resealing
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(d), doctest::Contains("checksum"), FormatError);
    }
    {
        Json d = make_document("OneClassSVM", 1, Json::object(), Json::object());
        CHECK_THROWS_WITH_AS(IsolationForest::from_document(d), doctest::Contains("holds a OneClassSVM"), FormatError);
    }
}

namespace {
std::vector<double> read_column(const std::string &path) {
    std::ifstream in(path);
    std::vector<double> out;
    for (double v; in >> v;) {
        out.push_back(v);
    }
    return out;
}
} // namespace

TEST_CASE("IsolationForest: format-1 model files saved from Python load and score identically") {
    // tests/fixtures holds models written by the Python package at format version 1, with the
    // rows and scores Python computed; later versions must keep reading them.
    const std::string dir = ODDKIT_TEST_FIXTURES;
    std::ifstream csv(dir + "/isolation_forest_rows.csv");
    std::vector<double> values;
    for (std::string line; std::getline(csv, line);) {
        std::stringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) {
            values.push_back(std::stod(cell));
        }
    }
    REQUIRE(values.size() == 40 * 4);
    const MatrixView X(values.data(), 40, 4);
    for (const std::string name : {"isolation_forest_v1", "isolation_forest_extended_v1"}) {
        const std::string suffix = name == "isolation_forest_v1" ? ".json" : ".cbor";
        const auto forest = IsolationForest::load(dir + "/" + name + suffix);
        const auto expected = read_column(dir + "/" + name + "_scores.csv");
        const Vector got = forest.score_samples(X);
        REQUIRE(expected.size() == 40);
        for (std::size_t i = 0; i < 40; ++i) {
            CHECK(got[i] == expected[i]);
        }
    }
}
