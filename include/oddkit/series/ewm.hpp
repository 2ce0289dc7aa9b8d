#pragma once
/// Exponentially weighted mean, variance and standard deviation of one column, with pandas'
/// parameters and recurrences (DataFrame.ewm): the decay given as exactly one of com, span,
/// halflife or alpha; `adjust` (weights (1 - alpha)^k normalised over the rows seen, versus
/// the recursive y = (1 - alpha) y + alpha x); `ignore_na` (whether a missing row still ages
/// the weights); `min_periods` (non-missing rows needed before an output, at least 1). NaN and
/// +-inf are missing, as pandas' ewm turns infinities into NaN first.
///
///     oddkit::Vector m = oddkit::ewm_mean(values, {.decay = oddkit::EwmDecay::span(10)});

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

namespace detail {
/// pandas' window functions treat an infinity as a missing value.
inline double finite_or_nan(double v) noexcept {
    return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}
} // namespace detail

/// The smoothing factor alpha in (0, 1], built from any of pandas' four parameterisations.
struct EwmDecay {
    double alpha = 0.5;

    static EwmDecay com(double c) {
        require(c >= 0.0, "com", "must be >= 0, got ", c);
        return {1.0 / (1.0 + c)};
    }
    static EwmDecay span(double s) {
        require(s >= 1.0, "span", "must be >= 1, got ", s);
        return {2.0 / (s + 1.0)};
    }
    static EwmDecay halflife(double h) {
        require(h > 0.0, "halflife", "must be > 0, got ", h);
        return {1.0 - std::exp(std::log(0.5) / h)};
    }
    static EwmDecay from_alpha(double a) {
        require(a > 0.0 && a <= 1.0, "alpha", "must be in (0, 1], got ", a);
        return {a};
    }
    /// Center of mass, the form pandas' kernels use.
    double com_value() const noexcept { return 1.0 / alpha - 1.0; }
};

struct EwmOptions {
    EwmDecay decay;
    bool adjust = true;
    bool ignore_na = false;
    std::int64_t min_periods = 0;

    void validate() const {
        require(decay.alpha > 0.0 && decay.alpha <= 1.0, "alpha", "must be in (0, 1], got ", decay.alpha);
        require(min_periods >= 0, "min_periods", "must be >= 0, got ", min_periods);
    }
};

inline void ewm_mean(const VectorView &x, OutputView out, const EwmOptions &o) {
    o.validate();
    check_output_size(out, x.size);
    if (x.size == 0) return;
    // pandas works from com: alpha = 1 / (1 + com); taking that route keeps the same rounding.
    const double alpha = 1.0 / (1.0 + o.decay.com_value());
    const double decay = 1.0 - alpha;
    const double new_weight = o.adjust ? 1.0 : alpha;
    const auto min_obs = static_cast<std::size_t>(std::max<std::int64_t>(o.min_periods, 1));
    double mean = detail::finite_or_nan(x[0]);
    std::size_t seen = !std::isnan(mean);
    double old_weight = 1.0;
    out[0] = seen >= min_obs ? mean : std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 1; i < x.size; ++i) {
        const double v = detail::finite_or_nan(x[i]);
        const bool observed = !std::isnan(v);
        seen += observed;
        if (!std::isnan(mean)) {
            if (observed || !o.ignore_na) {
                old_weight *= decay;
                if (observed) {
                    if (mean != v) { // a constant run stays exactly constant
                        mean = (old_weight * mean + new_weight * v) / (old_weight + new_weight);
                    }
                    old_weight = o.adjust ? old_weight + new_weight : 1.0;
                }
            }
        } else if (observed) {
            mean = v;
        }
        out[i] = seen >= min_obs ? mean : std::numeric_limits<double>::quiet_NaN();
    }
}

/// Exponentially weighted variance; `bias` false (pandas' default) applies the
/// effective-sample-size correction sum(w)^2 / (sum(w)^2 - sum(w^2)).
inline void ewm_var(const VectorView &x, OutputView out, const EwmOptions &o, bool bias = false) {
    o.validate();
    check_output_size(out, x.size);
    if (x.size == 0) return;
    const double alpha = 1.0 / (1.0 + o.decay.com_value());
    const double decay = 1.0 - alpha;
    const double new_weight = o.adjust ? 1.0 : alpha;
    const auto min_obs = static_cast<std::size_t>(std::max<std::int64_t>(o.min_periods, 1));
    double mean = detail::finite_or_nan(x[0]);
    std::size_t seen = !std::isnan(mean);
    double cov = 0.0, sum_w = 1.0, sum_w2 = 1.0, old_weight = 1.0;
    const auto emit = [&]() {
        if (seen < min_obs) return std::numeric_limits<double>::quiet_NaN();
        if (bias) return cov;
        const double numerator = sum_w * sum_w;
        const double denominator = numerator - sum_w2;
        return denominator > 0.0 ? numerator / denominator * cov : std::numeric_limits<double>::quiet_NaN();
    };
    out[0] = seen >= min_obs ? (bias ? 0.0 : std::numeric_limits<double>::quiet_NaN()) : std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 1; i < x.size; ++i) {
        const double v = detail::finite_or_nan(x[i]);
        const bool observed = !std::isnan(v);
        seen += observed;
        if (!std::isnan(mean)) {
            if (observed || !o.ignore_na) {
                sum_w *= decay;
                sum_w2 *= decay * decay;
                old_weight *= decay;
                if (observed) {
                    const double old_mean = mean;
                    if (mean != v) {
                        mean = (old_weight * old_mean + new_weight * v) / (old_weight + new_weight);
                    }
                    cov = (old_weight * (cov + (old_mean - mean) * (old_mean - mean)) +
                           new_weight * (v - mean) * (v - mean)) /
                          (old_weight + new_weight);
                    sum_w += new_weight;
                    sum_w2 += new_weight * new_weight;
                    old_weight += new_weight;
                    if (!o.adjust) {
                        sum_w /= old_weight;
                        sum_w2 /= old_weight * old_weight;
                        old_weight = 1.0;
                    }
                }
            }
        } else if (observed) {
            mean = v;
        }
        out[i] = emit();
    }
}

inline void ewm_std(const VectorView &x, OutputView out, const EwmOptions &o, bool bias = false) {
    ewm_var(x, out, o, bias);
    for (std::size_t i = 0; i < out.size; ++i) {
        out[i] = out[i] < 0.0 ? 0.0 : std::sqrt(out[i]);
    }
}

inline Vector ewm_mean(const VectorView &x, const EwmOptions &o) {
    Vector out = xt::empty<double>({x.size});
    ewm_mean(x, OutputView(out), o);
    return out;
}
inline Vector ewm_var(const VectorView &x, const EwmOptions &o, bool bias = false) {
    Vector out = xt::empty<double>({x.size});
    ewm_var(x, OutputView(out), o, bias);
    return out;
}
inline Vector ewm_std(const VectorView &x, const EwmOptions &o, bool bias = false) {
    Vector out = xt::empty<double>({x.size});
    ewm_std(x, OutputView(out), o, bias);
    return out;
}

} // namespace oddkit
