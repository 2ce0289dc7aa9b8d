#pragma once
/// The augmented Dickey-Fuller unit-root test, as statsmodels.tsa.stattools.adfuller:
///
///   diff(x)[t] = a * x[t-1] + sum_{j=1..p} b_j diff(x)[t-j] + deterministic terms + e
///
/// The statistic is a's t-value; p-values and critical values are MacKinnon's (1994, 2010)
/// approximations. With autolag the lag count p is the one in [0, maxlag] with the smallest
/// AIC or BIC, every candidate fitted on the same rows (those maxlag allows), then the chosen
/// model is refitted on all the rows it can use. maxlag defaults to Schwert's
/// ceil(12 (n/100)^(1/4)), capped at n/2 - ntrend - 1. Least squares by Householder QR.

#include <Eigen/Dense>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/series/detail/mackinnon.hpp"

namespace oddkit {

enum class AdfRegression { n, c, ct };
enum class Autolag { none, aic, bic };

inline AdfRegression parse_adf_regression(std::string_view text) {
    if (text == "c") return AdfRegression::c;
    if (text == "ct") return AdfRegression::ct;
    if (text == "n" || text == "nc") return AdfRegression::n;
    throw InvalidArgument(detail::concat("regression: expected 'c', 'ct' or 'n', got '", std::string(text), "'"));
}

inline Autolag parse_autolag(std::string_view text) {
    if (text == "AIC" || text == "aic") return Autolag::aic;
    if (text == "BIC" || text == "bic") return Autolag::bic;
    if (text.empty() || text == "None" || text == "none") return Autolag::none;
    throw InvalidArgument(detail::concat("autolag: expected 'AIC', 'BIC' or None, got '", std::string(text), "'"));
}

struct AdfOptions {
    std::optional<std::int64_t> maxlag; ///< unset: Schwert's rule
    AdfRegression regression = AdfRegression::c;
    Autolag autolag = Autolag::aic;
};

struct AdfResult {
    double statistic = 0.0;
    double pvalue = 0.0;
    std::int64_t usedlag = 0;
    std::int64_t nobs = 0;
    std::array<double, 3> critical_values{}; ///< 1%, 5%, 10%
    double icbest = std::numeric_limits<double>::quiet_NaN(); ///< NaN without autolag
};

namespace detail {

struct OlsFit {
    double ssr;
    double tvalue0;
    std::size_t nobs, k;
};

/// Least squares of y on X's columns; the t-value of the first coefficient.
inline OlsFit ols_first_t(const Eigen::MatrixXd &X, const Eigen::VectorXd &y) {
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(X);
    const Eigen::VectorXd beta = qr.solve(y);
    const double ssr = (y - X * beta).squaredNorm();
    const auto k = static_cast<std::size_t>(X.cols());
    const auto n = static_cast<std::size_t>(X.rows());
    const Eigen::MatrixXd R = qr.matrixQR().topRows(X.cols()).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd Rinv =
        R.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(X.cols(), X.cols()));
    // (X'X)^-1 = R^-1 R^-T, so its [0,0] element is the squared norm of R^-1's first row.
    const double xtx_inv00 = Rinv.row(0).squaredNorm();
    const double sigma2 = ssr / static_cast<double>(n - k);
    return {ssr, beta(0) / std::sqrt(sigma2 * xtx_inv00), n, k};
}

/// The design for `lags` lagged differences on the rows lag_rows allows: columns
/// [level, diff lags 1..lags, constant, trend]; y the differences.
inline void adf_design(const std::vector<double> &x, std::size_t lags, std::size_t lag_rows, std::size_t ntrend,
                       Eigen::MatrixXd &X, Eigen::VectorXd &y) {
    const std::size_t n = x.size();
    const std::size_t rows = n - 1 - lag_rows;
    X.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(1 + lags + ntrend));
    y.resize(static_cast<Eigen::Index>(rows));
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t t = lag_rows + r; // index into diff(x)
        const auto ri = static_cast<Eigen::Index>(r);
        y(ri) = x[t + 1] - x[t];
        X(ri, 0) = x[t];
        for (std::size_t j = 1; j <= lags; ++j) {
            X(ri, static_cast<Eigen::Index>(j)) = x[t - j + 1] - x[t - j];
        }
        if (ntrend >= 1) X(ri, static_cast<Eigen::Index>(1 + lags)) = 1.0;
        if (ntrend >= 2) X(ri, static_cast<Eigen::Index>(2 + lags)) = static_cast<double>(r + 1);
    }
}

} // namespace detail

