#pragma once
/// Distribution functions the statistical detectors need, written here so the library has no
/// dependency for them: the regularized incomplete beta and gamma functions, and from them the
/// Student t and chi-square CDFs and quantiles. Accuracy: about 1e-13 relative on the CDFs
/// (continued fractions evaluated by the modified Lentz method); quantiles are found by
/// bisection on the CDF down to adjacent doubles, so they are as exact as the CDF.

#include <cmath>
#include <limits>

#include "oddkit/core/error.hpp"

namespace oddkit {

namespace detail {

/// The continued fraction of I_x(a, b) (converges fast for x < (a + 1) / (a + b + 2)).
inline double incomplete_beta_fraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;
    constexpr double eps = 1e-16;
    double c = 1.0;
    double d = 1.0 - (a + b) * x / (a + 1.0);
    d = std::abs(d) < tiny ? tiny : d;
    d = 1.0 / d;
    double f = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        // even step
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        d = std::abs(d) < tiny ? tiny : d;
        c = 1.0 + num / c;
        c = std::abs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        f *= d * c;
        // odd step
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        d = std::abs(d) < tiny ? tiny : d;
        c = 1.0 + num / c;
        c = std::abs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        const double delta = d * c;
        f *= delta;
        if (std::abs(delta - 1.0) < eps) {
            break;
        }
    }
    return f;
}

/// Finds x in [lo, hi] with increasing(x) = target by bisection to adjacent doubles.
template <class F> double bisect_increasing(F &&increasing, double target, double lo, double hi) {
    for (int i = 0; i < 2000; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) {
            break;
        }
        (increasing(mid) < target ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

} // namespace detail

/// The regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1].
inline double regularized_incomplete_beta(double a, double b, double x) {
    require(a > 0.0 && b > 0.0, "a, b", "must be positive, got ", a, " and ", b);
    require(x >= 0.0 && x <= 1.0, "x", "must be in [0, 1], got ", x);
    if (x == 0.0 || x == 1.0) {
        return x;
    }
    const double log_front =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    // The fraction converges quickly only on one side of the mean; use the symmetry otherwise.
    if (x < (a + 1.0) / (a + b + 2.0)) {
        return std::exp(log_front) * detail::incomplete_beta_fraction(a, b, x) / a;
    }
    return 1.0 - std::exp(log_front) * detail::incomplete_beta_fraction(b, a, 1.0 - x) / b;
}

/// The regularized lower incomplete gamma function P(a, x), a > 0, x >= 0.
inline double regularized_lower_gamma(double a, double x) {
    require(a > 0.0, "a", "must be positive, got ", a);
    require(x >= 0.0, "x", "must be non-negative, got ", x);
    if (x == 0.0) {
        return 0.0;
    }
    const double log_front = a * std::log(x) - x - std::lgamma(a);
    if (x < a + 1.0) { // the series converges quickly here
        double term = 1.0 / a;
        double sum = term;
        for (int n = 1; n < 100000; ++n) {
            term *= x / (a + n);
            sum += term;
            if (std::abs(term) < std::abs(sum) * 1e-16) {
                break;
            }
        }
        return sum * std::exp(log_front);
    }
    // Q(a, x) by its continued fraction (modified Lentz), P = 1 - Q.
    constexpr double tiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / tiny;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i < 100000; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        d = std::abs(d) < tiny ? tiny : d;
        c = b + an / c;
        c = std::abs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < 1e-16) {
            break;
        }
    }
    return 1.0 - std::exp(log_front) * h;
}

/// P(T > t) for t >= 0 of Student's t with `df` degrees of freedom (computed directly, so it
/// stays accurate far in the tail).
inline double student_t_upper_tail(double t, double df) {
    require(df > 0.0, "df", "must be positive, got ", df);
    if (std::isinf(t)) {
        return t > 0 ? 0.0 : 1.0;
    }
    const double half = 0.5 * regularized_incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
    return t >= 0.0 ? half : 1.0 - half;
}

/// The CDF of Student's t with `df` degrees of freedom.
inline double student_t_cdf(double t, double df) { return 1.0 - student_t_upper_tail(t, df); }

/// The p-quantile of Student's t with `df` > 0 degrees of freedom, p in (0, 1)
/// (scipy.stats.t.ppf).
inline double student_t_quantile(double p, double df) {
    require(df > 0.0, "df", "must be positive, got ", df);
    require(p > 0.0 && p < 1.0, "p", "must be in (0, 1), got ", p);
    if (p == 0.5) {
        return 0.0;
    }
    const double tail = p < 0.5 ? p : 1.0 - p;
    // Bracket: the tail falls as t grows; double hi until it is below the target.
    double hi = 1.0;
    while (student_t_upper_tail(hi, df) > tail && hi < 1e300) {
        hi *= 2.0;
    }
    // minus the tail is increasing in t
    const double t = detail::bisect_increasing([&](double x) { return -student_t_upper_tail(x, df); }, -tail,
                                               0.0, hi);
    return p < 0.5 ? -t : t;
}

/// The CDF of the chi-square distribution with `df` > 0 degrees of freedom.
inline double chi2_cdf(double x, double df) {
    require(df > 0.0, "df", "must be positive, got ", df);
    return x <= 0.0 ? 0.0 : regularized_lower_gamma(0.5 * df, 0.5 * x);
}

/// The p-quantile of the chi-square distribution, p in (0, 1) (scipy.stats.chi2.ppf).
inline double chi2_quantile(double p, double df) {
    require(df > 0.0, "df", "must be positive, got ", df);
    require(p > 0.0 && p < 1.0, "p", "must be in (0, 1), got ", p);
    double hi = df + 10.0;
    while (chi2_cdf(hi, df) < p && hi < 1e300) {
        hi *= 2.0;
    }
    return detail::bisect_increasing([&](double x) { return chi2_cdf(x, df); }, p, 0.0, hi);
}

} // namespace oddkit
