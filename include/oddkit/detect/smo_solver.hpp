#pragma once
/// Sequential minimal optimisation for the one-class SVM dual
///
///     min_a  0.5 a^T Q a + p^T a    subject to  0 <= a_i <= 1,  sum_i a_i = const
///
/// (the constant is whatever the starting point sums to: nu * n for the one-class problem).
/// Each step changes the pair (i, j) chosen by the second-order working-set selection of Fan,
/// Chen and Lin (2005): i maximises -G_i over the a_i that can grow, j minimises the decrease
/// estimate -(G_i - G_j)^2 / (Q_ii + Q_jj - 2 Q_ij) over the a_j that can shrink. The
/// solver stops when the maximal KKT violation max(-G_i) + max(G_j) falls below tol.
///
/// Shrinking (Joachims; the libsvm rules): every min(n, 1000) steps, variables at a bound
/// whose gradient says they will stay there leave the active set, which is kept at the front
/// of the permuted positions. G_bar (the gradient contribution of variables at the upper
/// bound) lets the full gradient be rebuilt when the active problem is solved; the solver
/// then checks optimality on all variables. The steps, tie-breaking and stopping rule follow
/// libsvm so the solution agrees with scikit-learn's to well within tol.
///
/// Q is a KernelRowCache-like object: size(), diag(i), row(i, len), swap(exchanges) and
/// add_weighted_rows(positions, weights, out).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

