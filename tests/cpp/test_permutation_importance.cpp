#include <doctest/doctest.h>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

TEST_CASE("permutation_importance ranks the informative feature first, for a forest and a detector") {
    Random rng(4);
    const std::size_t n = 600;
    Matrix X = xt::empty<double>({n, std::size_t{3}});
    Vector y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 3; ++j) X(i, j) = rng.normal();
        y[i] = X(i, 1) > 0.0 ? 1.0 : 0.0;
    }
    RandomForestClassifier forest({.n_estimators = 20, .random_state = 1});
    forest.fit(X, y);
    auto accuracy = [&](const MatrixView &Z) {
        const Vector p = forest.predict(Z);
        double hits = 0;
        for (std::size_t i = 0; i < n; ++i) hits += p[i] == y[i];
        return hits / static_cast<double>(n);
    };
    const auto a = permutation_importance(X, accuracy, 3, 9, 1);
    const auto b = permutation_importance(X, accuracy, 3, 9, 2);
    CHECK(a.importances == b.importances);
    CHECK(a.baseline_score == 1.0);
    CHECK(a.importances_mean[1] > 0.3);
    CHECK(std::abs(a.importances_mean[0]) < 0.05);

    // A detector: outliers far out in feature 2; ROC AUC of its anomaly score drops when 2 is shuffled.
    Matrix Z = X;
    Vector label = xt::zeros<double>({n});
    for (std::size_t i = 0; i < 30; ++i) {
        Z(i, 2) = 6.0 + rng.uniform();
        label[i] = 1.0;
    }
    IsolationForest detector({.n_estimators = 50, .random_state = 2});
    detector.fit(Z);
    auto auc = [&](const MatrixView &W) {
        const Vector s = detector.anomaly_score(W);
        return roc_auc_score(label, s);
    };
    const auto d = permutation_importance(Z, auc, 2, 1, 1);
    CHECK(d.importances_mean[2] > d.importances_mean[0] + 0.1);
    CHECK_THROWS_AS(permutation_importance(X, accuracy, 0), InvalidArgument);
}
