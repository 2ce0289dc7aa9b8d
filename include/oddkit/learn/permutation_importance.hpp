#pragma once
/// Model-agnostic permutation importance (Breiman 2001; scikit-learn's permutation_importance):
/// how much a score drops when one feature's column is shuffled, breaking its link with the
/// target. Works with any model through a scoring callable, e.g. a forest's accuracy or a
/// detector's ROC AUC on labelled anomalies.
///
/// Shuffle (feature j, repeat r) uses Random(random_state, j * n_repeats + r) and features are
/// processed independently, so results are identical for any n_jobs.

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

struct PermutationImportance {
    double baseline_score = 0.0;
    std::vector<double> importances_mean; ///< per feature: mean of (baseline - shuffled score)
    std::vector<double> importances_std;  ///< per feature: population standard deviation
    Matrix importances;                   ///< d x n_repeats decreases
};

/// The row order used for (feature, repeat): a permutation of [0, n) (shared with Python).
inline std::vector<std::uint32_t> permutation_for(std::size_t n, std::uint64_t random_state, std::uint64_t stream) {
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0U);
    Random rng(random_state, stream);
    rng.shuffle(order.begin(), order.end());
    return order;
}

/// `score(const MatrixView &)` returns a higher-is-better score of the model on those rows; it is
/// called from several threads when n_jobs != 1, so it must only read shared state.
template <class Score>
PermutationImportance permutation_importance(const MatrixView &X, Score &&score, int n_repeats = 5,
                                             std::uint64_t random_state = 0, int n_jobs = 1) {
    check_not_empty(X);
    require(n_repeats >= 1, "n_repeats", "must be >= 1, got ", n_repeats);
    check_n_jobs(n_jobs);
    const std::size_t n = X.rows(), d = X.cols();
    const auto R = static_cast<std::size_t>(n_repeats);
    PermutationImportance out;
    out.baseline_score = score(X);
    out.importances = xt::zeros<double>({d, R});
    parallel_for(d, n_jobs, [&](std::size_t j) {
        Matrix copy = xt::empty<double>({n, d});
        for (std::size_t i = 0; i < n; ++i) {
            std::copy(X.row(i), X.row(i) + d, copy.data() + i * d);
        }
        for (std::size_t r = 0; r < R; ++r) {
            const auto order = permutation_for(n, random_state, j * R + r);
            for (std::size_t i = 0; i < n; ++i) {
                copy(i, j) = X(order[i], j);
            }
            out.importances(j, r) = out.baseline_score - score(MatrixView(copy));
        }
    });
    out.importances_mean.assign(d, 0.0);
    out.importances_std.assign(d, 0.0);
    for (std::size_t j = 0; j < d; ++j) {
        double mean = 0.0;
        for (std::size_t r = 0; r < R; ++r) mean += out.importances(j, r);
        mean /= static_cast<double>(R);
        double var = 0.0;
        for (std::size_t r = 0; r < R; ++r) var += (out.importances(j, r) - mean) * (out.importances(j, r) - mean);
        out.importances_mean[j] = mean;
        out.importances_std[j] = std::sqrt(var / static_cast<double>(R));
    }
    return out;
}

} // namespace oddkit
