#pragma once
/// The kernel matrix Q of an SMO solver, served row by row from a least-recently-used cache
/// bounded in bytes (libsvm's scheme, written for matrix products).
///
/// The solver works on a permutation of the training rows (shrinking moves inactive rows to
/// the end), so the cache keeps its own permuted copy of the data: a row of Q over the first
/// `len` positions is then one matrix-vector product over contiguous memory. A cached row
/// may be shorter than asked for; only its missing tail is computed. Swapping two positions
/// swaps their data rows and the two entries of every cached row that holds both (a row that
/// holds only one of them is dropped).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/detect/dot_block.hpp"
#include "oddkit/detect/kernel.hpp"

namespace oddkit {

class KernelRowCache {
  public:
    /// `cache_bytes` bounds the cached rows; at least two full rows are always allowed (the
    /// solver holds two at once).
    KernelRowCache(const MatrixView &X, const Kernel &kernel, std::size_t cache_bytes, std::size_t threads)
        : kernel_(kernel), n_(X.rows()), d_(X.cols()), threads_(threads), data_(n_ * d_), norms_(n_),
          diag_(n_), rows_(n_ + 1) {
        for (std::size_t i = 0; i < n_; ++i) {
            std::copy(X.row(i), X.row(i) + d_, data_.data() + i * d_);
        }
        norms_ = squared_norms(MatrixView(data_.data(), n_, d_));
        for (std::size_t i = 0; i < n_; ++i) {
            const double *x = data_.data() + i * d_;
            diag_[i] = kernel_(x, x, d_);
        }
        budget_ = std::max(cache_bytes / sizeof(double), 2 * n_);
        rows_[n_].prev = rows_[n_].next = static_cast<std::uint32_t>(n_); // empty LRU list
    }

    std::size_t size() const noexcept { return n_; }
    /// Q_ii at position i.
    double diag(std::size_t i) const noexcept { return diag_[i]; }

    /// Q_i over positions [0, len). The pointer stays valid until the next call that may
    /// evict (row, swap), except that the most recent two rows are never evicted.
    const double *row(std::size_t i, std::size_t len) {
        Row &r = rows_[i];
        if (r.in_list) {
            unlink(i);
        }
        if (r.values.size() < len) {
            const std::size_t have = r.values.size();
            make_room(len - have);
            r.values.resize(len);
            used_ += len - have;
            fill(i, have, len, r.values.data());
        }
        link_back(i);
        return r.values.data();
    }

    /// out[t] += sum_k weights[k] * Q(positions[k], t) for every position t in [0, n): the
    /// gradient of many alphas at once, as blocked matrix products on `threads` threads.
    void add_weighted_rows(const std::vector<std::size_t> &positions, const std::vector<double> &weights,
                           double *out) const {
        if (positions.empty()) {
            return;
        }
        constexpr std::size_t col_block = 1024;
        constexpr std::size_t row_block = 256;
        for (std::size_t c0 = 0; c0 < positions.size(); c0 += col_block) {
            const std::size_t c1 = std::min(positions.size(), c0 + col_block);
            const std::size_t k = c1 - c0;
            std::vector<double> B(k * d_), bn(k), w(k);
            for (std::size_t c = c0; c < c1; ++c) {
                std::copy_n(data_.data() + positions[c] * d_, d_, B.data() + (c - c0) * d_);
                bn[c - c0] = norms_[positions[c]];
                w[c - c0] = weights[c];
            }
            const MatrixView Bv(B.data(), k, d_);
            const Eigen::Map<const Eigen::VectorXd> wv(w.data(), static_cast<Eigen::Index>(k));
            parallel_for_chunks(
                n_, threads_,
                [&](std::size_t begin, std::size_t end) {
                    std::vector<double> block(row_block * k);
                    for (std::size_t b = begin; b < end; b += row_block) {
                        const std::size_t e = std::min(end, b + row_block);
                        const MatrixView A(data_.data() + b * d_, e - b, d_);
                        kernel_block(kernel_, A, norms_.data() + b, Bv, bn.data(), block.data());
                        const Eigen::Map<const RowMatrixXd> K(block.data(), static_cast<Eigen::Index>(e - b),
                                                              static_cast<Eigen::Index>(k));
                        Eigen::Map<Eigen::VectorXd> o(out + b, static_cast<Eigen::Index>(e - b));
                        o.noalias() += K * wv;
                    }
                },
                row_block);
        }
    }

