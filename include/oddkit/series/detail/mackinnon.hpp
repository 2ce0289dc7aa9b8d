#pragma once
/// MacKinnon's response-surface approximations for the Dickey-Fuller tau statistic with one
/// variable (N = 1). These are published numbers, typed in as data:
///  - p-values: J. G. MacKinnon (1994), "Approximate asymptotic distribution functions for
///    unit-root and cointegration tests", Journal of Business & Economic Statistics 12(2),
///    167-176: p = Phi(polynomial in tau), with a small-p polynomial (degree 2) below tau*
///    and a large-p polynomial (degree 3) above it; p is 0 below tau_min and 1 above tau_max.
///  - critical values: J. G. MacKinnon (2010), "Critical values for cointegration tests",
///    Queen's Economics Department Working Paper 1227, table 2: c(T) = b0 + b1/T + b2/T^2 +
///    b3/T^3 for the 1%, 5% and 10% levels.
/// Coefficients are in increasing powers, already multiplied by the paper's scale factors.

#include <array>
#include <cmath>
#include <limits>

namespace oddkit::detail {

struct MacKinnonTau {
    double tau_star, tau_min, tau_max;
    std::array<double, 3> small_p;
    std::array<double, 4> large_p;
    std::array<std::array<double, 4>, 3> critical; ///< 1%, 5%, 10%
};

// Index 0: no deterministic terms ('n'), 1: constant ('c'), 2: constant and trend ('ct').
inline constexpr std::array<MacKinnonTau, 3> mackinnon_tau{{
    {-1.04, -19.04, std::numeric_limits<double>::infinity(),
     {0.6344, 1.2378, 3.2496e-2},
     {0.4797, 9.3557e-1, -0.6999e-1, 3.3066e-2},
     {{{-2.56574, -2.2358, -3.627, 0.0}, {-1.94100, -0.2686, -3.365, 31.223}, {-1.61682, 0.2656, -2.714, 25.364}}}},
    {-1.61, -18.83, 2.74,
     {2.1659, 1.4412, 3.8269e-2},
     {1.7339, 9.3202e-1, -1.2745e-1, -1.0368e-2},
     {{{-3.43035, -6.5393, -16.786, -79.433}, {-2.86154, -2.8903, -4.234, -40.040}, {-2.56677, -1.5384, -2.809, 0.0}}}},
    {-2.89, -16.18, 0.7,
     {3.2512, 1.6047, 4.9588e-2},
     {2.5261, 6.1654e-1, -3.7956e-1, -6.0285e-2},
     {{{-3.95877, -9.0531, -28.428, -134.155}, {-3.41049, -4.3904, -9.036, -45.374}, {-3.12705, -2.5856, -3.925, -22.380}}}},
}};

/// Approximate p-value of a tau statistic.
inline double mackinnon_p(double tau, const MacKinnonTau &c) {
    if (tau > c.tau_max) return 1.0;
    if (tau < c.tau_min) return 0.0;
    double z;
    if (tau <= c.tau_star) {
        z = c.small_p[0] + tau * (c.small_p[1] + tau * c.small_p[2]);
    } else {
        z = c.large_p[0] + tau * (c.large_p[1] + tau * (c.large_p[2] + tau * c.large_p[3]));
    }
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

/// Critical values at 1%, 5%, 10% for a regression with `nobs` observations.
inline std::array<double, 3> mackinnon_critical(const MacKinnonTau &c, double nobs) {
    std::array<double, 3> out{};
    const double u = 1.0 / nobs;
    for (int level = 0; level < 3; ++level) {
        const auto &b = c.critical[static_cast<std::size_t>(level)];
        out[static_cast<std::size_t>(level)] = b[0] + u * (b[1] + u * (b[2] + u * b[3]));
    }
    return out;
}

} // namespace oddkit::detail
