#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {

Json resealed(const Json &doc) {
    return make_document(doc["estimator"].get<std::string>(), doc["version"], doc["params"], doc["state"]);
}

// Rosner (1983), as reproduced in the NIST/SEMATECH e-Handbook, section 1.3.5.17.3.
const std::vector<double> rosner_data = {
    -0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56, 1.58, 1.65, 1.69, 1.70,
    1.76,  1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15, 2.23, 2.24, 2.26, 2.35, 2.37, 2.40,
    2.47,  2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93, 3.21, 3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01};

} // namespace

TEST_CASE("distributions: Student t and chi-square quantiles match scipy") {
    // Values from scipy.stats.t.ppf / chi2.ppf (scipy 1.17).
    const double t_cases[][3] = {{0.975, 10, 2.228138851986274},
                                 {0.99, 3, 4.540702858568132},
                                 {0.05, 1, -6.313751514675044},
                                 {1 - 0.05 / 108, 52, 3.513086381166925},
                                 {0.999999, 2.5, 220.17342917570426},
                                 {0.6, 200, 0.25368437919014747}};
    for (const auto &c : t_cases) {
        CHECK(student_t_quantile(c[0], c[1]) == doctest::Approx(c[2]).epsilon(1e-11));
        CHECK(student_t_cdf(c[2], c[1]) == doctest::Approx(c[0]).epsilon(1e-12));
    }
    const double chi_cases[][3] = {{0.975, 2, 7.377758908227871},
                                   {0.5, 3, 2.3659738843753377},
                                   {0.975, 1, 5.023886187314888},
                                   {0.01, 7, 1.2390423055679298}};
    for (const auto &c : chi_cases) {
        CHECK(chi2_quantile(c[0], c[1]) == doctest::Approx(c[2]).epsilon(1e-11));
    }
    CHECK(regularized_incomplete_beta(2, 3, 0.4) == doctest::Approx(0.5248)); // hand: sum of binomial terms
    CHECK_THROWS_WITH_AS(student_t_quantile(1.0, 3), doctest::Contains("p"), InvalidArgument);
    CHECK_THROWS_WITH_AS(chi2_quantile(0.5, 0), doctest::Contains("df"), InvalidArgument);
}

TEST_CASE("generalized ESD reproduces Rosner's published example") {
    const EsdResult r = generalized_esd(rosner_data, 10, 0.05);
    const double R[] = {3.118, 2.942, 3.179, 2.810, 2.815, 2.848, 2.279, 2.310, 2.101, 2.067};
    const double lambda[] = {3.158, 3.151, 3.143, 3.136, 3.128, 3.120, 3.111, 3.103, 3.094, 3.085};
    REQUIRE(r.statistics.size() == 10);
    for (std::size_t i = 0; i < 10; ++i) {
        // The handbook's table truncates to three decimals.
        CHECK(std::floor(r.statistics[i] * 1000) / 1000 == doctest::Approx(R[i]));
        CHECK(std::floor(r.critical_values[i] * 1000) / 1000 == doctest::Approx(lambda[i]));
    }
    CHECK(r.n_outliers == 3);
    // The three removed first: 6.01, 5.42, 5.34 (indices 53, 52, 51).
    CHECK(r.removed[0] == 53);
    CHECK(r.removed[1] == 52);
    CHECK(r.removed[2] == 51);

    GeneralizedESD esd({.max_anomalies = 10, .alpha = 0.05});
    esd.fit(MatrixView(rosner_data.data(), rosner_data.size(), 1));
    CHECK(esd.n_outliers()[0] == 3);
    const Labels p = esd.predict(MatrixView(rosner_data.data(), rosner_data.size(), 1));
    CHECK(std::count(p.begin(), p.end(), -1) == 3);
    CHECK(p[51] == -1);
    CHECK(p[52] == -1);
    CHECK(p[53] == -1);
    CHECK_THROWS_WITH_AS(generalized_esd({1.0, 2.0, 3.0}, 1, 0.05), doctest::Contains("at least"), InvalidArgument);
}

