#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;

namespace {

/// Sums of leaf values by a walk of one row through one tree at a time, in doubles.
std::vector<double> textbook_sums(const test::DocumentForest &f, const Matrix &X) {
    std::vector<double> out(X.shape(0) * f.k, 0.0);
    for (std::size_t i = 0; i < X.shape(0); ++i) {
        for (std::size_t t = 0; t + 1 < f.begin.size(); ++t) {
            const ForestNode *tree = f.nodes.data() + f.begin[t];
            std::int32_t at = 0;
            while (tree[at].feature >= 0) {
                const ForestNode &node = tree[at];
                at = node.left + (X(i, static_cast<std::size_t>(node.feature)) <= node.threshold ? 0 : 1);
            }
            for (std::size_t c = 0; c < f.k; ++c) out[i * f.k + c] += f.leaf[static_cast<std::size_t>(tree[at].left) * f.k + c];
        }
    }
    return out;
}

} // namespace

TEST_CASE("float_key keeps the order of doubles: a <= b gives key(a) <= key(b), key(a) < key(b) gives a < b") {
    const double inf = std::numeric_limits<double>::infinity();
    const double fmax = std::numeric_limits<float>::max();
    const double fmin = std::numeric_limits<float>::denorm_min();
    std::vector<double> values{-inf, -1e300, -fmax, -1.0, -0.1, -fmin, -0.0, 0.0, fmin, 1e-300, 0.1, 0.5, 1.0,
                               3.0, 16777217.0, fmax, 1e300, inf};
    // Each value's neighbours: doubles in the same float interval, and the floats around it.
    const std::size_t base = values.size();
    for (std::size_t i = 0; i < base; ++i) {
        const double v = values[i];
        values.push_back(std::nextafter(v, inf));
        values.push_back(std::nextafter(v, -inf));
        values.push_back(static_cast<double>(std::nextafter(static_cast<float>(v), std::numeric_limits<float>::infinity())));
    }
    for (double a : values) {
        for (double b : values) {
            if (std::isnan(a) || std::isnan(b)) continue;
            CAPTURE(a);
            CAPTURE(b);
            const auto ka = detail::float_key(a), kb = detail::float_key(b);
            if (a <= b) CHECK(ka <= kb);
            if (ka < kb) CHECK(a < b);
        }
    }
    CHECK(detail::float_key(-0.0) == detail::float_key(0.0));
    // The rounding is downward: 0.1 lies above its nearest float below and shares its key.
    CHECK(detail::float_key(0.1) == detail::float_key(static_cast<double>(detail::float_floor(0.1))));
    CHECK(static_cast<double>(detail::float_floor(0.1)) < 0.1);
    CHECK(detail::float_floor(1e300) == std::numeric_limits<float>::max());
    CHECK(detail::float_floor(-1e300) == -std::numeric_limits<float>::infinity());
}

