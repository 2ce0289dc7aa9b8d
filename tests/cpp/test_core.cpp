#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <Eigen/Dense>

#include "oddkit/oddkit.hpp"

using namespace oddkit;

TEST_CASE("Random: same seed and stream give the same sequence; streams differ") {
    Random a(42, 3), b(42, 3), c(42, 4), d(43, 3);
    bool differs_c = false, differs_d = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        CHECK(x == b.next());
        differs_c |= x != c.next();
        differs_d |= x != d.next();
    }
    CHECK(differs_c);
    CHECK(differs_d);
}

TEST_CASE("Random: uniform, below and normal have the right ranges and moments") {
    Random rng(1);
    const int n = 200000;
    double sum = 0, sum_sq = 0, nsum = 0, nsum_sq = 0;
    std::vector<int> counts(7, 0);
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
        sum_sq += u * u;
        const auto k = rng.below(7);
        REQUIRE(k < 7);
        ++counts[k];
        const double z = rng.normal();
        nsum += z;
        nsum_sq += z * z;
    }
    CHECK(sum / n == doctest::Approx(0.5).epsilon(0.01));
    CHECK(sum_sq / n - (sum / n) * (sum / n) == doctest::Approx(1.0 / 12).epsilon(0.02));
    for (int c : counts) {
        CHECK(c == doctest::Approx(n / 7.0).epsilon(0.03));
    }
    CHECK(std::abs(nsum / n) < 0.01);
    CHECK(nsum_sq / n == doctest::Approx(1.0).epsilon(0.02));
    CHECK(rng.uniform(3.0, 3.0) == 3.0);
}

TEST_CASE("Random: sample_indices draws distinct indices in range (both algorithms)") {
    Random rng(5);
    for (auto [n, k] : {std::pair{1000000u, 256u}, std::pair{300u, 256u}, std::pair{10u, 10u}}) {
        const auto s = rng.sample_indices(n, k, false);
        REQUIRE(s.size() == k);
        std::set<std::uint32_t> unique(s.begin(), s.end());
        CHECK(unique.size() == k);
        CHECK(*unique.rbegin() < n);
    }
    const auto with = rng.sample_indices(3, 100, true);
    CHECK(with.size() == 100);
    CHECK(std::set<std::uint32_t>(with.begin(), with.end()).size() <= 3);
    CHECK_THROWS_AS(rng.sample_without_replacement(3, 4), InvalidArgument);
}

TEST_CASE("parallel_for covers every index once and rethrows a worker's exception") {
    std::vector<std::atomic<int>> hits(10007);
    parallel_for(hits.size(), -1, [&](std::size_t i) { hits[i]++; });
    for (auto &h : hits) {
        REQUIRE(h.load() == 1);
    }
    CHECK_THROWS_WITH_AS(parallel_for(
                             1000, 4, [](std::size_t i) {
                                 if (i == 999) {
                                     throw InvalidArgument("boom at 999");
                                 }
                             }),
                         "boom at 999", InvalidArgument);
    CHECK_THROWS_AS(resolve_n_jobs(0), InvalidArgument);
    CHECK(resolve_n_jobs(3) == 3);
    CHECK(resolve_n_jobs(-1) >= 1);
}

TEST_CASE("percentile matches numpy's linear rule on hand-computed cases") {
    // numpy.percentile([1, 2, 3, 4], 25) == 1.75; ([10], 50) == 10; ([3, 1, 2], 100) == 3
    CHECK(percentile({4, 1, 3, 2}, 25) == 1.75);
    CHECK(percentile({10}, 50) == 10);
    CHECK(percentile({3, 1, 2}, 100) == 3);
    CHECK(percentile({3, 1, 2}, 0) == 1);
    CHECK(percentile({0, 10}, 10) == doctest::Approx(1.0));
    CHECK_THROWS_AS(percentile({}, 50), InvalidArgument);
    CHECK_THROWS_AS(percentile({1}, 101), InvalidArgument);
}

