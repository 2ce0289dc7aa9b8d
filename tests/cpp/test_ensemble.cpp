#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {

std::vector<std::unique_ptr<Detector>> three_members() {
    std::vector<std::unique_ptr<Detector>> m;
    m.push_back(std::make_unique<ZScoreDetector>());
    m.push_back(std::make_unique<IQRDetector>());
    m.push_back(std::make_unique<MahalanobisDetector>());
    return m;
}

} // namespace

TEST_CASE("Ensemble: normalizations and combinations computed by hand from the members") {
    Matrix X = normal_rows(300, 2, 1);
    X(0, 0) = 9;
    for (auto norm : {Normalization::rank, Normalization::zscore, Normalization::minmax, Normalization::unify}) {
        for (auto comb : {Combination::mean, Combination::max, Combination::weighted_mean,
                          Combination::average_of_maximum, Combination::maximum_of_average,
                          Combination::majority_vote}) {
            EnsembleParams p{.normalization = norm, .combination = comb};
            if (comb == Combination::weighted_mean) {
                p.weights = {1, 2, 3};
            }
            Ensemble e(three_members(), p);
            e.fit(X);
            const Matrix raw = e.member_scores(X);
            const Matrix z = e.normalized_scores(X);
            const Vector a = e.anomaly_score(X);
            for (std::size_t i = 0; i < 300; i += 37) {
                for (std::size_t k = 0; k < 3; ++k) {
                    const Vector train = e.member(k).anomaly_score(X);
                    std::vector<double> t(train.begin(), train.end());
                    const double s = raw(i, k);
                    REQUIRE(s == train[i]);
                    if (comb == Combination::majority_vote) {
                        CHECK(z(i, k) == (e.member(k).predict(MatrixView(X.data() + 2 * i, 1, 2))[0] == -1 ? 1.0 : 0.0));
                        continue;
                    }
                    double mean = 0, ss = 0;
                    for (double v : t) mean += v;
                    mean /= t.size();
                    for (double v : t) ss += (v - mean) * (v - mean);
                    const double sd = std::sqrt(ss / t.size());
                    const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
                    double expect = 0;
                    switch (norm) {
                    case Normalization::rank:
                        expect = std::count_if(t.begin(), t.end(), [&](double v) { return v <= s; }) / 300.0;
                        break;
                    case Normalization::zscore: expect = (s - mean) / sd; break;
                    case Normalization::minmax: expect = (s - *lo) / (*hi - *lo); break;
                    case Normalization::unify: expect = std::max(0.0, std::erf((s - mean) / sd / std::sqrt(2.0))); break;
                    }
                    CHECK(z(i, k) == doctest::Approx(expect));
                }
                const double z0 = z(i, 0), z1 = z(i, 1), z2 = z(i, 2);
                double expect = 0;
                switch (comb) {
                case Combination::mean: case Combination::majority_vote: expect = (z0 + z1 + z2) / 3; break;
                case Combination::max: expect = std::max({z0, z1, z2}); break;
                case Combination::weighted_mean: expect = (z0 + 2 * z1 + 3 * z2) / 6; break;
                // buckets: {0, 2} and {1}
                case Combination::average_of_maximum: expect = (std::max(z0, z2) + z1) / 2; break;
                case Combination::maximum_of_average: expect = std::max((z0 + z2) / 2, z1); break;
                }
                CHECK(a[i] == doctest::Approx(expect));
            }
            // The planted point is the ensemble's most anomalous row.
            CHECK(std::max_element(a.begin(), a.end()) - a.begin() == 0);
            const Matrix proba = e.predict_proba(X);
            CHECK(proba(0, 1) + proba(0, 0) == doctest::Approx(1.0));
            CHECK(proba(0, 1) > 0.8);
            const Matrix c = e.contributions(X);
            CHECK(c(0, 0) + c(0, 1) + c(0, 2) == doctest::Approx(1.0));
        }
    }
}

TEST_CASE("Ensemble: contamination threshold, auto rules, explain") {
    Matrix X = normal_rows(400, 3, 2);
    for (std::size_t i = 0; i < 8; ++i) {
        X(i, 1) = 10 + i;
    }
    Ensemble e(three_members(), {.contamination = 0.05});
    e.fit(X);
    const Labels p = e.predict(X);
    CHECK(std::count(p.begin(), p.end(), -1) == 20);
    const auto ex = e.explain(X);
    CHECK(ex.rows.size() == 20);
    CHECK(ex.contributions.shape(1) == 3);
    Ensemble vote(three_members(), {.combination = Combination::majority_vote});
    vote.fit(X);
    const Labels pv = vote.predict(X);
    for (std::size_t i = 0; i < 8; ++i) {
        CHECK(pv[i] == -1);
    }
    CHECK(vote.offset() == -0.5);
}