namespace oddkit {

struct SmoResult {
    std::vector<double> alpha; ///< in the original order of the rows
    double rho = 0.0;          ///< the offset: decision = sum_i alpha_i k(x_i, x) - rho
    double objective = 0.0;    ///< 0.5 a^T Q a + p^T a at the solution
    std::size_t iterations = 0;
    bool converged = true;     ///< false when max_iter stopped it first
};

template <class QMatrix> class SmoSolver {
  public:
    /// `max_iter` <= 0 means no limit but libsvm's safety cap (max(10^7, 100 n)).
    SmoSolver(QMatrix &Q, std::vector<double> p, std::vector<double> alpha, double tol, bool shrinking,
              long long max_iter)
        : Q_(Q), n_(Q.size()), p_(std::move(p)), alpha_(std::move(alpha)), tol_(tol), shrinking_(shrinking) {
        const auto cap = std::max<long long>(10000000LL, 100LL * static_cast<long long>(n_));
        max_iter_ = max_iter > 0 ? static_cast<std::size_t>(max_iter) : static_cast<std::size_t>(cap);
    }

    SmoResult solve() {
        active_size_ = n_;
        position_.resize(n_);
        std::iota(position_.begin(), position_.end(), std::size_t{0});
        init_gradient();

        std::size_t iter = 0;
        std::size_t counter = std::min<std::size_t>(n_, 1000) + 1;
        bool converged = true;
        while (true) {
            if (iter >= max_iter_) {
                converged = false;
                break;
            }
            if (--counter == 0) {
                counter = std::min<std::size_t>(n_, 1000);
                if (shrinking_) {
                    shrink();
                }
            }
            std::size_t i = 0, j = 0;
            if (!select_working_set(i, j)) {
                // optimal on the active set: check all variables
                reconstruct_gradient();
                active_size_ = n_;
                if (!select_working_set(i, j)) {
                    break;
                }
                counter = 1; // shrink again at the next step
            }
            ++iter;
            step(i, j);
        }
        if (!converged && active_size_ < n_) {
            reconstruct_gradient();
            active_size_ = n_;
        }

        SmoResult result;
        result.rho = compute_rho();
        result.iterations = iter;
        result.converged = converged;
        double objective = 0.0;
        for (std::size_t t = 0; t < n_; ++t) {
            objective += alpha_[t] * (G_[t] + p_[t]);
        }
        result.objective = objective / 2.0;
        result.alpha.resize(n_);
        for (std::size_t t = 0; t < n_; ++t) {
            result.alpha[position_[t]] = alpha_[t];
        }
        return result;
    }

  private:
    static constexpr double tau = 1e-12;
    static constexpr double inf = std::numeric_limits<double>::infinity();

    bool at_upper(std::size_t t) const noexcept { return alpha_[t] >= 1.0; }
    bool at_lower(std::size_t t) const noexcept { return alpha_[t] <= 0.0; }

    /// G = p + Q a and G_bar = sum of Q over a at the upper bound; G reuses G_bar, so each
    /// row is computed once (at libsvm's start only one a is not at a bound).
    void init_gradient() {
        G_bar_.assign(n_, 0.0);
        std::vector<std::size_t> free, upper;
        std::vector<double> weights;
        for (std::size_t t = 0; t < n_; ++t) {
            if (at_upper(t)) {
                upper.push_back(t);
            } else if (!at_lower(t)) {
                free.push_back(t);
                weights.push_back(alpha_[t]);
            }
        }
        Q_.add_weighted_rows(upper, std::vector<double>(upper.size(), 1.0), G_bar_.data());
        G_ = G_bar_;
        Q_.add_weighted_rows(free, weights, G_.data());
        for (std::size_t t = 0; t < n_; ++t) {
            G_[t] += p_[t];
        }
    }

    /// The pair to optimise next; false when the active set meets the KKT conditions.
    bool select_working_set(std::size_t &out_i, std::size_t &out_j) {
        double gmax = -inf;
        std::ptrdiff_t gmax_idx = -1;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (!at_upper(t) && -G_[t] >= gmax) {
                gmax = -G_[t];
                gmax_idx = static_cast<std::ptrdiff_t>(t);
            }
        }
        const double *Qi = nullptr;
        double qii = 0.0;
        if (gmax_idx != -1) {
            Qi = Q_.row(static_cast<std::size_t>(gmax_idx), active_size_);
            qii = Q_.diag(static_cast<std::size_t>(gmax_idx));
        }
        double gmax2 = -inf;
        std::ptrdiff_t gmin_idx = -1;
        double obj_diff_min = inf;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (at_lower(t)) {
                continue;
            }
            gmax2 = std::max(gmax2, G_[t]);
            const double grad_diff = gmax + G_[t];
            if (grad_diff > 0.0) {
                const double quad = qii + Q_.diag(t) - 2.0 * Qi[t];
                const double obj_diff = -(grad_diff * grad_diff) / (quad > 0.0 ? quad : tau);
                if (obj_diff <= obj_diff_min) {
                    gmin_idx = static_cast<std::ptrdiff_t>(t);
                    obj_diff_min = obj_diff;
                }
            }
        }
        if (gmax + gmax2 < tol_ || gmin_idx == -1) {
            return false;
        }
        out_i = static_cast<std::size_t>(gmax_idx);
        out_j = static_cast<std::size_t>(gmin_idx);
        return true;
    }

    /// The analytic two-variable step (a_i + a_j stays fixed), clipped to the box.
    void step(std::size_t i, std::size_t j) {
        const double *Qi = Q_.row(i, active_size_);
        const double *Qj = Q_.row(j, active_size_);
        const double old_i = alpha_[i], old_j = alpha_[j];
        double quad = Q_.diag(i) + Q_.diag(j) - 2.0 * Qi[j];
        if (quad <= 0.0) {
            quad = tau;
        }
        const double delta = (G_[i] - G_[j]) / quad;
        const double sum = old_i + old_j;
        double ai = old_i - delta, aj = old_j + delta;
        if (sum > 1.0) {
            if (ai > 1.0) {
                ai = 1.0;
                aj = sum - 1.0;
            }
        } else if (aj < 0.0) {
            aj = 0.0;
            ai = sum;
        }
        if (sum > 1.0) {
            if (aj > 1.0) {
                aj = 1.0;
                ai = sum - 1.0;
            }
        } else if (ai < 0.0) {
            ai = 0.0;
            aj = sum;
        }
        const bool upper_i = at_upper(i), upper_j = at_upper(j);
        alpha_[i] = ai;
        alpha_[j] = aj;
        const double di = ai - old_i, dj = aj - old_j;
        for (std::size_t t = 0; t < active_size_; ++t) {
            G_[t] += Qi[t] * di + Qj[t] * dj;
        }
        update_g_bar(i, upper_i);
        update_g_bar(j, upper_j);
    }

    void update_g_bar(std::size_t t, bool was_upper) {
        const bool now_upper = at_upper(t);
        if (was_upper == now_upper) {
            return;
        }
        const double *Qt = Q_.row(t, n_);
        const double sign = now_upper ? 1.0 : -1.0;
        for (std::size_t k = 0; k < n_; ++k) {
            G_bar_[k] += sign * Qt[k];
        }
    }

    /// True when variable t sits at a bound its gradient will keep it at.
    bool can_shrink(std::size_t t, double gmax1, double gmax2) const noexcept {
        if (at_upper(t)) {
            return -G_[t] > gmax1;
        }
        if (at_lower(t)) {
            return G_[t] > gmax2;
        }
        return false;
    }

    void shrink() {
        double gmax1 = -inf, gmax2 = -inf;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (!at_upper(t)) {
                gmax1 = std::max(gmax1, -G_[t]);
            }
            if (!at_lower(t)) {
                gmax2 = std::max(gmax2, G_[t]);
            }
        }
        if (!unshrunk_ && gmax1 + gmax2 <= tol_ * 10.0) {
            // near the end: restore all variables once, so none is wrongly left out
            unshrunk_ = true;
            reconstruct_gradient();
            active_size_ = n_;
        }
        std::vector<std::pair<std::size_t, std::size_t>> exchanges;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (!can_shrink(t, gmax1, gmax2)) {
                continue;
            }
            --active_size_;
            while (active_size_ > t) {
                if (!can_shrink(active_size_, gmax1, gmax2)) {
                    swap_positions(t, active_size_);
                    exchanges.emplace_back(t, active_size_);
                    break;
                }
                --active_size_;
            }
        }
        // Q is not read during the pass, so its exchanges can wait and go in one batch.
        Q_.swap(exchanges);
    }

    /// Exchanges the solver's own state at positions a and b (Q is swapped by the caller).
    void swap_positions(std::size_t a, std::size_t b) {
        std::swap(alpha_[a], alpha_[b]);
        std::swap(G_[a], G_[b]);
        std::swap(G_bar_[a], G_bar_[b]);
        std::swap(p_[a], p_[b]);
        std::swap(position_[a], position_[b]);
    }

    /// G of the inactive variables from G_bar and the free active ones.
    void reconstruct_gradient() {
        if (active_size_ == n_) {
            return;
        }
        std::vector<std::size_t> free;
        std::vector<double> weights;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (!at_upper(t) && !at_lower(t)) {
                free.push_back(t);
                weights.push_back(alpha_[t]);
            }
        }
        std::vector<double> sum(n_, 0.0);
        Q_.add_weighted_rows(free, weights, sum.data());
        for (std::size_t t = active_size_; t < n_; ++t) {
            G_[t] = G_bar_[t] + p_[t] + sum[t];
        }
    }

    /// rho: the mean gradient over free variables, else the middle of the feasible interval.
    double compute_rho() const {
        double ub = inf, lb = -inf, sum_free = 0.0;
        std::size_t n_free = 0;
        for (std::size_t t = 0; t < active_size_; ++t) {
            if (at_upper(t)) {
                lb = std::max(lb, G_[t]);
            } else if (at_lower(t)) {
                ub = std::min(ub, G_[t]);
            } else {
                ++n_free;
                sum_free += G_[t];
            }
        }
        if (n_free > 0) {
            return sum_free / static_cast<double>(n_free);
        }
        // With every variable at one bound (nu = 1) libsvm's middle is infinite; the finite end
        // is the closest rho that keeps the KKT conditions.
        if (!std::isfinite(ub)) {
            return lb;
        }
        if (!std::isfinite(lb)) {
            return ub;
        }
        return (ub + lb) / 2.0;
    }

    QMatrix &Q_;
    std::size_t n_;
    std::vector<double> p_, alpha_, G_, G_bar_;
    std::vector<std::size_t> position_; // position -> original row
    double tol_;
    bool shrinking_;
    std::size_t max_iter_ = 0;
    std::size_t active_size_ = 0;
    bool unshrunk_ = false;
};

/// The libsvm starting point of the one-class problem: a sums to nu * n, the first
/// floor(nu * n) at 1 and the next one at the fractional remainder.
inline std::vector<double> one_class_initial_alpha(std::size_t n, double nu) {
    std::vector<double> alpha(n, 0.0);
    const double total = nu * static_cast<double>(n);
    const auto whole = static_cast<std::size_t>(total);
    for (std::size_t i = 0; i < whole && i < n; ++i) {
        alpha[i] = 1.0;
    }
    if (whole < n) {
        alpha[whole] = total - static_cast<double>(whole);
    }
    return alpha;
}

} // namespace oddkit
