#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

namespace {

/// n standard normal rows (d features) followed by `outliers` rows uniform in [-6, 6]^d.
Matrix planted_svm(std::size_t n, std::size_t d, std::size_t outliers, std::uint64_t seed) {
    Random rng(seed);
    Matrix X = xt::empty<double>({n + outliers, d});
    for (std::size_t i = 0; i < n + outliers; ++i) {
        for (std::size_t j = 0; j < d; ++j) {
            X(i, j) = i < n ? rng.normal() : rng.uniform(-6.0, 6.0);
        }
    }
    return X;
}

/// ROC AUC (label 1 for rows >= first_anomaly; higher score = more anomalous), by pair count.
double auc(const Vector &score, std::size_t first_anomaly) {
    double wins = 0.0;
    for (std::size_t a = first_anomaly; a < score.size(); ++a) {
        for (std::size_t b = 0; b < first_anomaly; ++b) {
            wins += score[a] > score[b] ? 1.0 : (score[a] == score[b] ? 0.5 : 0.0);
        }
    }
    return wins / (static_cast<double>(score.size() - first_anomaly) * static_cast<double>(first_anomaly));
}

Matrix column(std::initializer_list<double> values) {
    Matrix X = xt::empty<double>({values.size(), std::size_t{1}});
    std::size_t i = 0;
    for (double v : values) {
        X(i++, 0) = v;
    }
    return X;
}

} // namespace

TEST_CASE("kernels: definitions and block products agree with hand values") {
    const double u[2] = {1.0, 2.0}, v[2] = {3.0, -1.0};
    CHECK(Kernel{KernelType::linear, 0.5, 3, 1.0}(u, v, 2) == doctest::Approx(1.0));
    CHECK(Kernel{KernelType::poly, 0.5, 3, 1.0}(u, v, 2) == doctest::Approx(std::pow(1.5, 3)));
    CHECK(Kernel{KernelType::rbf, 0.5, 3, 1.0}(u, v, 2) == doctest::Approx(std::exp(-0.5 * 13.0)));
    CHECK(Kernel{KernelType::sigmoid, 0.5, 3, 1.0}(u, v, 2) == doctest::Approx(std::tanh(1.5)));
    const Matrix A = planted_svm(7, 3, 0, 1), B = planted_svm(5, 3, 0, 2);
    for (auto type : {KernelType::linear, KernelType::poly, KernelType::rbf, KernelType::sigmoid}) {
        const Kernel k{type, 0.3, 2, 0.7};
        const auto an = squared_norms(A), bn = squared_norms(B);
        std::vector<double> out(7 * 5);
        kernel_block(k, A, an.data(), B, bn.data(), out.data());
        for (std::size_t i = 0; i < 7; ++i) {
            for (std::size_t t = 0; t < 5; ++t) {
                REQUIRE(out[i * 5 + t] == doctest::Approx(k(&A(i, 0), &B(t, 0), 3)).epsilon(1e-12));
            }
        }
    }
    CHECK(kernel_from_name("poly") == KernelType::poly);
    CHECK_THROWS_WITH_AS(kernel_from_name("cosine"), doctest::Contains("kernel"), InvalidArgument);
}

TEST_CASE("OneClassSVM: linear kernel on four points matches the hand solution") {
    // min 0.5 (a . x)^2 with sum a = 2 and 0 <= a <= 1 puts a = 1 on the two smallest x:
    // w = 1 + 2 = 3, G = 3x; rho is the middle of [max G at 1, min G at 0] = (6 + 9) / 2.
    // The rows are in descending order, so the solver starts from the wrong pair.
    const Matrix X = column({4.0, 3.0, 2.0, 1.0});
    OneClassSVM svm({.kernel = KernelType::linear, .nu = 0.5});
    svm.fit(X);
    CHECK(svm.support() == std::vector<std::int64_t>{2, 3});
    CHECK(svm.dual_coef()[0] == doctest::Approx(1.0));
    CHECK(svm.dual_coef()[1] == doctest::Approx(1.0));
    CHECK(svm.offset() == doctest::Approx(7.5));
    CHECK(svm.intercept() == doctest::Approx(-7.5));
    const Vector s = svm.score_samples(X);
    CHECK(s[0] == doctest::Approx(12.0));
    CHECK(s[3] == doctest::Approx(3.0));
    const Vector dfn = svm.decision_function(X);
    CHECK(dfn[3] == doctest::Approx(-4.5));
    CHECK(svm.predict(X)[0] == 1);
    CHECK(svm.predict(X)[3] == -1);
    CHECK(svm.anomaly_score(X)[3] == doctest::Approx(4.5));

    // nu = 0.625: sum a = 2.5, a = (0.5, 1, 1) on x = 3, 2, 1; the free a sets rho = G = 3 * 4.5.
    OneClassSVM frac({.kernel = KernelType::linear, .nu = 0.625});
    frac.fit(X);
    CHECK(frac.support() == std::vector<std::int64_t>{1, 2, 3});
    CHECK(frac.dual_coef()[0] == doctest::Approx(0.5));
    CHECK(frac.offset() == doctest::Approx(13.5));

    // nu = 1: every a is 1; rho is the largest training score (libsvm's would be infinite).
    OneClassSVM all({.kernel = KernelType::linear, .nu = 1.0});
    all.fit(X);
    CHECK(all.n_support() == 4);
    CHECK(all.offset() == doctest::Approx(40.0));
}

