#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <numeric>

#include <xtensor/xview.hpp>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

/// n x d standard normal readings; rows listed in `odd` get +6 in feature 0.
Matrix stream_with_anomalies(std::size_t n, std::size_t d, const std::vector<std::size_t> &odd, std::uint64_t seed) {
    Random rng(seed);
    Matrix X = xt::empty<double>({n, d});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) {
            X(i, j) = rng.normal();
        }
    }
    for (auto i : odd) {
        X(i, 0) += 6.0;
    }
    return X;
}

/// ROC AUC by ranks (ties averaged) of scores against 0/1 labels.
double roc_auc(const Vector &score, const std::vector<int> &label) {
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
            rank[idx[k]] = (static_cast<double>(i + j)) / 2.0 + 1.0;
        }
        i = j + 1;
    }
    double pos = 0, sum = 0;
    for (std::size_t i = 0; i < label.size(); ++i) {
        if (label[i]) {
            pos += 1;
            sum += rank[i];
        }
    }
    const double neg = static_cast<double>(label.size()) - pos;
    return (sum - pos * (pos + 1) / 2) / (pos * neg);
}

/// Runs `make()` over X in two ways: uninterrupted, and saved to a document after `cut`
/// readings and restored (through CBOR bytes); the scores of the rest must be bit-identical.
void check_restart(const std::function<std::unique_ptr<OnlineDetector>()> &make, const Matrix &X, std::size_t cut) {
    auto whole = make();
    const Vector all = whole->score_learn_many(X);
    auto first = make();
    const MatrixView view(X);
    first->score_learn_many(view.slice_rows(0, cut));
    const auto bytes = encode_document(first->to_document(), Encoding::cbor);
    auto resumed = online_detector_from_document(decode_document(bytes));
    CHECK(resumed->name() == whole->name());
    CHECK(resumed->n_seen() == cut);
    const Vector rest = resumed->score_learn_many(view.slice_rows(cut, X.shape(0)));
    for (std::size_t i = cut; i < X.shape(0); ++i) {
        REQUIRE(rest[i - cut] == all[i]); // bit-identical
    }
    // The final states are identical documents too.
    CHECK(resumed->to_document() == whole->to_document());
}

/// A document with one state field replaced and the checksum recomputed, as a careless edit
/// or a bug elsewhere would leave it.
Json edited(const Json &doc, const std::function<void(Json &)> &edit) {
    Json state = doc.at("state");
    edit(state);
    return make_document(doc.at("estimator").get<std::string>(), doc.at("version").get<int>(), doc.at("params"),
                         state);
}

} // namespace

TEST_CASE("RunningZScore over a window equals the batch z-score of the same window") {
    Random rng(3);
    const std::size_t n = 3000, w = 50;
    Matrix X = xt::empty<double>({n, std::size_t{2}});
    for (std::size_t i = 0; i < n; ++i) {
        X(i, 0) = 1000.0 + 5.0 * rng.normal(); // a large offset stresses the removal update
        X(i, 1) = 0.001 * rng.normal();
    }
    for (int ddof : {0, 1}) {
        RunningZScore z({.window = w, .ddof = ddof});
        for (std::size_t i = 0; i < n; ++i) {
            const double *x = &X(i, 0);
            const double s = z.score_one(x, 2);
            if (i >= 2) {
                const std::size_t b = i > w ? i - w : 0;
                double worst = 0.0;
                for (std::size_t j = 0; j < 2; ++j) {
                    double mean = 0.0;
                    for (std::size_t k = b; k < i; ++k) {
                        mean += X(k, j);
                    }
                    mean /= static_cast<double>(i - b);
                    double m2 = 0.0;
                    for (std::size_t k = b; k < i; ++k) {
                        m2 += (X(k, j) - mean) * (X(k, j) - mean);
                    }
                    const double sd = std::sqrt(m2 / static_cast<double>(i - b - ddof));
                    worst = std::max(worst, std::fabs(X(i, j) - mean) / sd);
                    REQUIRE(z.mean(j) == doctest::Approx(mean).epsilon(1e-12));
                }
                REQUIRE(s == doctest::Approx(worst).epsilon(1e-12));
            } else {
                CHECK(s == 0.0);
            }
            z.learn_one(x, 2);
        }
    }
}