TEST_CASE("Ensemble: pre-fitted members, save and load with embedded members, bad input") {
    const Matrix X = normal_rows(200, 2, 3);
    auto members = three_members();
    for (auto &m : members) {
        m->fit(X);
    }
    members.push_back(std::make_unique<IsolationForest>(IsolationForestParams{.n_estimators = 20, .random_state = 1}));
    members.back()->fit(X);
    Ensemble e(std::move(members), {.normalization = Normalization::unify, .combination = Combination::max});
    CHECK_THROWS_AS(e.anomaly_score(X), NotFitted);
    e.calibrate(X);
    const Vector before = e.score_samples(X);
    const auto path = (std::filesystem::temp_directory_path() / "oddkit_ensemble.cbor").string();
    e.save(path);
    const auto loaded = load_detector(path);
    CHECK(loaded->name() == "Ensemble");
    const Vector after = loaded->score_samples(X);
    CHECK(std::equal(before.begin(), before.end(), after.begin()));
    const Ensemble direct = Ensemble::load(path);
    CHECK(direct.to_document() == e.to_document());
    std::filesystem::remove(path);

    // A member fitted on another feature count.
    {
        auto bad = three_members();
        bad[0]->fit(X);
        bad[1]->fit(normal_rows(50, 3, 1));
        CHECK_THROWS_WITH_AS(Ensemble(std::move(bad)), doctest::Contains("expects 3 features"), InvalidArgument);
    }
    {
        auto m = three_members();
        m[0]->fit(normal_rows(50, 3, 1));
        Ensemble partly(std::move(m));
        CHECK_THROWS_WITH_AS(partly.calibrate(normal_rows(50, 3, 1)), doctest::Contains("member 1 (IQRDetector) is not fitted"), InvalidArgument);
        partly.fit(X); // fit refits every member, so the stale one is replaced
        CHECK(partly.n_features_in() == 2);
    }
    CHECK_THROWS_WITH_AS(Ensemble(three_members(), {.combination = Combination::weighted_mean, .weights = {1, 2}}),
                         doctest::Contains("weights"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Ensemble(three_members(), {.combination = Combination::weighted_mean}),
                         doctest::Contains("weights"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Ensemble(three_members(), {.weights = {1, 1, 1}}), doctest::Contains("weights"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(
        Ensemble(three_members(), {.combination = Combination::weighted_mean, .weights = {1, -1, 1}}),
        doctest::Contains("weights"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Ensemble(three_members(), {.combination = Combination::average_of_maximum, .n_buckets = 4}),
                         doctest::Contains("n_buckets"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Ensemble(std::vector<std::unique_ptr<Detector>>{}), doctest::Contains("detectors"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(normalization_from_string("sigmoid"), doctest::Contains("normalization"), InvalidArgument);

    // Corrupted documents.
    const Json good = e.to_document();
    auto reseal = [](const Json &d) { return make_document("Ensemble", 1, d["params"], d["state"]); };
    {
        Json d = good;
        d["state"]["members"][1]["state"]["q1"] = Json::array();
        CHECK_THROWS_AS(Ensemble::from_document(reseal(d)), FormatError); // the member's own checksum fails
    }
    {
        Json d = good;
        d["state"]["members"].erase(1);
        CHECK_THROWS_AS(Ensemble::from_document(reseal(d)), FormatError);
    }
    {
        Json d = good;
        d["params"]["combination"] = "weighted_mean";
        d["params"]["weights"] = {1.0};
        CHECK_THROWS_WITH_AS(Ensemble::from_document(reseal(d)), doctest::Contains("weights"), FormatError);
    }
    {
        Json d = good;
        d["params"]["normalization"] = "rank";
        CHECK_THROWS_WITH_AS(Ensemble::from_document(reseal(d)), doctest::Contains("reference"), FormatError);
    }
    {
        Json d = good;
        d["state"]["members"] = Json::array();
        CHECK_THROWS_WITH_AS(Ensemble::from_document(reseal(d)), doctest::Contains("members"), FormatError);
    }
    {
        Json d = good;
        d["state"]["n_features_in"] = 7; // members see 2
        CHECK_THROWS_AS(Ensemble::from_document(reseal(d)), FormatError);
    }
}