TEST_CASE("OneClassSVM: the KKT conditions hold at the solution for every kernel") {
    const Matrix X = planted_svm(300, 3, 10, 5);
    for (auto type : {KernelType::rbf, KernelType::linear, KernelType::poly, KernelType::sigmoid}) {
        for (bool shrinking : {true, false}) {
            CAPTURE(kernel_name(type));
            const double nu = 0.3;
            // a tiny cache forces evictions and row extensions on the way
            OneClassSVM svm({.kernel = type, .nu = nu, .gamma = type == KernelType::sigmoid ? Gamma(0.05) : Gamma::scale(),
                             .coef0 = type == KernelType::poly ? 1.0 : 0.0, .tol = 1e-6, .shrinking = shrinking,
                             .cache_size = 0.001});
            svm.fit(X);
            const auto &a = svm.dual_coef();
            const double sum = std::accumulate(a.begin(), a.end(), 0.0);
            CHECK(sum == doctest::Approx(nu * 310.0).epsilon(1e-9));
            std::vector<double> alpha(310, 0.0);
            for (std::size_t t = 0; t < a.size(); ++t) {
                REQUIRE(a[t] > 0.0);
                REQUIRE(a[t] <= 1.0);
                alpha[static_cast<std::size_t>(svm.support()[t])] = a[t];
            }
            // G_i = sum_t a_t k(x_i, x_t) = score_samples; a_i < 1 needs G_i >= rho, a_i > 0
            // needs G_i <= rho (up to tol).
            const Vector G = svm.score_samples(X);
            double up = -INFINITY, low = -INFINITY;
            for (std::size_t i = 0; i < 310; ++i) {
                if (alpha[i] < 1.0) {
                    up = std::max(up, -G[i]);
                }
                if (alpha[i] > 0.0) {
                    low = std::max(low, G[i]);
                }
            }
            CHECK(up + low < 1e-6 * 1.0001);
            CHECK(svm.offset() >= -up - 1e-6);
            CHECK(svm.offset() <= low + 1e-6);
            CHECK(svm.converged());
        }
    }
}

TEST_CASE("OneClassSVM: scores equal a naive kernel sum; shrinking does not change the answer") {
    const Matrix X = planted_svm(400, 4, 20, 9);
    OneClassSVM a({.nu = 0.2, .tol = 1e-8, .shrinking = true});
    OneClassSVM b({.nu = 0.2, .tol = 1e-8, .shrinking = false});
    a.fit(X);
    b.fit(X);
    const Vector sa = a.score_samples(X), sb = b.score_samples(X);
    const Matrix V = a.support_vectors();
    const Kernel k{KernelType::rbf, a.gamma(), 3, 0.0};
    for (std::size_t i = 0; i < X.shape(0); i += 7) {
        double naive = 0.0;
        for (std::size_t t = 0; t < a.n_support(); ++t) {
            naive += a.dual_coef()[t] * k(&X(i, 0), &V(t, 0), 4);
        }
        REQUIRE(sa[i] == doctest::Approx(naive).epsilon(1e-12));
        REQUIRE(sa[i] == doctest::Approx(sb[i]).epsilon(1e-6));
    }
    CHECK(a.offset() == doctest::Approx(b.offset()).epsilon(1e-6));
    // gamma 'scale' is 1 / (d * Var(X)) over all values
    double mean = std::accumulate(X.begin(), X.end(), 0.0) / static_cast<double>(X.size()), ss = 0.0;
    for (double v : X) {
        ss += (v - mean) * (v - mean);
    }
    CHECK(a.gamma() == doctest::Approx(1.0 / (4.0 * ss / static_cast<double>(X.size()))));
}