TEST_CASE("RunningZScore without a window equals the z-score over all history") {
    const Matrix X = stream_with_anomalies(500, 1, {}, 5);
    RunningZScore z;
    Vector s = z.score_learn_many(X);
    double mean = 0.0;
    for (std::size_t k = 0; k < 499; ++k) {
        mean += X(k, 0);
    }
    mean /= 499.0;
    double m2 = 0.0;
    for (std::size_t k = 0; k < 499; ++k) {
        m2 += (X(k, 0) - mean) * (X(k, 0) - mean);
    }
    CHECK(s[499] == doctest::Approx(std::fabs(X(499, 0) - mean) / std::sqrt(m2 / 498.0)).epsilon(1e-12));
    CHECK(z.count() == 500);
}

TEST_CASE("EWMAZScore equals the explicit weighted mean and variance") {
    const Matrix X = stream_with_anomalies(200, 1, {}, 8);
    const double alpha = 0.1;
    for (bool bias : {true, false}) {
        EWMAZScore z(EWMAZScoreParams{.alpha = alpha, .bias = bias});
        z.learn_many(X);
        // adjust=False weights: (1 - a)^t for the first value, a (1 - a)^(t - i) after.
        const std::size_t t = 199;
        std::vector<double> w(200);
        for (std::size_t i = 0; i <= t; ++i) {
            w[i] = (i == 0 ? 1.0 : alpha) * std::pow(1.0 - alpha, static_cast<double>(t - i));
        }
        double sw = 0, sw2 = 0, mean = 0;
        for (std::size_t i = 0; i <= t; ++i) {
            sw += w[i];
            sw2 += w[i] * w[i];
            mean += w[i] * X(i, 0);
        }
        mean /= sw;
        double var = 0;
        for (std::size_t i = 0; i <= t; ++i) {
            var += w[i] * (X(i, 0) - mean) * (X(i, 0) - mean);
        }
        var /= sw;
        if (!bias) {
            var *= sw * sw / (sw * sw - sw2);
        }
        CHECK(z.mean(0) == doctest::Approx(mean).epsilon(1e-12));
        CHECK(z.variance(0) == doctest::Approx(var).epsilon(1e-12));
    }
    CHECK(EWMAZScore(EWMAZScoreParams{.span = 19.0}).alpha() == doctest::Approx(0.1));
}

TEST_CASE("P-square estimates are close to the exact quantiles of a long stream") {
    Random rng(11);
    std::vector<double> values(20000);
    for (auto &v : values) {
        v = rng.normal();
    }
    for (double p : {0.01, 0.1, 0.5, 0.9, 0.99}) {
        PSquareQuantile q(p);
        for (double v : values) {
            q.add(v);
        }
        CHECK(std::fabs(q.value() - percentile(values, 100 * p)) < 0.05);
    }
    PSquareQuantile few(0.5);
    few.add(3.0);
    few.add(1.0);
    few.add(2.0);
    CHECK(few.value() == 2.0); // exact (numpy's rule) before five values
    CHECK_THROWS_AS(PSquareQuantile(1.0), InvalidArgument);
}

TEST_CASE("QuantileBand scores only readings outside its band") {
    Matrix X = stream_with_anomalies(3000, 2, {}, 4);
    QuantileBand band({.low = 0.05, .high = 0.95});
    band.learn_many(X);
    const auto b = band.band(1);
    CHECK(b[0] == doctest::Approx(-1.645).epsilon(0.05));
    CHECK(b[2] == doctest::Approx(1.645).epsilon(0.05));
    const double inside[2] = {0.0, 0.1};
    const double outside[2] = {0.0, 1.645 + 3.29};
    CHECK(band.score_one(inside, 2) == 0.0);
    CHECK(band.score_one(outside, 2) == doctest::Approx(1.0).epsilon(0.05));
    QuantileBand upper({.low = 0.0, .high = 0.9});
    upper.learn_many(X);
    CHECK(std::isnan(upper.band(0)[0]));
    const double low_value[2] = {-5.0, 0.0};
    CHECK(upper.score_one(low_value, 2) == 0.0);
}

