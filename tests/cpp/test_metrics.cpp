#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {
VectorView view(const std::vector<double> &v) { return VectorView(v.data(), v.size()); }
} // namespace

TEST_CASE("roc_curve matches a hand-computed curve with ties") {
    // Scores sorted: 0.9(P) 0.8(N) 0.8(P) 0.4(N) 0.1(N)
    const std::vector<double> y{1, 0, 1, 0, 0};
    const std::vector<double> s{0.9, 0.8, 0.8, 0.4, 0.1};
    const RocCurve full = roc_curve(view(y), view(s), 1.0, {}, false);
    const std::vector<double> fpr{0, 0, 1.0 / 3, 2.0 / 3, 1};
    const std::vector<double> tpr{0, 0.5, 1, 1, 1};
    REQUIRE(full.fpr.size() == fpr.size());
    for (std::size_t i = 0; i < fpr.size(); ++i) {
        CHECK(full.fpr[i] == doctest::Approx(fpr[i]));
        CHECK(full.tpr[i] == doctest::Approx(tpr[i]));
    }
    CHECK(std::isinf(full.thresholds[0]));
    CHECK(full.thresholds[2] == 0.8);
    // (1/3, 1), (2/3, 1), (1, 1) are collinear: the middle one goes.
    const RocCurve dropped = roc_curve(view(y), view(s));
    CHECK(dropped.fpr.size() == 4);
    // AUC: positives beat negatives in 5 of 6 pairs, one tie counts one half -> 5.5 / 6.
    CHECK(roc_auc_score(view(y), view(s)) == doctest::Approx(5.5 / 6.0));
    const std::vector<double> ones{1, 1};
    const std::vector<double> two{0.1, 0.2};
    CHECK(std::isnan(roc_auc_score(view(ones), view(two))));
}

TEST_CASE("average_precision_score and precision_recall_curve by hand") {
    const std::vector<double> y{0, 0, 1, 1};
    const std::vector<double> s{0.1, 0.4, 0.35, 0.8};
    // scikit-learn's docstring example: AP = 0.8333...
    CHECK(average_precision_score(view(y), view(s)) == doctest::Approx(0.83333333333));
    const auto pr = precision_recall_curve(view(y), view(s));
    CHECK(pr.precision.back() == 1.0);
    CHECK(pr.recall.back() == 0.0);
    CHECK(pr.thresholds.front() == 0.1);
}

TEST_CASE("classification scores by hand") {
    const std::vector<std::int64_t> t{0, 1, 2, 2, 1, 0};
    const std::vector<std::int64_t> p{0, 2, 2, 2, 1, 1};
    const Matrix c = confusion_matrix(t, p, 3);
    CHECK(c(0, 0) == 1);
    CHECK(c(0, 1) == 1);
    CHECK(c(1, 2) == 1);
    CHECK(c(2, 2) == 2);
    CHECK(accuracy_score(t, p) == doctest::Approx(4.0 / 6.0));
    const auto macro = precision_recall_fscore(t, p, 3, Average::macro);
    // precision: 1/1, 1/2, 2/3; recall: 1/2, 1/2, 1
    CHECK(macro.precision[0] == doctest::Approx((1.0 + 0.5 + 2.0 / 3.0) / 3.0));
    CHECK(macro.recall[0] == doctest::Approx((0.5 + 0.5 + 1.0) / 3.0));
    CHECK_THROWS_AS(precision_recall_fscore(t, p, 3, Average::binary), InvalidArgument);
    CHECK_THROWS_AS(confusion_matrix(t, p, 2), InvalidArgument);
}

TEST_CASE("curve inputs are checked") {
    const std::vector<double> y{0, 1};
    const std::vector<double> bad{0.1, NAN};
    CHECK_THROWS_AS(roc_curve(view(y), view(bad)), InvalidArgument);
    CHECK_THROWS_AS(roc_curve(view(y), view(std::vector<double>{0.1})), InvalidArgument);
}

TEST_CASE("TimeSeriesSplit reproduces scikit-learn's folds") {
    // sklearn: TimeSeriesSplit(n_splits=3, gap=1, max_train_size=4) on 10 samples gives
    // train [0..2] test [4,5]; train [1..4] test [6,7]; train [3..6] test [8,9]
    TimeSeriesSplit cv({.n_splits = 3, .max_train_size = 4, .gap = 1});
    const auto folds = cv.split(10);
    REQUIRE(folds.size() == 3);
    CHECK(folds[0].train_begin == 0);
    CHECK(folds[0].train_end == 3);
    CHECK(folds[0].test_begin == 4);
    CHECK(folds[1].train_begin == 1);
    CHECK(folds[1].train_end == 5);
    CHECK(folds[2].train_begin == 3);
    CHECK(folds[2].test_end == 10);
    CHECK_THROWS_AS(TimeSeriesSplit({.n_splits = 1}), InvalidArgument);
    CHECK_THROWS_AS(TimeSeriesSplit({.n_splits = 5}).split(4), InvalidArgument);
}
