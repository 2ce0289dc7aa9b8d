#pragma once
/// The approximate one-class SVM for large data: Nyström features and a linear one-class
/// problem solved in their space.
///
/// Features: m landmark rows L drawn without replacement; with K_mm = k(L, L) = U S U^T,
/// phi(x) = S_r^{-1/2} U_r^T k(L, x) over the r eigenvalues above 1e-10 * max (the rest are
/// numerical noise), so phi(x) . phi(y) = k(x, L) K_mm^+ k(L, y) approximates k(x, y). The
/// n x r feature matrix is kept in float (its rounding is relative to each entry).
///
/// Solver: the dual min 0.5 |Phi^T a|^2 over {0 <= a <= 1, sum a = nu n} by Frank-Wolfe with
/// exact line search, carried on w = Phi^T a alone. Its linear oracle is cheap here: the vertex
/// minimising s . v (s = Phi w) puts 1 on the floor(nu n) lowest scores and the remainder on
/// the next one, and the vertex's w changes only by the rows that entered or left that set.
/// Each step costs one pass over Phi; the duality gap w . (w - w_vertex) bounds the distance
/// to the optimum and stops it. Reductions run over fixed blocks summed in block order, so the
/// result does not depend on the thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/detect/kernel.hpp"

namespace oddkit {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The feature map phi(x) = N k(L, x), N = S_r^{-1/2} U_r^T (r x m).
struct NystroemMap {
    Kernel kernel;
    std::vector<double> landmarks;      // m x d, row-major
    std::vector<double> landmark_norms; // |l|^2
    RowMatrixXd normalization;          // r x m
    std::size_t d = 0;

    std::size_t m() const noexcept { return landmark_norms.size(); }
    std::size_t r() const noexcept { return static_cast<std::size_t>(normalization.rows()); }

    NystroemMap(const Kernel &k, const MatrixView &X, const std::vector<std::uint32_t> &rows) : kernel(k), d(X.cols()) {
        const std::size_t m = rows.size();
        landmarks.resize(m * d);
        for (std::size_t t = 0; t < m; ++t) {
            std::copy_n(X.row(rows[t]), d, landmarks.data() + t * d);
        }
        const MatrixView L(landmarks.data(), m, d);
        landmark_norms = squared_norms(L);
        RowMatrixXd Kmm(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
        kernel_block(kernel, L, landmark_norms.data(), L, landmark_norms.data(), Kmm.data());
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(Kmm.transpose() * 0.5 + Kmm * 0.5);
        const Eigen::VectorXd &s = eig.eigenvalues();
        const double floor = std::max(s.maxCoeff(), 0.0) * 1e-10;
        std::vector<Eigen::Index> keep;
        for (Eigen::Index j = s.size() - 1; j >= 0; --j) { // largest first
            if (s[j] > floor && s[j] > 0.0) {
                keep.push_back(j);
            }
        }
        normalization.resize(static_cast<Eigen::Index>(keep.size()), static_cast<Eigen::Index>(m));
        for (std::size_t q = 0; q < keep.size(); ++q) {
            normalization.row(static_cast<Eigen::Index>(q)) =
                eig.eigenvectors().col(keep[q]).transpose() / std::sqrt(s[keep[q]]);
        }
    }

    /// phi of the rows of A (a block), written row-major into out (A.rows() x r); `scratch`
    /// holds A.rows() x m values.
    void features(const MatrixView &A, std::vector<double> &scratch, double *out) const {
        scratch.resize(A.rows() * m());
        const auto norms = squared_norms(A);
        kernel_block(kernel, A, norms.data(), MatrixView(landmarks.data(), m(), d), landmark_norms.data(),
                     scratch.data());
        const Eigen::Map<const RowMatrixXd> K(scratch.data(), static_cast<Eigen::Index>(A.rows()),
                                              static_cast<Eigen::Index>(m()));
        Eigen::Map<RowMatrixXd> F(out, static_cast<Eigen::Index>(A.rows()), static_cast<Eigen::Index>(r()));
        F.noalias() = K * normalization.transpose();
    }
};

struct NystroemSolution {
    std::vector<double> coefficients; ///< c = N^T w: decision(x) = c . k(L, x) - rho
    double rho = 0.0;
    std::size_t iterations = 0;
    bool converged = true;
};

/// Solves the one-class problem on phi(X). `tol` bounds the relative duality gap.
inline NystroemSolution solve_nystroem_one_class(const NystroemMap &map, const MatrixView &X, double nu, double tol,
                                                 std::size_t max_iter, std::size_t threads) {
    constexpr std::size_t block = 1024;
    const std::size_t n = X.rows();
    const std::size_t r = map.r();
    const auto R = static_cast<Eigen::Index>(r);
    const std::size_t n_blocks = (n + block - 1) / block;
    auto for_blocks = [&](auto &&body) {
        parallel_for_chunks(
            n_blocks, threads,
            [&](std::size_t b0, std::size_t b1) {
                for (std::size_t b = b0; b < b1; ++b) {
                    body(b, b * block, std::min(n, (b + 1) * block));
                }
            },
            1);
    };

    // Phi (n x r, float) and the starting point a = nu everywhere: w = nu * sum_i phi_i.
    RowMatrixXf Phi(static_cast<Eigen::Index>(n), R);
    std::vector<double> partial(n_blocks * r, 0.0);
    for_blocks([&](std::size_t b, std::size_t begin, std::size_t end) {
        std::vector<double> scratch;
        RowMatrixXd F(static_cast<Eigen::Index>(end - begin), R);
        map.features(X.slice_rows(begin, end), scratch, F.data());
        Phi.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin)) = F.cast<float>();
        Eigen::Map<Eigen::VectorXd>(partial.data() + b * r, R) = F.colwise().sum().transpose();
    });
    Eigen::VectorXd w = Eigen::VectorXd::Zero(R);
    for (std::size_t b = 0; b < n_blocks; ++b) {
        w += Eigen::Map<const Eigen::VectorXd>(partial.data() + b * r, R);
    }
    w *= nu;