TEST_CASE("HalfSpaceTrees finds planted anomalies and is deterministic for a seed") {
    std::vector<std::size_t> odd;
    std::vector<int> label(4000, 0);
    for (std::size_t i = 600; i < 4000; i += 97) {
        odd.push_back(i);
        label[i] = 1;
    }
    const Matrix X = stream_with_anomalies(4000, 3, odd, 21);
    HalfSpaceTrees a({.n_trees = 25, .height = 8, .window_size = 250, .seed = 9});
    HalfSpaceTrees b({.n_trees = 25, .height = 8, .window_size = 250, .seed = 9});
    const Vector sa = a.score_learn_many(X);
    const Vector sb = b.score_learn_many(X);
    CHECK(std::equal(sa.begin(), sa.end(), sb.begin()));
    for (std::size_t i = 0; i < 250; ++i) {
        CHECK(sa[i] == 0.0); // no reference window yet
    }
    Vector after = xt::view(sa, xt::range(500, 4000));
    std::vector<int> after_label(label.begin() + 500, label.end());
    CHECK(roc_auc(after, after_label) > 0.95);
    HalfSpaceTrees c({.n_trees = 25, .height = 8, .window_size = 250, .seed = 10});
    const Vector sc = c.score_learn_many(X);
    CHECK(!std::equal(sa.begin(), sa.end(), sc.begin()));
}

TEST_CASE("HalfSpaceTrees with given limits builds at once and checks the feature count") {
    HalfSpaceTrees h({.n_trees = 3, .height = 4, .window_size = 10, .limits = {-3, 3, -3, 3}});
    CHECK(h.is_built());
    CHECK(h.n_features() == 2);
    const double x3[3] = {0, 0, 0};
    CHECK_THROWS_AS(h.learn_one(x3, 3), InvalidArgument);
    CHECK_THROWS_AS(HalfSpaceTrees({.limits = {1, 0}}), InvalidArgument);
    CHECK_THROWS_AS(HalfSpaceTrees({.height = 0}), InvalidArgument);
}

TEST_CASE("RandomCutForest: scoring a point predicts its CoDisp once inserted") {
    const Matrix X = stream_with_anomalies(120, 2, {60}, 2);
    RandomCutForest f({.n_trees = 20, .window_size = 200, .seed = 4});
    for (std::size_t i = 0; i < 120; ++i) {
        const double predicted = f.score_one(&X(i, 0), 2);
        f.learn_one(&X(i, 0), 2);
        REQUIRE(f.last_point_codisp() == predicted);
    }
    // An exact duplicate joins its twin's leaf.
    const double before = f.score_one(&X(10, 0), 2);
    f.learn_one(&X(10, 0), 2);
    CHECK(f.last_point_codisp() == before);
}

TEST_CASE("RandomCutForest finds planted anomalies and keeps its window bounded") {
    std::vector<std::size_t> odd;
    std::vector<int> label(1500, 0);
    for (std::size_t i = 300; i < 1500; i += 61) {
        odd.push_back(i);
        label[i] = 1;
    }
    const Matrix X = stream_with_anomalies(1500, 3, odd, 13);
    RandomCutForest f({.n_trees = 30, .window_size = 128, .seed = 1});
    const Vector s = f.score_learn_many(X);
    CHECK(f.window_count() == 128);
    Vector after = xt::view(s, xt::range(200, 1500));
    std::vector<int> after_label(label.begin() + 200, label.end());
    CHECK(roc_auc(after, after_label) > 0.95);
    // The document check re-verifies every tree invariant after thousands of evictions.
    CHECK_NOTHROW(RandomCutForest::from_document(f.to_document()));
}

TEST_CASE("RandomCutForest shingles consecutive readings") {
    RandomCutForest f({.n_trees = 5, .window_size = 16, .shingle_size = 3});
    const double a = 1.0, b = 2.0, c = 3.0;
    f.learn_one(&a, 1);
    CHECK(f.score_one(&b, 1) == 0.0); // only two readings: no complete shingle
    f.learn_one(&b, 1);
    CHECK(f.window_count() == 0);
    f.learn_one(&c, 1);
    CHECK(f.window_count() == 1);
    CHECK(f.point_dimension() == 3);
}

