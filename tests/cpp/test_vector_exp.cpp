#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "oddkit/detect/dot_block.hpp"
#include "oddkit/detect/vector_exp.hpp"

using oddkit::detail::exp_scaled_nonpositive;

TEST_CASE("vectorised exp: within 1 ulp of std::exp on [-708, 0], 0 below, min(x, 0) applied") {
    std::vector<double> args;
    for (int i = 0; i <= 200000; ++i) {
        args.push_back(-708.0 * static_cast<double>(i) / 200000.0);
        args.push_back(-1e-3 * static_cast<double>(i) / 200000.0); // near 0, where r is tiny
    }
    std::vector<double> x = args, baseline = args;
    exp_scaled_nonpositive(x.data(), x.size(), 1.0); // the AVX2 copy where the CPU has it
    oddkit::detail::exp_scaled_nonpositive_body(baseline.data(), baseline.size(), 1.0); // this build's target
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double ref = std::exp(args[i]);
        const double ulp = std::nextafter(ref, 1e300) - ref;
        REQUIRE(std::abs(x[i] - ref) <= ulp);
        REQUIRE(std::abs(baseline[i] - ref) <= ulp);
    }
    double tail[4] = {-708.5, -1e6, 3.0, -2.0};
    exp_scaled_nonpositive(tail, 4, 0.5); // scale applies: exp(0.5 * min(x, 0))
    CHECK(tail[0] == doctest::Approx(std::exp(-354.25)).epsilon(1e-15));
    CHECK(tail[1] == 0.0);
    CHECK(tail[2] == 1.0);
    CHECK(tail[3] == doctest::Approx(std::exp(-1.0)).epsilon(1e-15));
}

TEST_CASE("dot tiles and weighted sums equal plain loops (tails of rows included)") {
    const std::size_t rows = 7, d = 5, s = 16, lda = 6;
    std::vector<double> A(rows * lda), VT(d * s), out(rows * s), w(s);
    for (std::size_t i = 0; i < A.size(); ++i) {
        A[i] = std::sin(0.37 * static_cast<double>(i));
    }
    for (std::size_t i = 0; i < VT.size(); ++i) {
        VT[i] = std::cos(0.11 * static_cast<double>(i));
    }
    for (std::size_t t = 0; t < s; ++t) {
        w[t] = 0.1 * static_cast<double>(t) - 0.5;
    }
    oddkit::detail::dot_block(A.data(), rows, lda, VT.data(), d, s, out.data());
    for (std::size_t i = 0; i < rows; ++i) {
        double weighted = 0.0;
        for (std::size_t t = 0; t < s; ++t) {
            double dot = 0.0;
            for (std::size_t j = 0; j < d; ++j) {
                dot += A[i * lda + j] * VT[j * s + t];
            }
            REQUIRE(out[i * s + t] == doctest::Approx(dot).epsilon(1e-14));
            weighted += out[i * s + t] * w[t];
        }
        REQUIRE(oddkit::detail::weighted_sum(out.data() + i * s, w.data(), s) ==
                doctest::Approx(weighted).epsilon(1e-14));
    }
}