TEST_CASE("OneClassSVM: the Nyström mode ranks planted outliers as well as the exact one") {
    const Matrix X = planted_svm(3000, 5, 60, 21);
    OneClassSVM exact({.nu = 0.1});
    exact.fit(X);
    OneClassSVM approx({.nu = 0.1, .method = OneClassSVMMethod::nystroem, .n_components = 150, .random_state = 4});
    approx.fit(X);
    const double auc_exact = auc(exact.anomaly_score(X), 3000);
    const double auc_approx = auc(approx.anomaly_score(X), 3000);
    CAPTURE(auc_exact);
    CAPTURE(auc_approx);
    CHECK(auc_exact > 0.9);
    CHECK(std::abs(auc_exact - auc_approx) < 0.02);
    CHECK(approx.n_support() == 150);
    // about a fraction nu of the training rows fall below rho
    const Labels p = approx.predict(X);
    const auto outside = std::count(p.begin(), p.end(), -1);
    CHECK(outside == doctest::Approx(0.1 * 3060).epsilon(0.05));
}

TEST_CASE("OneClassSVM: bit-identical models and scores for any n_jobs") {
    const Matrix X = planted_svm(1500, 3, 20, 8);
    for (auto method : {OneClassSVMMethod::exact, OneClassSVMMethod::nystroem}) {
        OneClassSVM one({.nu = 0.2, .method = method, .n_components = 80, .n_jobs = 1, .random_state = 3});
        OneClassSVM two({.nu = 0.2, .method = method, .n_components = 80, .n_jobs = 2, .random_state = 3});
        one.fit(X);
        two.fit(X);
        const Vector s1 = one.score_samples(X), s2 = two.score_samples(X);
        CHECK(std::equal(s1.begin(), s1.end(), s2.begin()));
        CHECK(one.offset() == two.offset());
        Json d1 = one.to_document(), d2 = two.to_document();
        d1["params"].erase("n_jobs");
        d2["params"].erase("n_jobs");
        CHECK(d1["state"] == d2["state"]);
    }
}

TEST_CASE("OneClassSVM: save and load round-trip in every encoding, scores identical") {
    namespace fs = std::filesystem;
    const Matrix X = planted_svm(300, 3, 5, 13);
    OneClassSVM svm({.kernel = KernelType::poly, .nu = 0.3, .gamma = 0.2, .degree = 2, .coef0 = 1.0});
    svm.fit(X);
    const Vector before = svm.decision_function(X);
    const auto dir = fs::temp_directory_path() / "oddkit_ocsvm_test";
    fs::create_directories(dir);
    for (const char *name : {"m.json", "m.cbor", "m.msgpack"}) {
        const auto path = (dir / name).string();
        svm.save(path);
        const auto loaded = OneClassSVM::load(path);
        const Vector after = loaded.decision_function(X);
        CHECK(std::equal(before.begin(), before.end(), after.begin()));
        CHECK(loaded.to_document() == svm.to_document());
    }
    fs::remove_all(dir);
}

