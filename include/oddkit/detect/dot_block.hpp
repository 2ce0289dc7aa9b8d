#pragma once
/// Dot products of a block of rows with a fixed set of vectors stored transposed and padded,
/// and the weighted row sums that follow them: the inner loops of kernel scoring, written so
/// that the compiler vectorises them, run with AVX2/FMA when the CPU has them (cpuid, no
/// -march flag). Eigen's products are compiled for the baseline target (SSE2) only.
///
/// The order of every sum is fixed by the code (register tiles of 4 rows x 8 vectors, eight
/// partial sums per weighted sum), so a result never depends on the block it came in or on
/// the thread that computed it.

#include <cstddef>
#include <cstring>

#include "oddkit/detect/vector_exp.hpp"

namespace oddkit::detail {

/// Vectors are padded to a multiple of this many (zero vectors, zero weights).
inline constexpr std::size_t dot_block_lanes = 8;

/// out[i * s + t] = sum_j A[i * lda + j] * VT[j * s + t] for i < rows, t < s; s is a
/// multiple of dot_block_lanes.
ODDKIT_ALWAYS_INLINE void dot_block_body(const double *__restrict A, std::size_t rows, std::size_t lda,
                                         const double *__restrict VT, std::size_t d, std::size_t s,
                                         double *__restrict out) noexcept {
    // GCC vector types: one AVX register in the avx2 clone, two SSE2 registers otherwise. The
    // auto-vectoriser picks the wrong loop of this nest, so the tile is spelled out.
    typedef double quad __attribute__((vector_size(32)));
    constexpr std::size_t R = 4;
    static_assert(dot_block_lanes == 8);
    // (by reference: a quad passed by value would change the ABI between the two clones)
    auto load = [](quad &v, const double *p) { std::memcpy(&v, p, sizeof v); };
    auto store = [](double *p, const quad &v) { std::memcpy(p, &v, sizeof v); };
    std::size_t i = 0;
    for (; i + R <= rows; i += R) {
        const double *a0 = A + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        for (std::size_t t = 0; t < s; t += 8) {
            quad c00{}, c01{}, c10{}, c11{}, c20{}, c21{}, c30{}, c31{};
            for (std::size_t j = 0; j < d; ++j) {
                quad v0, v1;
                load(v0, VT + j * s + t);
                load(v1, VT + j * s + t + 4);
                const quad b0 = a0[j] - quad{}, b1 = a1[j] - quad{}, b2 = a2[j] - quad{}, b3 = a3[j] - quad{};
                c00 += b0 * v0;
                c01 += b0 * v1;
                c10 += b1 * v0;
                c11 += b1 * v1;
                c20 += b2 * v0;
                c21 += b2 * v1;
                c30 += b3 * v0;
                c31 += b3 * v1;
            }
            double *o = out + i * s + t;
            store(o, c00);
            store(o + 4, c01);
            store(o + s, c10);
            store(o + s + 4, c11);
            store(o + 2 * s, c20);
            store(o + 2 * s + 4, c21);
            store(o + 3 * s, c30);
            store(o + 3 * s + 4, c31);
        }
    }
    for (; i < rows; ++i) {
        const double *a = A + i * lda;
        for (std::size_t t = 0; t < s; t += 8) {
            quad c0{}, c1{};
            for (std::size_t j = 0; j < d; ++j) {
                const quad b = a[j] - quad{};
                quad v0, v1;
                load(v0, VT + j * s + t);
                load(v1, VT + j * s + t + 4);
                c0 += b * v0;
                c1 += b * v1;
            }
            store(out + i * s + t, c0);
            store(out + i * s + t + 4, c1);
        }
    }
}

/// sum_t k[t] * w[t] over s values (a multiple of dot_block_lanes), in eight partial sums.
ODDKIT_ALWAYS_INLINE double weighted_sum_body(const double *__restrict k, const double *__restrict w,
                                              std::size_t s) noexcept {
    constexpr std::size_t C = dot_block_lanes;
    double acc[C] = {};
    for (std::size_t t = 0; t < s; t += C) {
        for (std::size_t c = 0; c < C; ++c) {
            acc[c] += k[t + c] * w[t + c];
        }
    }
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

/// out[i] = sum_j A[i * d + j] * x[j] for i < rows: one kernel-matrix row's dot products.
ODDKIT_ALWAYS_INLINE void row_dots_body(const double *__restrict A, std::size_t rows, std::size_t d,
                                        const double *__restrict x, double *__restrict out) noexcept {
    typedef double quad __attribute__((vector_size(32)));
    auto load = [](quad &v, const double *p) { std::memcpy(&v, p, sizeof v); };
    const std::size_t d4 = d - d % 4;
    for (std::size_t i = 0; i < rows; ++i) {
        const double *a = A + i * d;
        quad acc{};
        for (std::size_t j = 0; j < d4; j += 4) {
            quad va, vx;
            load(va, a + j);
            load(vx, x + j);
            acc += va * vx;
        }
        double sum = (acc[0] + acc[2]) + (acc[1] + acc[3]);
        for (std::size_t j = d4; j < d; ++j) {
            sum += a[j] * x[j];
        }
        out[i] = sum;
    }
}

#if ODDKIT_EXP_DISPATCH
__attribute__((target("avx2,fma"))) ODDKIT_EXP_ATTRS inline void dot_block_avx2(const double *A, std::size_t rows, std::size_t lda,
                                                               const double *VT, std::size_t d, std::size_t s,
                                                               double *out) noexcept {
    dot_block_body(A, rows, lda, VT, d, s, out);
}
__attribute__((target("avx2,fma"))) ODDKIT_EXP_ATTRS inline double weighted_sum_avx2(const double *k, const double *w,
                                                                    std::size_t s) noexcept {
    return weighted_sum_body(k, w, s);
}
__attribute__((target("avx2,fma"))) ODDKIT_EXP_ATTRS inline void row_dots_avx2(const double *A, std::size_t rows,
                                                                std::size_t d, const double *x,
                                                                double *out) noexcept {
    row_dots_body(A, rows, d, x, out);
}
#endif

inline void row_dots(const double *A, std::size_t rows, std::size_t d, const double *x, double *out) noexcept {
#if ODDKIT_EXP_DISPATCH
    if (cpu_has_avx2_fma()) {
        return row_dots_avx2(A, rows, d, x, out);
    }
#endif
    row_dots_body(A, rows, d, x, out);
}

inline void dot_block(const double *A, std::size_t rows, std::size_t lda, const double *VT, std::size_t d,
                      std::size_t s, double *out) noexcept {
#if ODDKIT_EXP_DISPATCH
    if (cpu_has_avx2_fma()) {
        return dot_block_avx2(A, rows, lda, VT, d, s, out);
    }
#endif
    dot_block_body(A, rows, lda, VT, d, s, out);
}

inline double weighted_sum(const double *k, const double *w, std::size_t s) noexcept {
#if ODDKIT_EXP_DISPATCH
    if (cpu_has_avx2_fma()) {
        return weighted_sum_avx2(k, w, s);
    }
#endif
    return weighted_sum_body(k, w, s);
}

} // namespace oddkit::detail