    const double total = nu * static_cast<double>(n);
    const auto whole = std::min(n, static_cast<std::size_t>(total));
    const double remainder = whole < n ? total - static_cast<double>(whole) : 0.0;

    std::vector<double> score(n), vertex(n, 0.0), next_vertex(n, 0.0);
    std::vector<std::uint32_t> order(n);
    Eigen::VectorXd w_vertex = Eigen::VectorXd::Zero(R);
    auto compute_scores = [&] {
        for_blocks([&](std::size_t, std::size_t begin, std::size_t end) {
            Eigen::Map<Eigen::VectorXd> s(score.data() + begin, static_cast<Eigen::Index>(end - begin));
            s.noalias() = Phi.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin))
                              .cast<double>() * w;
        });
    };
    // Ranks by (score, row) so ties resolve the same way everywhere.
    auto by_score = [&](std::uint32_t a, std::uint32_t b) { return score[a] < score[b] || (score[a] == score[b] && a < b); };
    auto select_kth = [&](std::size_t k) {
        std::iota(order.begin(), order.end(), 0u);
        std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), by_score);
    };

    NystroemSolution out;
    out.converged = false;
    const std::size_t limit = max_iter > 0 ? max_iter : 1000;
    std::size_t it = 0;
    for (; it < limit; ++it) {
        compute_scores();
        // The vertex: 1 on the `whole` lowest scores, the remainder on the next.
        std::fill(next_vertex.begin(), next_vertex.end(), 0.0);
        if (whole < n) {
            select_kth(whole);
            next_vertex[order[whole]] = remainder;
        }
        for (std::size_t q = 0; q < whole; ++q) {
            next_vertex[order[q]] = 1.0;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double change = next_vertex[i] - vertex[i];
            if (change != 0.0) {
                w_vertex += change * Phi.row(static_cast<Eigen::Index>(i)).cast<double>().transpose();
            }
        }
        vertex.swap(next_vertex);
        const Eigen::VectorXd direction = w_vertex - w;
        const double gap = -w.dot(direction);
        if (gap <= tol * w.squaredNorm()) {
            out.converged = true;
            break;
        }
        const double step = std::clamp(gap / std::max(direction.squaredNorm(), 1e-300), 0.0, 1.0);
        w += step * direction;
    }
    compute_scores();
    // rho: the score of the boundary row (the one holding the fractional alpha in libsvm's
    // starting point), so about a fraction nu of the training rows score below it.
    const std::size_t k = std::min(whole, n - 1);
    select_kth(k);
    out.rho = score[order[k]];
    out.iterations = it;
    const Eigen::VectorXd c = map.normalization.transpose() * w;
    out.coefficients.assign(c.data(), c.data() + c.size());
    return out;
}

} // namespace oddkit
