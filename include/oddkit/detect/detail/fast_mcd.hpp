#pragma once
/// The Minimum Covariance Determinant estimator (Rousseeuw 1984) by the FastMCD algorithm
/// (Rousseeuw and Van Driessen 1999), with the consistency factors and reweighting step that
/// scikit-learn's MinCovDet applies (1.9), so results are comparable with it.
///
/// Design: C-steps (estimate from the h rows of smallest distance, repeat) never increase the
/// covariance determinant. 30 random h-subsets get two C-steps each; the 10 with the smallest
/// determinant are iterated to convergence and the best wins. Above 1500 rows the 30 starts
/// run on a random 1500-row subsample (their estimates then seed C-steps on all rows), which
/// keeps the cost linear in n. Trial t draws from Random(seed, t): deterministic.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "oddkit/core/distributions.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/random.hpp"

namespace oddkit::detail {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

inline ConstRowMap eigen_map(const MatrixView &X) {
    return ConstRowMap(X.data(), static_cast<Eigen::Index>(X.rows()), static_cast<Eigen::Index>(X.cols()),
                       Eigen::OuterStride<>(static_cast<Eigen::Index>(std::max<std::size_t>(X.row_stride(), 1))));
}

/// A location and covariance, their pseudo-inverse and log-determinant (-inf when singular).
struct Gaussian {
    Eigen::VectorXd location;
    Eigen::MatrixXd covariance;
    Eigen::MatrixXd precision;
    double log_det = 0.0;

    /// Symmetric pseudo-inverse as scipy.linalg.pinvh: eigenvalues at most
    /// d * eps * max|eigenvalue| count as zero.
    void finish() {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(covariance);
        const Eigen::VectorXd &values = eig.eigenvalues();
        const double largest = values.cwiseAbs().maxCoeff();
        const double cutoff = largest * static_cast<double>(values.size()) * std::numeric_limits<double>::epsilon();
        Eigen::VectorXd inv(values.size());
        log_det = 0.0;
        for (Eigen::Index k = 0; k < values.size(); ++k) {
            inv[k] = std::abs(values[k]) > cutoff ? 1.0 / values[k] : 0.0;
            log_det += values[k] > cutoff ? std::log(values[k]) : -std::numeric_limits<double>::infinity();
        }
        precision = eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
    }

    /// Squared Mahalanobis distances of every row of X.
    Eigen::VectorXd distances(const ConstRowMap &X) const {
        const RowMatrix centered = X.rowwise() - location.transpose();
        return (centered * precision).cwiseProduct(centered).rowwise().sum();
    }
};

/// Mean and population covariance (divided by the count) of the rows in `rows`.
inline Gaussian estimate_rows(const ConstRowMap &X, const std::vector<std::uint32_t> &rows) {
    const Eigen::Index d = X.cols();
    Gaussian g;
    g.location = Eigen::VectorXd::Zero(d);
    for (auto r : rows) {
        g.location += X.row(r).transpose();
    }
    g.location /= static_cast<double>(rows.size());
    RowMatrix centered(static_cast<Eigen::Index>(rows.size()), d);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        centered.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]) - g.location.transpose();
    }
    g.covariance = centered.transpose() * centered / static_cast<double>(rows.size());
    g.finish();
    return g;
}

/// The h rows of smallest distance (ties broken by row index, for determinism).
inline std::vector<std::uint32_t> closest_rows(const Eigen::VectorXd &dist, std::size_t h) {
    std::vector<std::uint32_t> order(static_cast<std::size_t>(dist.size()));
    std::iota(order.begin(), order.end(), 0U);
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(h - 1), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b); });
    order.resize(h);
    std::sort(order.begin(), order.end());
    return order;
}

/// C-steps from `start` until the determinant stops falling (at most max_steps).
inline Gaussian c_steps(const ConstRowMap &X, Gaussian start, std::size_t h, int max_steps) {
    Gaussian best = std::move(start);
    for (int step = 0; step < max_steps && std::isfinite(best.log_det); ++step) {
        Gaussian next = estimate_rows(X, closest_rows(best.distances(X), h));
        if (!(next.log_det < best.log_det)) {
            break;
        }
        best = std::move(next);
    }
    return best;
}

/// c_alpha = alpha / F_{chi2, d+2}(q_alpha), q_alpha the alpha-quantile of chi2_d: the factor
/// that makes the covariance of the central share alpha of a normal sample consistent.
inline double mcd_consistency_factor(double d, double alpha) {
    if (alpha >= 1.0) {
        return 1.0;
    }
    return alpha / chi2_cdf(chi2_quantile(alpha, d), d + 2.0);
}

struct McdResult {
    Gaussian raw;      ///< the raw MCD estimate, consistency-corrected
    Gaussian reweighted;
    std::size_t support_size = 0; ///< rows in the reweighted support
};