    /// Exchanges positions i and j (shrinking).
    void swap(std::size_t i, std::size_t j) { swap({{i, j}}); }

    /// The exchanges of one shrinking pass, applied in order. Same result as one swap(i, j)
    /// after another, but each cached row is visited once for all of them (while it is in
    /// the CPU cache) instead of once per exchange.
    void swap(const std::vector<std::pair<std::size_t, std::size_t>> &exchanges) {
        for (const auto &[i, j] : exchanges) {
            if (i == j) {
                continue;
            }
            std::swap_ranges(data_.begin() + static_cast<std::ptrdiff_t>(i * d_),
                             data_.begin() + static_cast<std::ptrdiff_t>((i + 1) * d_),
                             data_.begin() + static_cast<std::ptrdiff_t>(j * d_));
            std::swap(norms_[i], norms_[j]);
            std::swap(diag_[i], diag_[j]);
            const bool li = rows_[i].in_list, lj = rows_[j].in_list;
            if (li) {
                unlink(i);
            }
            if (lj) {
                unlink(j);
            }
            std::swap(rows_[i].values, rows_[j].values);
            if (li) {
                link_back(j);
            }
            if (lj) {
                link_back(i);
            }
        }
        // A row's length does not change while swapping, so each exchange either swaps two of
        // its entries or, when the row holds only one of them, drops it.
        for (std::uint32_t h = rows_[n_].next; h != n_;) {
            Row &r = rows_[h];
            const std::uint32_t next = r.next;
            for (const auto &[i, j] : exchanges) {
                const std::size_t lo = std::min(i, j), hi = std::max(i, j);
                if (lo == hi) {
                    continue;
                }
                if (r.values.size() > hi) {
                    std::swap(r.values[i], r.values[j]);
                } else if (r.values.size() > lo) {
                    drop(h);
                    break;
                }
            }
            h = next;
        }
    }

  private:
    struct Row {
        std::vector<double> values;
        std::uint32_t prev = 0, next = 0;
        bool in_list = false;
    };

    /// Q(i, t) for t in [begin, end), written to out[t].
    void fill(std::size_t i, std::size_t begin, std::size_t end, double *out) const {
        detail::row_dots(data_.data() + begin * d_, end - begin, d_, data_.data() + i * d_, out + begin);
        kernel_.apply(out + begin, end - begin, norms_[i], norms_.data() + begin);
    }

    void unlink(std::size_t i) {
        Row &r = rows_[i];
        rows_[r.prev].next = r.next;
        rows_[r.next].prev = r.prev;
        r.in_list = false;
    }
    void link_back(std::size_t i) {
        Row &r = rows_[i];
        r.next = static_cast<std::uint32_t>(n_);
        r.prev = rows_[n_].prev;
        rows_[r.prev].next = static_cast<std::uint32_t>(i);
        rows_[n_].prev = static_cast<std::uint32_t>(i);
        r.in_list = true;
    }
    void drop(std::size_t i) {
        unlink(i);
        used_ -= rows_[i].values.size();
        std::vector<double>().swap(rows_[i].values);
    }
    /// Evicts least recently used rows until `extra` more values fit in the budget.
    void make_room(std::size_t extra) {
        while (used_ + extra > budget_ && rows_[n_].next != n_) {
            drop(rows_[n_].next);
        }
    }

    Kernel kernel_;
    std::size_t n_, d_, threads_;
    std::vector<double> data_;  // n x d, permuted with the solver's positions
    std::vector<double> norms_; // |x|^2 per position
    std::vector<double> diag_;
    std::vector<Row> rows_;     // rows_[n_] is the LRU list's sentinel (front = oldest)
    std::size_t budget_ = 0, used_ = 0;
};

} // namespace oddkit
