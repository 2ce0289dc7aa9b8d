#pragma once
/// The data convention, stated once: a matrix is n rows (samples) by d columns (features) of
/// double, row-major; NaN means missing. Inputs enter as a non-owning MatrixView so NumPy
/// buffers, xtensor containers, Eigen row-major matrices and raw memory pass without a copy.
/// What oddkit returns or owns is an xtensor container (Matrix, Vector).

#include <cstddef>
#include <cstdint>

#include <xtensor/xtensor.hpp>

#include "oddkit/core/error.hpp"

namespace oddkit {

using Matrix = xt::xtensor<double, 2>;     ///< owned n x d matrix, row-major
using Vector = xt::xtensor<double, 1>;     ///< owned column of n values
using IndexVector = xt::xtensor<std::int64_t, 1>;

/// A read-only, non-owning, row-major view of `rows` x `cols` doubles. Rows may be padded:
/// row i starts at data + i * row_stride (row_stride >= cols, in elements).
class MatrixView {
  public:
    MatrixView() = default;
    MatrixView(const double *data, std::size_t rows, std::size_t cols)
        : MatrixView(data, rows, cols, cols) {}
    MatrixView(const double *data, std::size_t rows, std::size_t cols, std::size_t row_stride)
        : data_(data), rows_(rows), cols_(cols), stride_(row_stride) {
        require(data != nullptr || rows * cols == 0, "X", "null data pointer with ", rows, " x ",
                cols, " shape");
        require(row_stride >= cols || rows <= 1, "X", "row stride ", row_stride,
                " is smaller than the column count ", cols);
    }
    /// A view of an owned xtensor matrix (must outlive the view).
    MatrixView(const Matrix &m) // NOLINT(google-explicit-constructor): views convert freely
        : MatrixView(m.data(), m.shape(0), m.shape(1)) {}

    /// Views of any row-major container with data(), rows() and cols() (Eigen::RowMajor).
    template <class EigenLike>
        requires requires(const EigenLike &e) {
            { e.data() } -> std::convertible_to<const double *>;
            e.rows();
            e.cols();
            EigenLike::IsRowMajor;
        }
    static MatrixView from_eigen(const EigenLike &m) {
        static_assert(EigenLike::IsRowMajor, "MatrixView needs a row-major Eigen matrix");
        return MatrixView(m.data(), static_cast<std::size_t>(m.rows()),
                          static_cast<std::size_t>(m.cols()));
    }

    const double *data() const noexcept { return data_; }
    std::size_t rows() const noexcept { return rows_; }
    std::size_t cols() const noexcept { return cols_; }
    std::size_t row_stride() const noexcept { return stride_; }
    bool empty() const noexcept { return rows_ == 0 || cols_ == 0; }

    const double *row(std::size_t i) const noexcept { return data_ + i * stride_; }
    double operator()(std::size_t i, std::size_t j) const noexcept { return data_[i * stride_ + j]; }

    /// Rows [begin, end) as a view.
    MatrixView slice_rows(std::size_t begin, std::size_t end) const noexcept {
        return MatrixView(data_ + begin * stride_, end - begin, cols_, stride_, Unchecked{});
    }

  private:
    struct Unchecked {};
    MatrixView(const double *d, std::size_t r, std::size_t c, std::size_t s, Unchecked) noexcept
        : data_(d), rows_(r), cols_(c), stride_(s) {}

    const double *data_ = nullptr;
    std::size_t rows_ = 0;
    std::size_t cols_ = 0;
    std::size_t stride_ = 0;
};

/// A non-owning view of n doubles (a column, targets, scores).
struct VectorView {
    const double *data = nullptr;
    std::size_t size = 0;
    VectorView() = default;
    VectorView(const double *d, std::size_t n) : data(d), size(n) {}
    VectorView(const Vector &v) : data(v.data()), size(v.size()) {} // NOLINT
    double operator[](std::size_t i) const noexcept { return data[i]; }
    const double *begin() const noexcept { return data; }
    const double *end() const noexcept { return data + size; }
};

/// A writable non-owning view of n doubles: the caller's output buffer.
struct OutputView {
    double *data = nullptr;
    std::size_t size = 0;
    OutputView() = default;
    OutputView(double *d, std::size_t n) : data(d), size(n) {}
    OutputView(Vector &v) : data(v.data()), size(v.size()) {} // NOLINT
    double &operator[](std::size_t i) const noexcept { return data[i]; }
};

} // namespace oddkit