TEST_CASE("ZScore, RobustZScore and IQR: hand-computed scores and the combine rule") {
    // Column 0: 1..5 (mean 3, population std sqrt 2, median 3, MAD 1, Q1 2, Q3 4);
    // column 1: 10 * column 0.
    Matrix X = {{1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}};
    const Matrix probe = {{7, 30}, {3, 0}};
    ZScoreDetector z;
    z.fit(X);
    CHECK(z.mean()[0] == doctest::Approx(3));
    CHECK(z.scale()[1] == doctest::Approx(10 * std::sqrt(2.0)));
    Vector a = z.anomaly_score(probe);
    CHECK(a[0] == doctest::Approx(4 / std::sqrt(2.0)));
    CHECK(a[1] == doctest::Approx(3 / std::sqrt(2.0)));
    ZScoreDetector zmean({.combine = Combine::mean});
    zmean.fit(X);
    CHECK(zmean.anomaly_score(probe)[0] == doctest::Approx(2 / std::sqrt(2.0)));
    CHECK(z.offset() == -3.0);
    CHECK(z.score_samples(probe)[0] == -a[0]);

    RobustZScoreDetector r;
    r.fit(X);
    CHECK(r.anomaly_score(probe)[0] == doctest::Approx(4 / 1.4826));
    CHECK(r.offset() == -3.5);

    IQRDetector q;
    q.fit(X);
    a = q.anomaly_score(probe);
    CHECK(a[0] == doctest::Approx(1.5)); // (7 - 4) / 2: exactly on Tukey's fence
    CHECK(a[1] == doctest::Approx(1.0)); // (20 - 0) / 20
    CHECK(q.predict(probe)[0] == 1);     // on the fence is not outside it
    CHECK(q.anomaly_score(Matrix{{3, 30}})[0] == doctest::Approx(-0.5));

    // Constant columns: scale 1, no division by zero.
    Matrix flat = xt::ones<double>({6, 1});
    for (auto *d : std::initializer_list<Detector *>{&z, &r, &q}) {
        d->fit(flat);
        CHECK(d->anomaly_score(Matrix{{3.0}})[0] > 0.0);
        CHECK(std::isfinite(d->anomaly_score(Matrix{{3.0}})[0]));
    }
}

TEST_CASE("contamination sets offset_ at that percentile of the training score_samples") {
    const Matrix X = normal_rows(500, 3, 4);
    ZScoreDetector z({.contamination = 0.1});
    z.fit(X);
    const Vector s = z.score_samples(X);
    CHECK(z.offset() == percentile(std::vector<double>(s.begin(), s.end()), 10.0));
    const Labels p = z.predict(X);
    CHECK(std::count(p.begin(), p.end(), -1) == 50);
}

TEST_CASE("EWMA and CUSUM: recursions by hand and a level shift detected") {
    const Matrix train = {{-1}, {1}, {-1}, {1}}; // mean 0, sigma 1
    EWMADetector e({.lam = 0.5, .L = 3});
    e.fit(train);
    const Matrix seq = {{2}, {2}, {0}};
    const Vector a = e.anomaly_score(seq);
    // z1 = 1, sigma_1 = sqrt(1/3 * (1 - 0.25)) = 0.5; z2 = 1.5, sigma_2 = sqrt(1/3 (1 - 1/16))
    CHECK(a[0] == doctest::Approx(1.0 / 0.5));
    CHECK(a[1] == doctest::Approx(1.5 / std::sqrt((1.0 / 3.0) * (1 - 1.0 / 16))));
    CHECK(a[2] == doctest::Approx(0.75 / std::sqrt((1.0 / 3.0) * (1 - 1.0 / 64))));

    CUSUMDetector c({.k = 0.5, .h = 4});
    c.fit(train);
    const Vector s = c.anomaly_score(Matrix{{2}, {2}, {-1}, {-3}});
    CHECK(s[0] == doctest::Approx(1.5));
    CHECK(s[1] == doctest::Approx(3.0));
    CHECK(s[2] == doctest::Approx(1.5));  // C+ = 3 - 1 - 0.5
    CHECK(s[3] == doctest::Approx(3.0)); // C- = 0.5 + 3 - 0.5 (C- was 0.5 after y = -1)
    // A 1.5 sigma level shift half-way through a long sequence.
    Matrix series = normal_rows(2000, 1, 3);
    for (std::size_t i = 1000; i < 2000; ++i) {
        series(i, 0) += 1.5;
    }
    const MatrixView before(series.data(), 1000, 1);
    c.fit(before);
    e = EWMADetector(); // lambda 0.2, L 3
    e.fit(before);
    const Labels pc = c.predict(series);
    const Labels pe = e.predict(series);
    CHECK(std::count(pc.begin() + 1100, pc.end(), -1) > 800);
    CHECK(std::count(pe.begin() + 1100, pe.end(), -1) > 700);
    CHECK(std::count(pc.begin(), pc.begin() + 1000, -1) < 50);
}