TEST_CASE("every online detector continues bit-identically after a save and restore") {
    std::vector<std::size_t> odd{400, 777, 901};
    const Matrix X = stream_with_anomalies(1200, 2, odd, 31);
    check_restart([] { return std::make_unique<RunningZScore>(RunningZScore::Params{.window = 64}); }, X, 333);
    check_restart([] { return std::make_unique<RunningZScore>(); }, X, 333);
    check_restart([] { return std::make_unique<EWMAZScore>(); }, X, 333);
    check_restart([] { return std::make_unique<QuantileBand>(); }, X, 3);
    check_restart([] { return std::make_unique<QuantileBand>(); }, X, 333);
    check_restart(
        [] { return std::make_unique<HalfSpaceTrees>(HalfSpaceTrees::Params{.n_trees = 8, .window_size = 100}); },
        X, 50);
    check_restart(
        [] { return std::make_unique<HalfSpaceTrees>(HalfSpaceTrees::Params{.n_trees = 8, .window_size = 100}); },
        X, 333);
    check_restart(
        [] {
            return std::make_unique<RandomCutForest>(
                RandomCutForest::Params{.n_trees = 10, .window_size = 64, .shingle_size = 2, .seed = 3});
        },
        X, 333);
    check_restart([] { return std::make_unique<RandomCutForest>(RandomCutForest::Params{.n_trees = 10, .window_size = 64}); },
                  X, 40);
}

TEST_CASE("a detector saved to a file continues the same way") {
    const Matrix X = stream_with_anomalies(300, 2, {}, 7);
    const auto path = (std::filesystem::temp_directory_path() / "oddkit_stream_rrcf.cbor").string();
    RandomCutForest f({.n_trees = 6, .window_size = 32});
    const MatrixView v(X);
    f.learn_many(v.slice_rows(0, 100));
    f.save(path);
    auto g = load_online_detector(path);
    const Vector a = f.score_learn_many(v.slice_rows(100, 300));
    const Vector b = g->score_learn_many(v.slice_rows(100, 300));
    CHECK(std::equal(a.begin(), a.end(), b.begin()));
    std::filesystem::remove(path);
}

TEST_CASE("score_many and learn_many equal the loops of single calls") {
    const Matrix X = stream_with_anomalies(400, 2, {}, 17);
    HalfSpaceTrees a({.n_trees = 5, .window_size = 50}), b({.n_trees = 5, .window_size = 50});
    const MatrixView v(X);
    a.learn_many(v.slice_rows(0, 200));
    for (std::size_t i = 0; i < 200; ++i) {
        b.learn_one(X.data() + 2 * i, 2);
    }
    const Vector s = a.score_many(v.slice_rows(200, 400));
    for (std::size_t i = 200; i < 400; ++i) {
        REQUIRE(s[i - 200] == b.score_one(X.data() + 2 * i, 2));
    }
    CHECK(a.n_seen() == 200); // score_many learns nothing
}

