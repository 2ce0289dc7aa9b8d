#pragma once
/// Kernels of the support vector machines, with scikit-learn's (libsvm's) definitions:
///   linear   k(u, v) = u . v
///   poly     k(u, v) = (gamma u . v + coef0)^degree
///   rbf      k(u, v) = exp(-gamma |u - v|^2)
///   sigmoid  k(u, v) = tanh(gamma u . v + coef0)
///
/// Blocks of kernel values are computed as matrix products (Eigen over the row-major data):
/// the dot products A * B^T first, then the kernel applied element-wise; for rbf the squared
/// distance is |a|^2 + |b|^2 - 2 a . b, clamped at 0 against cancellation.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/detect/vector_exp.hpp"

namespace oddkit {

enum class KernelType { linear, poly, rbf, sigmoid };

inline std::string_view kernel_name(KernelType type) noexcept {
    switch (type) {
    case KernelType::linear:
        return "linear";
    case KernelType::poly:
        return "poly";
    case KernelType::rbf:
        return "rbf";
    case KernelType::sigmoid:
        break;
    }
    return "sigmoid";
}

/// The kernel a name stands for; InvalidArgument naming `kernel` for any other name.
inline KernelType kernel_from_name(std::string_view name) {
    for (KernelType t : {KernelType::linear, KernelType::poly, KernelType::rbf, KernelType::sigmoid}) {
        if (name == kernel_name(t)) {
            return t;
        }
    }
    throw InvalidArgument(detail::concat("kernel: expected 'linear', 'poly', 'rbf' or 'sigmoid', got '",
                                         name, "'"));
}

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedRows = Eigen::Map<const RowMatrixXd, 0, Eigen::OuterStride<>>;

/// A MatrixView as an Eigen expression (no copy).
inline StridedRows eigen_rows(const MatrixView &X) {
    return StridedRows(X.data(), static_cast<Eigen::Index>(X.rows()), static_cast<Eigen::Index>(X.cols()),
                       Eigen::OuterStride<>(static_cast<Eigen::Index>(std::max<std::size_t>(X.row_stride(), 1))));
}

/// A kernel with its resolved parameters (gamma is a number here, never 'scale' or 'auto').
struct Kernel {
    KernelType type = KernelType::rbf;
    double gamma = 1.0;
    int degree = 3;
    double coef0 = 0.0;

    /// True when the kernel needs the squared norms of the rows (rbf).
    bool uses_norms() const noexcept { return type == KernelType::rbf; }

    /// k(u, v) for two rows of d values.
    double operator()(const double *u, const double *v, std::size_t d) const noexcept {
        double dot = 0.0;
        if (type == KernelType::rbf) {
            for (std::size_t j = 0; j < d; ++j) {
                const double diff = u[j] - v[j];
                dot += diff * diff;
            }
            return std::exp(-gamma * dot);
        }
        for (std::size_t j = 0; j < d; ++j) {
            dot += u[j] * v[j];
        }
        return from_dot(dot);
    }

    /// The kernel value of a dot product (every kernel but rbf).
    double from_dot(double dot) const noexcept {
        switch (type) {
        case KernelType::linear:
            return dot;
        case KernelType::poly:
            return integer_power(gamma * dot + coef0, degree);
        case KernelType::sigmoid:
            return std::tanh(gamma * dot + coef0);
        case KernelType::rbf:
            break;
        }
        return dot;
    }

    /// Turns dot products a . b_t (t < n) into kernel values in place; `a_norm` = |a|^2 and
    /// `b_norms[t]` = |b_t|^2 are read for rbf only.
    void apply(double *dots, std::size_t n, double a_norm, const double *b_norms) const {
        Eigen::Map<Eigen::ArrayXd> k(dots, static_cast<Eigen::Index>(n));
        switch (type) {
        case KernelType::linear:
            return;
        case KernelType::rbf: {
            Eigen::Map<const Eigen::ArrayXd> bn(b_norms, static_cast<Eigen::Index>(n));
            // exp(-gamma * max(|a|^2 + |b|^2 - 2 a.b, 0)); Eigen's exp is slow on plain SSE2
            k = 2.0 * k - bn - a_norm;
            detail::exp_scaled_nonpositive(dots, n, gamma);
            return;
        }
        case KernelType::poly:
            for (std::size_t t = 0; t < n; ++t) {
                dots[t] = integer_power(gamma * dots[t] + coef0, degree);
            }
            return;
        case KernelType::sigmoid:
            for (std::size_t t = 0; t < n; ++t) {
                dots[t] = std::tanh(gamma * dots[t] + coef0);
            }
            return;
        }
    }

    static double integer_power(double base, int exponent) noexcept {
        double result = 1.0;
        for (int e = exponent; e > 0; e >>= 1) { // square-and-multiply: exact for small degrees
            if (e & 1) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }
};

/// |row|^2 of each row of X.
inline std::vector<double> squared_norms(const MatrixView &X) {
    std::vector<double> out(X.rows());
    for (std::size_t i = 0; i < X.rows(); ++i) {
        const double *r = X.row(i);
        double s = 0.0;
        for (std::size_t j = 0; j < X.cols(); ++j) {
            s += r[j] * r[j];
        }
        out[i] = s;
    }
    return out;
}

/// out (A.rows() x B.rows(), row-major) = k(A_i, B_t). `a_norms` and `b_norms` are the squared
/// row norms (read for rbf only; may be empty otherwise).
inline void kernel_block(const Kernel &kernel, const MatrixView &A, const double *a_norms,
                         const MatrixView &B, const double *b_norms, double *out) {
    const auto n = static_cast<Eigen::Index>(A.rows());
    const auto m = static_cast<Eigen::Index>(B.rows());
    Eigen::Map<RowMatrixXd> K(out, n, m);
    K.noalias() = eigen_rows(A) * eigen_rows(B).transpose();
    for (Eigen::Index i = 0; i < n; ++i) {
        kernel.apply(out + i * m, static_cast<std::size_t>(m), kernel.uses_norms() ? a_norms[i] : 0.0, b_norms);
    }
}

} // namespace oddkit