TEST_CASE("RandomForest deep trees walk 8-byte nodes bit for bit as the double walk, also on and beside thresholds") {
    Random rng(31);
    const std::size_t n = 2000, d = 6;
    Matrix X = xt::empty<double>({n, d});
    Vector y = xt::empty<double>({n}), target = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) X(i, j) = rng.normal() * std::pow(10.0, static_cast<double>(j) - 2.0);
        y[i] = static_cast<double>(rng.uniform() < 0.5) + static_cast<double>(X(i, 0) > 0.0); // noise: deep trees
        target[i] = rng.normal();
    }
    const auto check = [&](const auto &model) {
        const test::DocumentForest f(model.to_document());
        const detail::FloatNodes floats =
            detail::float_nodes(f.nodes.data(), f.begin.data(), f.begin.size() - 1, d);
        REQUIRE(floats.converted());
        // Rows on every threshold, one double either side of it, and at the ends of the
        // threshold's float interval: the values whose float keys tie with the threshold's.
        std::vector<double> probes;
        for (const ForestNode &node : f.nodes) {
            if (node.feature < 0) continue;
            const double t = node.threshold;
            const double below = static_cast<double>(detail::float_floor(t));
            probes.insert(probes.end(), {t, std::nextafter(t, -1e308), std::nextafter(t, 1e308), below,
                                         std::nextafter(static_cast<double>(std::nextafter(static_cast<float>(below), 1e30f)), -1e308)});
        }
        // Values outside the float range, whose keys are +-FLT_MAX's or -inf's, and both zeros.
        probes.insert(probes.end(), {1e300, -1e300, 3.5e38, -3.5e38, 0.0, -0.0});
        const std::size_t m = probes.size();
        Matrix P = xt::empty<double>({m, d});
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < d; ++j) P(i, j) = probes[(i + j * 7919) % m]; // every probe in every column
        }
        std::size_t ties = 0;
        for (std::size_t i = 0; i < m; ++i) {
            for (const ForestNode &node : f.nodes) {
                if (node.feature >= 0 && detail::float_key(P(i, static_cast<std::size_t>(node.feature))) ==
                                             detail::float_key(node.threshold)) {
                    ++ties;
                }
            }
        }
        CHECK(ties > m); // the probes do land in their thresholds' float intervals
        const std::vector<double> expected = textbook_sums(f, P);
        std::vector<double> sums(m * f.k);
        detail::sum_leaf_values<>(f.layout(), detail::CompleteTrees{}, floats, P, 0, m, sums.data());
        for (std::size_t i = 0; i < sums.size(); ++i) REQUIRE(sums[i] == expected[i]);
        // In chunks of 64 rows (the last one part-filled), each tree passing over every chunk.
        REQUIRE(m > 2 * 64);
        REQUIRE(m % 64 != 0);
        std::vector<double> chunked(m * f.k);
        detail::sum_leaf_values<16, 64>(f.layout(), detail::CompleteTrees{}, floats, P, 0, m, chunked.data());
        for (std::size_t i = 0; i < sums.size(); ++i) REQUIRE(chunked[i] == expected[i]);
        // The model's own predictions take the same walk: the average of the same sums.
        const Matrix X_probe = P;
        const auto T = static_cast<double>(f.begin.size() - 1);
        if constexpr (std::is_same_v<std::decay_t<decltype(model)>, RandomForestClassifier>) {
            const Matrix p = model.predict_proba(X_probe);
            for (std::size_t i = 0; i < sums.size(); ++i) REQUIRE(p.data()[i] == sums[i] * (1.0 / T));
        } else {
            const Vector p = model.predict(X_probe);
            for (std::size_t i = 0; i < m; ++i) REQUIRE(p[i] == sums[i] * (1.0 / T));
        }
    };
    RandomForestClassifier c({.n_estimators = 5, .random_state = 3});
    c.fit(X, y);
    check(c);
    RandomForestRegressor r({.n_estimators = 5, .random_state = 3});
    r.fit(X, target);
    check(r);
}

TEST_CASE("float_nodes leaves out forests it cannot pack, and their predictions still equal the double walk") {
    // 255 features: the feature number would collide with the leaf mark.
    const std::size_t n = 300, d = 255;
    const Matrix X = test::normal_rows(n, d, 5);
    Random rng(6);
    Vector y = xt::empty<double>({n});
    for (auto &v : y) v = static_cast<double>(rng.uniform() < 0.5);
    RandomForestClassifier wide({.n_estimators = 3, .random_state = 1});
    wide.fit(X, y);
    const test::DocumentForest f(wide.to_document());
    CHECK_FALSE(detail::float_nodes(f.nodes.data(), f.begin.data(), f.begin.size() - 1, d).converted());
    CHECK(detail::float_nodes(f.nodes.data(), f.begin.data(), f.begin.size() - 1, 254).converted());
    const std::vector<double> expected = textbook_sums(f, X);
    const Matrix p = wide.predict_proba(X);
    for (std::size_t i = 0; i < expected.size(); ++i) REQUIRE(p.data()[i] == expected[i] * (1.0 / 3.0));
    // A tree whose leaf indices span 2^24 or more does not fit the word either.
    std::vector<ForestNode> nodes{{0.5, 0, 1}, {0.0, -1, 0}, {0.0, -1, 1 << 24}};
    const std::vector<std::uint32_t> begin{0, 3};
    CHECK_FALSE(detail::float_nodes(nodes.data(), begin.data(), 1, 2).converted());
    nodes[2].left = (1 << 24) - 1;
    CHECK(detail::float_nodes(nodes.data(), begin.data(), 1, 2).converted());
}

TEST_CASE("deep walk chunks: 131,072 rows, fewer for wide rows (16 MiB of float keys), never under half") {
    CHECK(detail::deep_chunk_rows_for(20, 131072) == 131072);  // 10 MiB of keys
    CHECK(detail::deep_chunk_rows_for(32, 131072) == 131072);  // exactly 16 MiB
    CHECK(detail::deep_chunk_rows_for(40, 131072) == 104857);  // 16 MiB / 160 bytes
    CHECK(detail::deep_chunk_rows_for(64, 131072) == 65536);   // 16 MiB / 256 bytes: half
    CHECK(detail::deep_chunk_rows_for(4000, 131072) == 65536); // never under half
    CHECK(detail::deep_chunk_rows_for(0, 131072) == 131072);
    CHECK(detail::deep_chunk_rows_for(20, 64) == 64);
}