inline AdfResult adfuller(const VectorView &x, const AdfOptions &options = {}) {
    require(x.data != nullptr || x.size == 0, "x", "null data pointer");
    const std::size_t n = x.size;
    const std::size_t ntrend = options.regression == AdfRegression::n ? 0 : options.regression == AdfRegression::c ? 1 : 2;
    require(n >= 4, "x", "needs at least 4 observations, got ", n);
    std::vector<double> v(x.begin(), x.end());
    double lo = v[0], hi = v[0];
    for (std::size_t i = 0; i < n; ++i) {
        require(std::isfinite(v[i]), "x", "contains ", std::isnan(v[i]) ? "NaN" : "infinity", " at row ", i,
                " (expected finite values)");
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
    }
    require(hi > lo, "x", "is constant; the test is undefined");
    const std::int64_t cap = static_cast<std::int64_t>(n / 2) - static_cast<std::int64_t>(ntrend) - 1;
    std::int64_t maxlag;
    if (options.maxlag) {
        maxlag = *options.maxlag;
        require(maxlag >= 0, "maxlag", "must be >= 0, got ", maxlag);
        require(maxlag <= cap, "maxlag", "must be at most n/2 - ntrend - 1 = ", cap, " for ", n,
                " observations, got ", maxlag);
    } else {
        maxlag = static_cast<std::int64_t>(std::ceil(12.0 * std::pow(static_cast<double>(n) / 100.0, 0.25)));
        maxlag = std::min(maxlag, cap);
        require(maxlag >= 0, "x", "sample of ", n, " observations is too short for this regression");
    }
    const auto max_l = static_cast<std::size_t>(maxlag);
    AdfResult result;
    std::size_t lags = max_l;
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    if (options.autolag != Autolag::none) {
        detail::adf_design(v, max_l, max_l, ntrend, X, y);
        const auto rows = static_cast<double>(X.rows());
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t l = 0; l <= max_l; ++l) {
            // Columns level + l lags + trend terms, from the full design on the common rows.
            Eigen::MatrixXd Xl(X.rows(), static_cast<Eigen::Index>(1 + l + ntrend));
            Xl.leftCols(static_cast<Eigen::Index>(1 + l)) = X.leftCols(static_cast<Eigen::Index>(1 + l));
            if (ntrend) Xl.rightCols(static_cast<Eigen::Index>(ntrend)) = X.rightCols(static_cast<Eigen::Index>(ntrend));
            const auto fit = detail::ols_first_t(Xl, y);
            const double llf = -rows / 2.0 * (std::log(2.0 * M_PI) + std::log(fit.ssr / rows) + 1.0);
            const double k = static_cast<double>(fit.k);
            const double ic = -2.0 * llf + (options.autolag == Autolag::aic ? 2.0 : std::log(rows)) * k;
            if (ic < best) { // strict: ties keep the smaller lag
                best = ic;
                lags = l;
            }
        }
        result.icbest = best;
    }
    detail::adf_design(v, lags, lags, ntrend, X, y);
    const auto fit = detail::ols_first_t(X, y);
    result.statistic = fit.tvalue0;
    result.usedlag = static_cast<std::int64_t>(lags);
    result.nobs = static_cast<std::int64_t>(fit.nobs);
    const auto &tables = detail::mackinnon_tau[static_cast<std::size_t>(options.regression)];
    result.pvalue = detail::mackinnon_p(result.statistic, tables);
    result.critical_values = detail::mackinnon_critical(tables, static_cast<double>(fit.nobs));
    return result;
}

} // namespace oddkit