TEST_CASE("online detectors refuse NaN, wrong dimensions and bad parameters") {
    RunningZScore z;
    const double nan2[2] = {1.0, std::nan("")};
    const double ok2[2] = {1.0, 2.0};
    const double ok3[3] = {1.0, 2.0, 3.0};
    CHECK_THROWS_WITH_AS(z.learn_one(nan2, 2), doctest::Contains("feature 1 is NaN"), InvalidArgument);
    CHECK(z.n_seen() == 0);
    z.learn_one(ok2, 2);
    CHECK_THROWS_WITH_AS(z.learn_one(ok3, 3), doctest::Contains("expecting 2 features"), InvalidArgument);
    z.set_feature_names({"temp", "rpm"});
    CHECK_THROWS_WITH_AS(z.score_one(nan2, 2), doctest::Contains("feature 'rpm' is NaN"), InvalidArgument);
    const double inf2[2] = {HUGE_VAL, 0.0};
    CHECK_THROWS_WITH_AS(z.score_one(inf2, 2), doctest::Contains("'temp' is infinite"), InvalidArgument);
    // A batch with one bad row is refused whole.
    Matrix X = xt::zeros<double>({std::size_t{5}, std::size_t{2}});
    X(3, 0) = std::nan("");
    CHECK_THROWS_WITH_AS(z.learn_many(X), doctest::Contains("at row 3"), InvalidArgument);
    CHECK(z.n_seen() == 1);

    CHECK_THROWS_WITH_AS(RunningZScore({.window = 1}), doctest::Contains("window"), InvalidArgument);
    CHECK_THROWS_WITH_AS(RunningZScore({.ddof = 2}), doctest::Contains("ddof"), InvalidArgument);
    CHECK_THROWS_WITH_AS(EWMAZScore(EWMAZScoreParams{.alpha = 1.5}), doctest::Contains("alpha"), InvalidArgument);
    CHECK_THROWS_WITH_AS(EWMAZScore(EWMAZScoreParams{.alpha = 0.5, .span = 3.0}), doctest::Contains("alpha"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(QuantileBand({.low = 0.6}), doctest::Contains("low"), InvalidArgument);
    CHECK_THROWS_WITH_AS(QuantileBand({.warm_up = 2}), doctest::Contains("warm_up"), InvalidArgument);
    CHECK_THROWS_WITH_AS(RandomCutForest({.n_trees = 0}), doctest::Contains("n_trees"), InvalidArgument);
    CHECK_THROWS_WITH_AS(RandomCutForest({.shingle_size = 0}), doctest::Contains("shingle_size"), InvalidArgument);
    CHECK_THROWS_WITH_AS(HalfSpaceTrees({.window_size = 0}), doctest::Contains("window_size"), InvalidArgument);
}

TEST_CASE("corrupted online detector documents are FormatError, never a crash") {
    const Matrix X = stream_with_anomalies(300, 2, {}, 23);
    RandomCutForest f({.n_trees = 4, .window_size = 32});
    f.learn_many(X);
    const Json doc = f.to_document();
    Json tampered = doc;
    tampered["state"]["head"] = 5; // checksum no longer matches
    CHECK_THROWS_AS(RandomCutForest::from_document(tampered), FormatError);
    CHECK_THROWS_AS(RunningZScore::from_document(doc), FormatError); // another estimator
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["trees"][0]["shape"][0] = -9; })),
                    FormatError);
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["trees"][1]["slots"][0] = 1000; })),
                    FormatError);
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["trees"][1]["cuts"][0] = 1e9; })),
                    FormatError);
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["trees"][2]["shape"].erase(0); })),
                    FormatError);
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["count"] = 33; })), FormatError);
    CHECK_THROWS_AS(RandomCutForest::from_document(edited(doc, [](Json &s) { s["points"] = "x"; })), FormatError);

    HalfSpaceTrees h({.n_trees = 3, .window_size = 50});
    h.learn_many(X);
    const Json hd = h.to_document();
    CHECK_THROWS_AS(HalfSpaceTrees::from_document(edited(hd, [](Json &s) { s["split_feature"][0] = 7; })), FormatError);
    CHECK_THROWS_AS(HalfSpaceTrees::from_document(edited(hd, [](Json &s) { s["reference"].erase(0); })), FormatError);

    RunningZScore z({.window = 10});
    z.learn_many(X);
    const Json zd = z.to_document();
    CHECK_THROWS_AS(RunningZScore::from_document(edited(zd, [](Json &s) { s["head"] = 10; })), FormatError);
    CHECK_THROWS_AS(RunningZScore::from_document(edited(zd, [](Json &s) { s["buffer"].erase(0); })), FormatError);
    Json bad_params = zd;
    bad_params["params"]["window"] = 1;
    CHECK_THROWS_AS(RunningZScore::from_document(make_document("RunningZScore", 1, bad_params["params"], zd["state"])),
                    FormatError);

    QuantileBand q;
    q.learn_many(X);
    const Json qd = q.to_document();
    CHECK_THROWS_AS(QuantileBand::from_document(edited(qd, [](Json &s) { s["features"][0]["median"]["position"][1] = 9e9; })),
                    FormatError);
    CHECK_THROWS_AS(online_detector_from_document(Json::object()), FormatError);
}