TEST_CASE("OneClassSVM: bad input is refused with the argument named") {
    const Matrix X = planted_svm(50, 3, 0, 1);
    OneClassSVM svm;
    CHECK_THROWS_WITH_AS(svm.score_samples(X), doctest::Contains("not fitted"), NotFitted);
    CHECK_THROWS_AS(svm.to_document(), NotFitted);
    CHECK_THROWS_AS(svm.offset(), NotFitted);
    CHECK_THROWS_WITH_AS(OneClassSVM({.nu = 0.0}), doctest::Contains("nu"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.nu = 1.5}), doctest::Contains("nu"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.nu = NAN}), doctest::Contains("nu"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.gamma = 0.0}), doctest::Contains("gamma"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.gamma = -1.0}), doctest::Contains("gamma"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.degree = -1}), doctest::Contains("degree"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.tol = 0.0}), doctest::Contains("tol"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.cache_size = 0.0}), doctest::Contains("cache_size"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.max_iter = 0}), doctest::Contains("max_iter"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.n_components = 0}), doctest::Contains("n_components"), InvalidArgument);
    CHECK_THROWS_WITH_AS(OneClassSVM({.n_jobs = 0}), doctest::Contains("n_jobs"), InvalidArgument);
    CHECK_THROWS_WITH_AS(method_from_name("approx"), doctest::Contains("method"), InvalidArgument);
    CHECK_THROWS_WITH_AS(svm.fit(MatrixView(X.data(), 0, 3)), doctest::Contains("X: empty"), InvalidArgument);
    CHECK_THROWS_WITH_AS(svm.fit(MatrixView(X.data(), 5, 0)), doctest::Contains("X: empty"), InvalidArgument);
    Matrix bad = X;
    bad(5, 1) = NAN;
    CHECK_THROWS_WITH_AS(svm.fit(bad), doctest::Contains("NaN at row 5"), InvalidArgument);
    bad(5, 1) = INFINITY;
    CHECK_THROWS_WITH_AS(svm.fit(bad), doctest::Contains("infinity"), InvalidArgument);
    svm.fit(X);
    CHECK_THROWS_WITH_AS(svm.score_samples(MatrixView(X.data(), 10, 2)), doctest::Contains("expecting 3 features"),
                         InvalidArgument);
    CHECK_THROWS_AS(svm.score_samples(bad), InvalidArgument);
    Vector small = xt::zeros<double>({3});
    CHECK_THROWS_WITH_AS(svm.score_samples(X, small), doctest::Contains("out"), InvalidArgument);
    // a single row is a valid training set; a max_iter cap is reported, not hidden
    OneClassSVM tiny;
    tiny.fit(MatrixView(X.data(), 1, 3));
    CHECK(tiny.n_support() == 1);
    OneClassSVM capped({.nu = 0.3, .max_iter = 2});
    capped.fit(X);
    CHECK_FALSE(capped.converged());
    CHECK(capped.n_iter() == 2);
}

TEST_CASE("OneClassSVM: corrupted documents are FormatErrors, never crashes") {
    const Matrix X = planted_svm(100, 3, 0, 2);
    OneClassSVM svm({.nu = 0.2});
    svm.fit(X);
    const Json good = svm.to_document();
    auto resealed = [](Json doc) { return make_document("OneClassSVM", doc["version"], doc["params"], doc["state"]); };
    CHECK_NOTHROW(OneClassSVM::from_document(resealed(good)));
    auto refused = [&](auto edit, const char *message) {
        Json d = good;
        edit(d);
        CHECK_THROWS_WITH_AS(OneClassSVM::from_document(resealed(d)), doctest::Contains(message), FormatError);
    };
    refused([](Json &d) { d["state"]["support"][0] = 100; }, "support indices");
    refused([](Json &d) { d["state"]["support"][0] = -1; }, "support indices");
    refused([](Json &d) { d["state"]["support"][1] = d["state"]["support"][0]; }, "support indices");
    refused([](Json &d) { d["state"]["dual_coef"].erase(0); }, "inconsistent sizes");
    refused([](Json &d) { d["state"]["support_vectors"].erase(0); }, "inconsistent sizes");
    refused([](Json &d) { d["state"]["n_features_in"] = 0; }, "positive");
    refused([](Json &d) { d["state"]["n_features_in"] = 4; }, "inconsistent sizes");
    refused([](Json &d) { d["state"]["gamma"] = -1.0; }, "gamma");
    refused([](Json &d) { d["state"]["support"] = Json::array(); }, "inconsistent sizes");
    refused([](Json &d) { d["state"].erase("rho"); }, "rho");
    refused([](Json &d) { d["state"]["dual_coef"][0] = "x"; }, "dual_coef");
    refused([](Json &d) { d["params"]["nu"] = 2.0; }, "nu");
    refused([](Json &d) { d["params"]["kernel"] = "cosine"; }, "kernel");
    refused([](Json &d) { d["params"]["method"] = "fast"; }, "method");
    refused([](Json &d) { d["params"]["gamma"] = "often"; }, "gamma");
    {
        Json d = good;
        d["state"]["rho"] = 0.125; // edited without resealing
        CHECK_THROWS_WITH_AS(OneClassSVM::from_document(d), doctest::Contains("checksum"), FormatError);
    }
    {
        Json d = good;
        d["version"] = 99;
        CHECK_THROWS_WITH_AS(OneClassSVM::from_document(d), doctest::Contains("version 99"), FormatError);
    }
    CHECK_THROWS_AS(OneClassSVM::from_document(make_document("IsolationForest", 1, Json::object(), Json::object())),
                    FormatError);
}