TEST_CASE("MatrixView: raw memory, padded rows, xtensor and Eigen row-major") {
    double raw[] = {1, 2, 99, 3, 4, 99};
    MatrixView padded(raw, 2, 2, 3);
    CHECK(padded(1, 1) == 4);
    CHECK(padded.slice_rows(1, 2)(0, 0) == 3);
    Matrix owned = {{1, 2}, {3, 4}};
    MatrixView from_xt = owned;
    CHECK(from_xt(1, 0) == 3);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> e(2, 2);
    e << 1, 2, 3, 4;
    auto from_eigen = MatrixView::from_eigen(e);
    CHECK(from_eigen(0, 1) == 2);
    CHECK(from_eigen.data() == e.data()); // no copy
    CHECK_THROWS_AS(MatrixView(nullptr, 2, 2), InvalidArgument);
}

TEST_CASE("validation names the argument and the bad cell") {
    double v[] = {1, 2, NAN, 4};
    CHECK_THROWS_WITH_AS(check_finite(MatrixView(v, 2, 2)), "X: contains NaN at row 1, column 0 (expected finite values)",
                         InvalidArgument);
    double w[] = {1, INFINITY};
    CHECK_THROWS_WITH_AS(check_finite(MatrixView(w, 1, 2)), doctest::Contains("infinity"), InvalidArgument);
    CHECK_THROWS_WITH_AS(check_not_empty(MatrixView(v, 0, 2)), doctest::Contains("0 samples"), InvalidArgument);
    CHECK_THROWS_WITH_AS(check_n_features(MatrixView(v, 2, 2), 3, "Model"),
                         "X has 2 features, but Model is expecting 3 features as input", InvalidArgument);
}

TEST_CASE("documents: three encodings round-trip; corruption, truncation and versions are refused") {
    Json state = {{"weights", {0.1, 1.0 / 3.0, -2.5e-300}}, {"n", 3}};
    Json doc = make_document("Thing", 2, {{"alpha", 0.5}}, state);
    CHECK(check_document(doc, "Thing", 2) == 2);
    CHECK_THROWS_WITH_AS(check_document(doc, "Other", 2), doctest::Contains("holds a Thing, expected a Other"), FormatError);
    CHECK_THROWS_WITH_AS(check_document(doc, "Thing", 1), doctest::Contains("newer oddkit"), FormatError);

    for (auto enc : {Encoding::json, Encoding::cbor, Encoding::msgpack}) {
        const auto bytes = encode_document(doc, enc);
        const Json back = decode_document(bytes);
        CHECK(back == doc);
        CHECK(back["state"]["weights"][1].get<double>() == 1.0 / 3.0); // bit-exact doubles
        std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
        CHECK_THROWS_AS(decode_document(cut), FormatError);
    }
    Json edited = doc;
    edited["state"]["n"] = 4;
    CHECK_THROWS_WITH_AS(check_document(edited, "Thing", 2), doctest::Contains("checksum"), FormatError);
    CHECK_THROWS_AS(check_document(Json::array({1, 2}), "Thing", 2), FormatError);
    CHECK_THROWS_AS(check_document(Json{{"format", "other"}}, "Thing", 2), FormatError);
    CHECK_THROWS_AS(decode_document(std::vector<std::uint8_t>{}), FormatError);
    CHECK_THROWS_AS(decode_document(std::vector<std::uint8_t>{'h', 'i'}), FormatError);
}

TEST_CASE("write_document replaces atomically and read_document reports missing files") {
    namespace fs = std::filesystem;
    const auto dir = fs::temp_directory_path() / "oddkit_doc_test";
    fs::create_directories(dir);
    const auto path = (dir / "m.cbor").string();
    Json doc = make_document("Thing", 1, Json::object(), {{"x", 1}});
    write_document(doc, path);
    CHECK(read_document(path) == doc);
    for (auto &entry : fs::directory_iterator(dir)) {
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
    }
    CHECK_THROWS_WITH_AS(read_document((dir / "missing.json").string()), doctest::Contains("missing"), FormatError);
    CHECK_THROWS_AS(write_document(doc, (dir / "no_such_dir" / "m.json").string()), FormatError);
    fs::remove_all(dir);
}