TEST_CASE("SeasonalDetector: recovers a seasonal pattern, flags a spike, refuses short series") {
    const std::size_t period = 12;
    Random rng(5);
    Matrix X = xt::empty<double>({period * 20, std::size_t{1}});
    for (std::size_t i = 0; i < X.shape(0); ++i) {
        X(i, 0) = 10.0 * std::sin(2 * 3.141592653589793 * static_cast<double>(i % period) / period) + 0.01 * i +
                  0.1 * rng.normal();
    }
    X(100, 0) += 3.0; // small against the season (amplitude 10), large against the noise
    SeasonalDetector s({.period = static_cast<int>(period)});
    s.fit(X);
    for (std::size_t p = 0; p < period; ++p) {
        CHECK(s.seasonal()[p] == doctest::Approx(10.0 * std::sin(2 * 3.141592653589793 * p / period)).epsilon(0.02));
    }
    const Vector a = s.anomaly_score(X);
    CHECK(std::max_element(a.begin(), a.end()) - a.begin() == 100);
    // Plain z-scores cannot see it: the season dominates.
    ZScoreDetector z;
    z.fit(X);
    CHECK(z.predict(X)[100] == 1);
    CHECK(s.predict(X)[100] == -1);
    CHECK_THROWS_WITH_AS(s.fit(MatrixView(X.data(), 2 * period - 1, 1)), doctest::Contains("two periods"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(SeasonalDetector({.period = 1}), doctest::Contains("period"), InvalidArgument);
}

TEST_CASE("MahalanobisDetector: empirical and robust covariance; deterministic MCD") {
    Matrix X = normal_rows(400, 3, 8);
    for (std::size_t i = 0; i < 400; ++i) {
        X(i, 1) += 0.8 * X(i, 0); // correlated sensors
    }
    for (std::size_t i = 0; i < 40; ++i) { // a cluster of outliers that drags the mean
        X(i, 0) = 6 + 0.1 * X(i, 2);
        X(i, 1) = -6;
    }
    MahalanobisDetector plain;
    plain.fit(X);
    MahalanobisDetector robust({.robust = true, .random_state = 3});
    robust.fit(X);
    CHECK(robust.support_size() < 370);
    const Vector dp = plain.anomaly_score(X);
    const Vector dr = robust.anomaly_score(X);
    double min_outlier = 1e300, max_inlier = 0;
    for (std::size_t i = 0; i < 400; ++i) {
        (i < 40 ? min_outlier : max_inlier) = i < 40 ? std::min(min_outlier, dr[i]) : std::max(max_inlier, dr[i]);
    }
    CHECK(min_outlier > 10 * max_inlier / 2); // masking undone by the robust fit
    CHECK(dr[0] > 10 * dp[0]);
    CHECK(robust.offset() == doctest::Approx(-chi2_quantile(0.975, 3)));
    MahalanobisDetector again({.robust = true, .random_state = 3});
    again.fit(X);
    CHECK(again.to_document() == robust.to_document());
    // Big n goes through the subsampled starts and still finds the outliers.
    Matrix big = normal_rows(4000, 2, 2);
    for (std::size_t i = 0; i < 200; ++i) {
        big(i, 0) = 8;
    }
    MahalanobisDetector rb({.robust = true});
    rb.fit(big);
    const Labels p = rb.predict(big);
    CHECK(std::count(p.begin(), p.begin() + 200, -1) == 200);
    CHECK_THROWS_WITH_AS(MahalanobisDetector({.support_fraction = 1.5}), doctest::Contains("support_fraction"),
                         InvalidArgument);
}

TEST_CASE("statistical detectors: documents round-trip through load_detector in every encoding") {
    namespace fs = std::filesystem;
    const Matrix X = normal_rows(120, 2, 12);
    std::vector<std::unique_ptr<Detector>> all;
    all.push_back(std::make_unique<ZScoreDetector>(ZScoreDetectorParams{.contamination = 0.05}));
    all.push_back(std::make_unique<RobustZScoreDetector>(RobustZScoreDetectorParams{.combine = Combine::mean}));
    all.push_back(std::make_unique<IQRDetector>(IQRDetectorParams{.k = 3}));
    all.push_back(std::make_unique<GeneralizedESD>());
    all.push_back(std::make_unique<EWMADetector>());
    all.push_back(std::make_unique<CUSUMDetector>());
    all.push_back(std::make_unique<SeasonalDetector>(SeasonalDetectorParams{.period = 7}));
    all.push_back(std::make_unique<MahalanobisDetector>(MahalanobisDetectorParams{.robust = true}));
    const auto dir = fs::temp_directory_path() / "oddkit_stat_test";
    fs::create_directories(dir);
    for (auto &d : all) {
        CAPTURE(d->name());
        CHECK_THROWS_AS(d->anomaly_score(X), NotFitted);
        d->fit(X);
        const Vector before = d->score_samples(X);
        for (const char *file : {"m.json", "m.cbor", "m.msgpack"}) {
            const auto path = (dir / file).string();
            d->save(path);
            const auto loaded = load_detector(path);
            CHECK(loaded->name() == d->name());
            const Vector after = loaded->score_samples(X);
            CHECK(std::equal(before.begin(), before.end(), after.begin()));
            CHECK(loaded->offset() == d->offset());
            CHECK(loaded->to_document() == d->to_document());
        }
        CHECK_THROWS_WITH_AS(d->anomaly_score(MatrixView(X.data(), 3, 1)), doctest::Contains("expecting 2 features"),
                             InvalidArgument);
        Matrix bad = X;
        bad(3, 1) = NAN;
        CHECK_THROWS_WITH_AS(d->fit(bad), doctest::Contains("NaN at row 3"), InvalidArgument);
        CHECK_THROWS_AS(d->anomaly_score(bad), InvalidArgument);
        CHECK_THROWS_WITH_AS(d->fit(MatrixView(X.data(), 0, 2)), doctest::Contains("empty"), InvalidArgument);
        // Corrupted documents.
        const Json good = d->to_document();
        {
            Json doc = good;
            doc["state"]["n_features_in"] = 5;
            CHECK_THROWS_AS(load_detector(resealed(doc)), FormatError);
        }
        {
            Json doc = good;
            doc["params"]["contamination"] = 0.9;
            CHECK_THROWS_WITH_AS(load_detector(resealed(doc)), doctest::Contains("contamination"), FormatError);
        }
        {
            Json doc = good;
            doc["params"]["contamination"] = "sometimes";
            CHECK_THROWS_AS(load_detector(resealed(doc)), FormatError);
        }
        {
            Json doc = good;
            doc["state"]["offset"] = "x";
            CHECK_THROWS_WITH_AS(load_detector(resealed(doc)), doctest::Contains("offset"), FormatError);
        }
        {
            Json doc = good;
            doc["state"]["offset"] = 1.25; // not resealed
            CHECK_THROWS_WITH_AS(load_detector(doc), doctest::Contains("checksum"), FormatError);
        }
        {
            Json doc = good;
            for (auto &item : doc["state"].items()) {
                if (item.value().is_array()) {
                    item.value().erase(0); // one value short
                    break;
                }
            }
            CHECK_THROWS_AS(load_detector(resealed(doc)), FormatError);
        }
    }
    fs::remove_all(dir);
    CHECK_THROWS_WITH_AS(load_detector(make_document("NoSuchDetector", 1, Json::object(), Json::object())),
                         doctest::Contains("unknown estimator"), FormatError);
    CHECK_THROWS_AS(load_detector(Json::array()), FormatError);
    CHECK_THROWS_AS(ZScoreDetector::from_document(all[1]->to_document()), FormatError); // a RobustZScore document
    const auto names = registered_detectors();
    CHECK(std::find(names.begin(), names.end(), "IsolationForest") != names.end());
    CHECK(std::find(names.begin(), names.end(), "Ensemble") != names.end());
}

TEST_CASE("statistical detectors: parameters out of range are refused with their names") {
    CHECK_THROWS_WITH_AS(ZScoreDetector({.contamination = 0.7}), doctest::Contains("contamination"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IQRDetector({.k = -1}), doctest::Contains("k:"), InvalidArgument);
    CHECK_THROWS_WITH_AS(GeneralizedESD({.max_anomalies = 0}), doctest::Contains("max_anomalies"), InvalidArgument);
    CHECK_THROWS_WITH_AS(GeneralizedESD({.alpha = 1.0}), doctest::Contains("alpha"), InvalidArgument);
    CHECK_THROWS_WITH_AS(EWMADetector({.lam = 0.0}), doctest::Contains("lam"), InvalidArgument);
    CHECK_THROWS_WITH_AS(EWMADetector({.L = -2}), doctest::Contains("L:"), InvalidArgument);
    CHECK_THROWS_WITH_AS(CUSUMDetector({.h = 0}), doctest::Contains("h:"), InvalidArgument);
    CHECK_THROWS_WITH_AS(CUSUMDetector({.k = NAN}), doctest::Contains("k:"), InvalidArgument);
    GeneralizedESD esd({.max_anomalies = 10});
    const Matrix few = normal_rows(12, 1, 1);
    CHECK_THROWS_WITH_AS(esd.fit(few), doctest::Contains("at least 13"), InvalidArgument);
}