/// MCD of X with h = support rows (d + 1 <= h <= n).
inline McdResult fast_mcd(const MatrixView &view, std::size_t h, std::uint64_t seed) {
    const ConstRowMap X = eigen_map(view);
    const std::size_t n = view.rows();
    const auto d = static_cast<double>(view.cols());
    Gaussian raw;
    if (view.cols() == 1) {
        // Exact in one dimension: the shortest window of h sorted values; its midpoint is the
        // location, and the h values closest to it give the variance.
        std::vector<double> sorted(n);
        for (std::size_t i = 0; i < n; ++i) {
            sorted[i] = view(i, 0);
        }
        std::sort(sorted.begin(), sorted.end());
        double shortest = std::numeric_limits<double>::infinity();
        double total = 0.0;
        int count = 0;
        for (std::size_t s = 0; s + h < n; ++s) {
            const double width = sorted[s + h] - sorted[s];
            if (width < shortest) {
                shortest = width;
                total = 0.0;
                count = 0;
            }
            if (width == shortest) {
                total += 0.5 * (sorted[s + h] + sorted[s]);
                ++count;
            }
        }
        const double location = count > 0 ? total / count : sorted[n / 2];
        Eigen::VectorXd dev(static_cast<Eigen::Index>(n));
        for (std::size_t i = 0; i < n; ++i) {
            dev[static_cast<Eigen::Index>(i)] = std::abs(view(i, 0) - location);
        }
        const auto support = closest_rows(dev, h);
        raw = estimate_rows(X, support);
        raw.location[0] = location;
    } else {
        constexpr int n_trials = 30;
        constexpr int n_best = 10;
        constexpr std::size_t subsample = 1500;
        std::vector<std::uint32_t> rows; // the rows the starts are drawn from
        std::size_t h_start = h;
        RowMatrix sub;
        if (n > subsample) {
            Random rng(seed, n_trials);
            rows = rng.sample_indices(static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(subsample), false);
            std::sort(rows.begin(), rows.end());
            h_start = std::max<std::size_t>(view.cols() + 1, (h * subsample + n - 1) / n);
        }
        sub.resize(static_cast<Eigen::Index>(rows.empty() ? 0 : rows.size()), X.cols());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            sub.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
        }
        const ConstRowMap start_data =
            rows.empty() ? X : ConstRowMap(sub.data(), sub.rows(), sub.cols(), Eigen::OuterStride<>(sub.cols()));
        const auto m = static_cast<std::uint32_t>(start_data.rows());
        std::vector<Gaussian> trials;
        trials.reserve(n_trials);
        for (int t = 0; t < n_trials; ++t) {
            Random rng(seed, static_cast<std::uint64_t>(t));
            auto start = rng.sample_indices(m, static_cast<std::uint32_t>(h_start), false);
            std::sort(start.begin(), start.end());
            trials.push_back(c_steps(start_data, estimate_rows(start_data, start), h_start, 2));
        }
        std::vector<std::size_t> order(trials.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return trials[a].log_det < trials[b].log_det; });
        bool have = false;
        for (int b = 0; b < n_best; ++b) {
            Gaussian g = trials[order[static_cast<std::size_t>(b)]];
            if (!rows.empty()) { // move the subsample's estimate onto all rows
                g = estimate_rows(X, closest_rows(g.distances(X), h));
            }
            g = c_steps(X, std::move(g), h, 100);
            if (!have || g.log_det < raw.log_det) {
                raw = std::move(g);
                have = true;
            }
        }
    }
    McdResult result;
    // Consistency at the normal model (Croux and Haesbroeck 1999; Pison et al. 2002): the
    // covariance of the share alpha of points nearest the centre underestimates the scale.
    Eigen::VectorXd dist = raw.distances(X);
    const double correction = mcd_consistency_factor(d, static_cast<double>(h) / static_cast<double>(n));
    raw.covariance *= correction;
    raw.finish();
    dist /= correction;
    result.raw = raw;
    // Reweighting: the rows inside the 97.5% chi-square ellipsoid.
    const double cut = chi2_quantile(0.975, d);
    std::vector<std::uint32_t> inside;
    for (Eigen::Index i = 0; i < dist.size(); ++i) {
        if (dist[i] < cut) {
            inside.push_back(static_cast<std::uint32_t>(i));
        }
    }
    if (inside.size() <= view.cols()) {
        inside = closest_rows(dist, h);
    }
    result.reweighted = estimate_rows(X, inside);
    result.reweighted.covariance *= mcd_consistency_factor(d, 0.975);
    result.reweighted.finish();
    result.support_size = inside.size();
    return result;
}

} // namespace oddkit::detail
