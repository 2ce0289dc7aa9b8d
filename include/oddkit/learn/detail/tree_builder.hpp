#pragma once
/// Grows one CART tree of a random forest (internal).
///
/// Node statistics are S doubles: the weight of each class (classification, S = k) or
/// (weight, sum w*y, sum w*y^2) (regression, S = 3). A node with more than `exact_rows` rows
/// finds its split from per-bin histograms of the pre-binned codes (one pass over its rows per
/// candidate feature); a smaller node sorts its raw values and tries every boundary between
/// distinct values, which is both cheaper there and exact (a feature whose binning is lossless,
/// one value per bin, is searched by histogram there too when its bins are few). Rows are kept in one index array,
/// stably partitioned node by node, so each node's rows stay in ascending order (cache-friendly
/// gathers from the column-major codes). Depth-first growth, or best-first when max_leaf_nodes
/// is set, as scikit-learn.
///
/// absolute_error (regression): the statistics above still give weights and counts, but the
/// impurity needs medians. Each node sorts its targets once (ranks per row); for each candidate
/// feature a forward pass adds rows to a RankedAbsoluteError in threshold order (bin by bin, or
/// value by value in exact nodes) and records the left side's absolute error at each boundary,
/// and a backward pass does the same for the right side: O(n log n) per node and feature instead
/// of O(n). Leaves hold the weighted median.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/learn/detail/ranked_absolute_error.hpp"
#include "oddkit/learn/feature_binning.hpp"
#include "oddkit/learn/forest_params.hpp"

namespace oddkit {

/// One node of a forest tree (16 bytes). Split: x[feature] <= threshold goes to `left` (index
/// inside the tree), otherwise to left + 1. Leaf: feature == -1 and `left` is the leaf's row in
/// the forest's leaf-value table.
struct ForestNode {
    double threshold;
    std::int32_t feature;
    std::int32_t left;
};

namespace detail {

/// What every tree of one fit shares (read-only while trees grow).
struct TreeProblem {
    MatrixView X;
    const BinnedFeatures *bins = nullptr;
    bool classification = true;
    Criterion criterion = Criterion::gini;
    std::size_t n_classes = 0;          ///< classification only
    const std::int32_t *label = nullptr; ///< class index per row (classification)
    const double *target = nullptr;      ///< y per row (regression)
    std::size_t max_features = 1;
    int max_depth = std::numeric_limits<int>::max();
    std::size_t min_samples_split = 2;
    std::size_t min_samples_leaf = 1;
    double min_weight_leaf = 0.0;
    std::size_t max_leaf_nodes = 0; ///< 0 = unlimited (depth-first growth)
    double min_impurity_decrease = 0.0;
    std::size_t exact_rows = 256;

    std::size_t stats_size() const noexcept { return classification ? n_classes : 3; }
};

struct GrownTree {
    std::vector<ForestNode> nodes;
    std::vector<double> leaf_values; ///< per leaf: k probabilities, or 1 mean
    std::vector<double> importances; ///< unnormalised weighted impurity decrease per feature
};

inline double xlogx(double x) noexcept { return x > 0.0 ? x * std::log(x) : 0.0; }

class TreeBuilder {
  public:
    TreeBuilder(const TreeProblem &problem, Random &rng, const double *weight)
        : p_(problem), rng_(rng), w_(weight), S_(problem.stats_size()),
          absolute_(!problem.classification && problem.criterion == Criterion::absolute_error) {}

    /// Grows the tree on `rows` (distinct rows of weight > 0, ascending).
    GrownTree grow(std::vector<std::uint32_t> rows) {
        rows_ = std::move(rows);
        scratch_.resize(rows_.size());
        if (absolute_) {
            rank_of_row_.resize(p_.X.rows());
        }
        const std::size_t d = p_.X.cols();
        tree_.importances.assign(d, 0.0);
        feature_order_.resize(d);
        for (std::size_t j = 0; j < d; ++j) {
            feature_order_[j] = static_cast<std::uint32_t>(j);
        }
        Candidate root;
        root.node = 0;
        root.begin = 0;
        root.end = static_cast<std::uint32_t>(rows_.size());
        root.depth = 0;
        root.constant.assign((d + 63) / 64, 0);
        root.stats.assign(S_, 0.0);
        for (auto r : rows_) {
            add_row(root.stats.data(), r);
        }
        total_weight_ = weight_of(root.stats.data());
        tree_.nodes.push_back({0.0, -1, 0});
        if (p_.max_leaf_nodes == 0) {
            grow_depth_first(std::move(root));
        } else {
            grow_best_first(std::move(root));
        }
        return std::move(tree_);
    }

  private:
    struct Split {
        int feature = -1;
        double threshold = 0.0;
        int bin = -1; ///< >= 0: partition by code <= bin; -1: by raw value <= threshold
        double proxy = -std::numeric_limits<double>::infinity();
        std::vector<double> left_stats;
        std::uint32_t left_count = 0;
        double left_abs_error = 0.0, right_abs_error = 0.0; ///< absolute_error only
    };
    struct Candidate {
        std::size_t node = 0;
        std::uint32_t begin = 0, end = 0;
        int depth = 0;
        std::vector<double> stats;
        double median = 0.0;    ///< absolute_error: the node's weighted median (its leaf value)
        double abs_error = 0.0; ///< absolute_error: sum of w * |y - median| over the node
        Split split;
        double improvement = 0.0;
        bool splittable = false;
        std::size_t order = 0;
        /// Bit set of the features whose raw values are constant over this node's rows (found
        /// here or in an ancestor; constant in a node means constant in its subtree), and its
        /// size. Bits rather than a list: a child copies d / 8 bytes, however many are set.
        std::vector<std::uint64_t> constant;
        std::size_t n_constant = 0;

        bool is_constant(std::uint32_t f) const noexcept { return (constant[f >> 6] >> (f & 63)) & 1U; }
        void set_constant(std::uint32_t f) noexcept {
            constant[f >> 6] |= std::uint64_t{1} << (f & 63);
            ++n_constant;
        }
    };

    // Statistics ------------------------------------------------------------------------------

    void add_row(double *s, std::uint32_t r) const noexcept {
        const double w = w_[r];
        if (p_.classification) {
            s[p_.label[r]] += w;
        } else {
            const double y = p_.target[r];
            s[0] += w;
            s[1] += w * y;
            s[2] += w * y * y;
        }
    }
    double weight_of(const double *s) const noexcept {
        if (!p_.classification) return s[0];
        double w = 0.0;
        for (std::size_t k = 0; k < S_; ++k) w += s[k];
        return w;
    }
    double impurity(const double *s) const noexcept {
        const double w = weight_of(s);
        if (w <= 0.0) return 0.0;
        if (!p_.classification) {
            const double mean = s[1] / w;
            return std::max(0.0, s[2] / w - mean * mean);
        }
        double v = 0.0;
        if (p_.criterion == Criterion::entropy) {
            for (std::size_t k = 0; k < S_; ++k) {
                if (s[k] > 0.0) {
                    const double q = s[k] / w;
                    v -= q * std::log2(q);
                }
            }
            return v;
        }
        for (std::size_t k = 0; k < S_; ++k) {
            const double q = s[k] / w;
            v += q * q;
        }
        return 1.0 - v;
    }
    /// A quantity that increases as the children's weighted impurity decreases (cheap to
    /// evaluate at every candidate threshold).
    double proxy(const double *l, const double *r) const noexcept {
        if (!p_.classification) {
            return l[1] * l[1] / l[0] + r[1] * r[1] / r[0];
        }
        double wl = 0.0, wr = 0.0;
        if (p_.criterion == Criterion::entropy) {
            double v = 0.0;
            for (std::size_t k = 0; k < S_; ++k) {
                v += xlogx(l[k]) + xlogx(r[k]);
                wl += l[k];
                wr += r[k];
            }
            return v - xlogx(wl) - xlogx(wr);
        }
        double sl = 0.0, sr = 0.0;
        for (std::size_t k = 0; k < S_; ++k) {
            sl += l[k] * l[k];
            sr += r[k] * r[k];
            wl += l[k];
            wr += r[k];
        }
        return sl / wl + sr / wr;
    }

    /// -(children's weighted absolute errors), rounded as scikit-learn rounds it (each side's
    /// mean times its weight): the absolute error has many exact ties between thresholds, and
    /// this keeps their resolution the same as scikit-learn's.
    static double abs_proxy(double ae_left, double w_left, double ae_right, double w_right) noexcept {
        return -w_right * (ae_right / w_right) - w_left * (ae_left / w_left);
    }

    // Split search ----------------------------------------------------------------------------

    bool allowed(std::uint32_t nl, std::uint32_t nr, double wl, double wr) const noexcept {
        return nl >= p_.min_samples_leaf && nr >= p_.min_samples_leaf && wl >= p_.min_weight_leaf &&
               wr >= p_.min_weight_leaf && wl > 0.0 && wr > 0.0;
    }

    /// Best split of candidate c over max_features drawn features (constant ones included),
    /// or more if none of those could be searched.
    void find_split(Candidate &c) {
        const std::uint32_t n = c.end - c.begin;
        const double w = weight_of(c.stats.data());
        if (absolute_) {
            rank_node_targets(c);
        }
        const double imp = absolute_ ? (w > 0.0 ? c.abs_error / w : 0.0) : impurity(c.stats.data());
        c.splittable = false;
        if (c.depth >= p_.max_depth || n < p_.min_samples_split || n < 2 * p_.min_samples_leaf ||
            w < 2.0 * p_.min_weight_leaf || imp <= 1e-7) {
            return;
        }
        const std::size_t d = feature_order_.size();
        Split best;
        // scikit-learn's draw: features are drawn without replacement, and every drawn feature
        // counts towards max_features, constant or not; drawing goes on past max_features only
        // until one non-constant feature has been searched. So a node where most features are
        // constant searches few of them, which is both cheaper and more random on wide, sparse
        // data. A feature known to be constant here (found in an ancestor) is drawn and counted
        // but not searched: its search could only report it constant.
        const std::size_t known = c.n_constant;
        std::size_t known_drawn = 0;
        bool searched = false;
        for (std::size_t tried = 0; tried < d && (tried < p_.max_features || !searched); ++tried) {
            if (d - tried == known - known_drawn) {
                break; // every feature not yet drawn is known to be constant
            }
            const std::size_t pick = tried + static_cast<std::size_t>(rng_.below(d - tried));
            std::swap(feature_order_[tried], feature_order_[pick]);
            const std::uint32_t f = feature_order_[tried];
            if (c.is_constant(f)) {
                ++known_drawn;
                continue;
            }
            // A lossless binning makes the histogram search exact too; in a small node it pays
            // when the bins are few (no sort, and codes are read instead of strided raw values).
            // absolute_error keeps its own exact search.
            const bool lossless = p_.bins->lossless(f);
            if (n > p_.exact_rows || (lossless && !absolute_ && p_.bins->values[f].size() <= 2 * std::size_t{n})) {
                if (search_histogram(c, f, best) == HistogramSearch::searched) {
                    searched = true;
                } else if (lossless) {
                    c.set_constant(f); // one value: constant in every descendant too
                }
                // otherwise one bin is not proof of equal raw values, so nothing is recorded
            } else if (search_exact(c, f, best)) {
                searched = true;
            } else {
                c.set_constant(f); // raw values equal: constant in every descendant too
            }
        }
        if (best.feature < 0) {
            return;
        }
        std::vector<double> right(S_);
        for (std::size_t k = 0; k < S_; ++k) right[k] = c.stats[k] - best.left_stats[k];
        const double wl = weight_of(best.left_stats.data());
        const double wr = weight_of(right.data());
        const double children = absolute_ ? best.left_abs_error + best.right_abs_error
                                          : wl * impurity(best.left_stats.data()) + wr * impurity(right.data());
        c.improvement = ((absolute_ ? c.abs_error : w * imp) - children) / total_weight_;
        if (c.improvement + 1e-7 < p_.min_impurity_decrease) {
            return;
        }
        c.split = std::move(best);
        c.splittable = true;
    }

    bool search_exact(const Candidate &c, std::uint32_t f, Split &best) {
        pairs_.clear();
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint32_t r = rows_[i];
            pairs_.emplace_back(p_.X(r, f), r);
        }
        std::sort(pairs_.begin(), pairs_.end());
        if (!(pairs_.back().first > pairs_.front().first)) {
            return false;
        }
        left_.assign(S_, 0.0);
        right_.resize(S_);
        const auto n = static_cast<std::uint32_t>(pairs_.size());
        if (absolute_) {
            exact_abs_errors();
        }
        for (std::uint32_t i = 0; i + 1 < n; ++i) {
            add_row(left_.data(), pairs_[i].second);
            if (pairs_[i].first == pairs_[i + 1].first) {
                continue;
            }
            for (std::size_t k = 0; k < S_; ++k) right_[k] = c.stats[k] - left_[k];
            const double wl = weight_of(left_.data()), wr = weight_of(right_.data());
            if (!allowed(i + 1, n - i - 1, wl, wr)) {
                continue;
            }
            const double v = absolute_ ? abs_proxy(left_ae_[i], wl, right_ae_[i + 1], wr) : proxy(left_.data(), right_.data());
            if (v > best.proxy) {
                best.proxy = v;
                best.feature = static_cast<int>(f);
                best.threshold = split_midpoint(pairs_[i].first, pairs_[i + 1].first);
                best.bin = -1;
                best.left_stats = left_;
                best.left_count = i + 1;
                if (absolute_) {
                    best.left_abs_error = left_ae_[i];
                    best.right_abs_error = right_ae_[i + 1];
                }
            }
        }
        return true;
    }

    /// Adds c's rows to hist_ / counts_ by their code, leaving out code `mode` if SkipMode.
    template <bool SkipMode>
    void count_rows(const Candidate &c, const std::uint8_t *code, unsigned mode) {
        // Local pointers: stores into the histogram could otherwise alias the members and force
        // their reload on every row.
        double *hist = hist_.data();
        std::uint32_t *counts = counts_.data();
        const std::uint32_t *rows = rows_.data();
        const double *weight = w_;
        if (p_.classification) {
            const std::size_t k = S_;
            const std::int32_t *label = p_.label;
            for (std::uint32_t i = c.begin; i < c.end; ++i) {
                const std::uint32_t r = rows[i];
                const unsigned b = code[r];
                if constexpr (SkipMode) {
                    if (b == mode) continue;
                }
                hist[b * k + static_cast<std::size_t>(label[r])] += weight[r];
                ++counts[b];
            }
        } else {
            const double *target = p_.target;
            for (std::uint32_t i = c.begin; i < c.end; ++i) {
                const std::uint32_t r = rows[i];
                const unsigned b = code[r];
                if constexpr (SkipMode) {
                    if (b == mode) continue;
                }
                const double w = weight[r], y = target[r];
                hist[b * 3] += w;
                hist[b * 3 + 1] += w * y;
                hist[b * 3 + 2] += w * y * y;
                ++counts[b];
            }
        }
    }

    /// count_rows<true> for two classes and a two-bin feature whose mode is not dominant (a
    /// mixed one-hot column), without a branch: the other bin's two cells are running sums in
    /// registers, each row adding its weight to one and +0.0 to the other (or +0.0 to both,
    /// in the mode), so each cell gets the same additions in the same order as in count_rows
    /// (exact: weights are finite and > 0). There the mode skip mispredicts on a large share
    /// of the rows; on a column at least 90% in its mode the skip is cheaper.
    void count_rows_two_by_two(const Candidate &c, const std::uint8_t *code, unsigned mode) {
        const std::uint32_t *rows = rows_.data();
        const double *weight = w_;
        const std::int32_t *label = p_.label;
        double class_0 = 0.0, class_1 = 0.0;
        std::uint32_t in_bin = 0;
        for (std::uint32_t i = c.begin, end = c.end; i < end; ++i) {
            const std::uint32_t r = rows[i];
            const unsigned other = code[r] ^ mode; // 1 outside the mode bin (codes are 0 and 1)
            const double w = weight[r] * static_cast<double>(other);
            const double w1 = w * static_cast<double>(label[r]);
            class_0 += w - w1;
            class_1 += w1;
            in_bin += other;
        }
        const std::size_t b = mode ^ 1U;
        hist_[2 * b] = class_0;
        hist_[2 * b + 1] = class_1;
        counts_[b] = in_bin;
    }

    /// Fills bin `mode` of hist_ / counts_ (skipped while counting) from c's totals.
    void fill_mode_bin(const Candidate &c, unsigned mode, std::size_t B) {
        std::uint32_t others = 0;
        for (std::size_t b = 0; b < B; ++b) others += counts_[b];
        counts_[mode] = (c.end - c.begin) - others;
        if (counts_[mode] == 0) {
            return; // leave the bin exactly empty rather than holding a rounding residue
        }
        double *in_mode = hist_.data() + std::size_t{mode} * S_;
        for (std::size_t k = 0; k < S_; ++k) {
            double rest = 0.0;
            for (std::size_t b = 0; b < B; ++b) rest += b == mode ? 0.0 : hist_[b * S_ + k];
            in_mode[k] = c.stats[k] - rest;
        }
    }

    /// What a histogram search found: a feature with rows in at least two bins is searched; a
    /// single bin means constant raw values only when the feature's binning is lossless.
    enum class HistogramSearch { searched, one_bin };

    HistogramSearch search_histogram(const Candidate &c, std::uint32_t f, Split &best) {
        const auto &edges = p_.bins->edges[f];
        const std::size_t B = edges.size() + 1;
        hist_.assign(B * S_, 0.0);
        counts_.assign(B, 0);
        const std::uint8_t *code = p_.bins->column(f);
        // Rows in the feature's most frequent bin are skipped and that bin is filled in from the
        // node's totals: on sparse columns this skips most rows, and it breaks the chain of
        // dependent additions to one histogram cell that a dominant bin would otherwise make.
        // The skip costs a compare and branch per row, so only columns whose mode bin is heavy
        // take it.
        const bool skip = p_.bins->heavy_mode(f);
        const unsigned mode = p_.bins->mode[f];
        if (skip && p_.classification && S_ == 2 && B == 2 && !p_.bins->sparse_mode(f)) {
            count_rows_two_by_two(c, code, mode);
            fill_mode_bin(c, mode, B);
        } else if (skip) {
            count_rows<true>(c, code, mode);
            fill_mode_bin(c, mode, B);
        } else {
            count_rows<false>(c, code, mode);
        }
        std::size_t nonempty = 0;
        for (std::size_t b = 0; b < B; ++b) nonempty += counts_[b] != 0;
        if (nonempty <= 1) {
            return HistogramSearch::one_bin;
        }
        if (absolute_) {
            histogram_abs_errors(c, code, B);
        }
        const std::vector<double> &values = p_.bins->values[f];
        const bool lossless = !values.empty();
        left_.assign(S_, 0.0);
        right_.resize(S_);
        const std::uint32_t n = c.end - c.begin;
        std::uint32_t nl = 0;
        std::size_t b = 0;
        while (b < B) {
            for (std::size_t k = 0; k < S_; ++k) left_[k] += hist_[b * S_ + k];
            nl += counts_[b];
            std::size_t next = b + 1;
            while (next < B && counts_[next] == 0) ++next;
            if (next >= B) break;
            if (counts_[b] != 0) {
                for (std::size_t k = 0; k < S_; ++k) right_[k] = c.stats[k] - left_[k];
                const double wl = weight_of(left_.data()), wr = weight_of(right_.data());
                if (allowed(nl, n - nl, wl, wr)) {
                    const double v = absolute_ ? abs_proxy(left_ae_[b], wl, right_ae_[next], wr)
                                               : proxy(left_.data(), right_.data());
                    if (v > best.proxy) {
                        best.proxy = v;
                        best.feature = static_cast<int>(f);
                        if (lossless) {
                            // Between the two values present, as an exact search splits.
                            best.threshold = split_midpoint(values[b], values[next]);
                            best.bin = static_cast<int>(b);
                        } else {
                            // Any edge in [b, next - 1] gives this partition; take the middle one.
                            const std::size_t e = (b + next - 1) / 2;
                            best.threshold = edges[e];
                            best.bin = static_cast<int>(e);
                        }
                        best.left_stats = left_;
                        best.left_count = nl;
                        if (absolute_) {
                            best.left_abs_error = left_ae_[b];
                            best.right_abs_error = right_ae_[next];
                        }
                    }
                }
            }
            b = next; // empty bins in between add nothing
        }
        return HistogramSearch::searched;
    }

    // absolute_error ---------------------------------------------------------------------------

    /// Sorts c's targets: sets rank_of_row_ for its rows, sorted_y_, and c's median and absolute
    /// error.
    void rank_node_targets(Candidate &c) {
        target_pairs_.clear();
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint32_t r = rows_[i];
            target_pairs_.emplace_back(p_.target[r], r);
        }
        std::sort(target_pairs_.begin(), target_pairs_.end());
        sorted_y_.resize(target_pairs_.size());
        weighted_y_.resize(target_pairs_.size());
        for (std::size_t k = 0; k < target_pairs_.size(); ++k) {
            const std::uint32_t r = target_pairs_[k].second;
            rank_of_row_[r] = static_cast<std::uint32_t>(k);
            sorted_y_[k] = target_pairs_[k].first;
            weighted_y_[k] = {sorted_y_[k], w_[r]};
        }
        const auto s = weighted_median_abs_error(weighted_y_);
        c.median = s.median;
        c.abs_error = s.abs_error;
    }

    /// For pairs_ (the node's rows sorted by feature value): left_ae_[i] = absolute error of
    /// rows 0..i, right_ae_[i] = of rows i..n-1, at every boundary between distinct values.
    void exact_abs_errors() {
        const std::size_t n = pairs_.size();
        left_ae_.resize(n);
        right_ae_.resize(n + 1);
        fenwick_.reset(sorted_y_.data(), sorted_y_.size());
        for (std::size_t i = 0; i + 1 < n; ++i) {
            const std::uint32_t r = pairs_[i].second;
            fenwick_.add(rank_of_row_[r], w_[r]);
            if (pairs_[i].first != pairs_[i + 1].first) left_ae_[i] = fenwick_.summary().abs_error;
        }
        fenwick_.reset(sorted_y_.data(), sorted_y_.size());
        for (std::size_t i = n - 1; i >= 1; --i) {
            const std::uint32_t r = pairs_[i].second;
            fenwick_.add(rank_of_row_[r], w_[r]);
            if (pairs_[i - 1].first != pairs_[i].first) right_ae_[i] = fenwick_.summary().abs_error;
        }
    }

    /// For the node's rows grouped by bin (counts_ filled): left_ae_[b] = absolute error of the
    /// rows in bins <= b, right_ae_[b] = of bins >= b, for every non-empty bin b.
    void histogram_abs_errors(const Candidate &c, const std::uint8_t *code, std::size_t B) {
        bin_start_.assign(B + 1, 0);
        for (std::size_t b = 0; b < B; ++b) bin_start_[b + 1] = bin_start_[b] + counts_[b];
        by_bin_.resize(c.end - c.begin);
        fill_at_.assign(bin_start_.begin(), bin_start_.end() - 1);
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint32_t r = rows_[i];
            by_bin_[fill_at_[code[r]]++] = r;
        }
        left_ae_.resize(B);
        right_ae_.resize(B);
        fenwick_.reset(sorted_y_.data(), sorted_y_.size());
        for (std::size_t b = 0; b < B; ++b) {
            if (counts_[b] == 0) continue;
            for (std::uint32_t k = bin_start_[b]; k < bin_start_[b + 1]; ++k) {
                fenwick_.add(rank_of_row_[by_bin_[k]], w_[by_bin_[k]]);
            }
            left_ae_[b] = fenwick_.summary().abs_error;
        }
        fenwick_.reset(sorted_y_.data(), sorted_y_.size());
        for (std::size_t b = B; b-- > 0;) {
            if (counts_[b] == 0) continue;
            for (std::uint32_t k = bin_start_[b]; k < bin_start_[b + 1]; ++k) {
                fenwick_.add(rank_of_row_[by_bin_[k]], w_[by_bin_[k]]);
            }
            right_ae_[b] = fenwick_.summary().abs_error;
        }
    }

    // Growth ----------------------------------------------------------------------------------

    /// Stable partition of c's rows by its split; returns the first right position.
    std::uint32_t partition(const Candidate &c) {
        const Split &s = c.split;
        if (s.bin >= 0) {
            const std::uint8_t *code = p_.bins->column(static_cast<std::size_t>(s.feature));
            const auto bin = static_cast<std::uint8_t>(s.bin);
            return partition_rows(c, [code, bin](std::uint32_t row) { return code[row] <= bin; });
        }
        const auto f = static_cast<std::size_t>(s.feature);
        return partition_rows(c, [&](std::uint32_t row) { return p_.X(row, f) <= s.threshold; });
    }
    /// Each row is written to both sides and the side it belongs to advances, without a branch:
    /// which side a row takes is as good as random, and the branch mispredicted about half the
    /// time on balanced splits. rows_[l] with l <= i only overwrites a row already read.
    template <class GoesLeft> std::uint32_t partition_rows(const Candidate &c, GoesLeft goes_left) {
        std::uint32_t *rows = rows_.data();
        std::uint32_t *right = scratch_.data();
        std::uint32_t l = c.begin, r = 0;
        for (std::uint32_t i = c.begin, end = c.end; i < end; ++i) {
            const std::uint32_t row = rows[i];
            const bool left = goes_left(row);
            rows[l] = row;
            right[r] = row;
            l += left;
            r += !left;
        }
        std::copy(right, right + r, rows + l);
        return l;
    }

    void make_leaf(const Candidate &c) {
        ForestNode &node = tree_.nodes[c.node];
        node.feature = -1;
        node.left = static_cast<std::int32_t>(tree_.leaf_values.size() / (p_.classification ? S_ : 1));
        const double w = weight_of(c.stats.data());
        if (p_.classification) {
            for (std::size_t k = 0; k < S_; ++k) {
                tree_.leaf_values.push_back(w > 0.0 ? c.stats[k] / w : 1.0 / static_cast<double>(S_));
            }
        } else if (absolute_) {
            tree_.leaf_values.push_back(c.median);
        } else {
            tree_.leaf_values.push_back(w > 0.0 ? c.stats[1] / w : 0.0);
        }
    }

    /// Turns c into a split node and returns its two children (not yet searched).
    std::pair<Candidate, Candidate> split(Candidate &c) {
        const std::uint32_t mid = partition(c);
        const auto left_index = static_cast<std::int32_t>(tree_.nodes.size());
        ForestNode &node = tree_.nodes[c.node];
        node.feature = c.split.feature;
        node.threshold = c.split.threshold;
        node.left = left_index;
        tree_.nodes.push_back({0.0, -1, 0});
        tree_.nodes.push_back({0.0, -1, 0});
        Candidate l, r;
        l.node = static_cast<std::size_t>(left_index);
        r.node = l.node + 1;
        l.begin = c.begin;
        l.end = mid;
        r.begin = mid;
        r.end = c.end;
        l.depth = r.depth = c.depth + 1;
        l.constant = c.constant;
        r.constant = c.constant;
        l.n_constant = r.n_constant = c.n_constant;
        l.stats = c.split.left_stats;
        r.stats.resize(S_);
        for (std::size_t k = 0; k < S_; ++k) r.stats[k] = c.stats[k] - l.stats[k];
        // Weighted impurity decrease, for impurity-based feature importances.
        tree_.importances[static_cast<std::size_t>(c.split.feature)] += c.improvement;
        return {std::move(l), std::move(r)};
    }

    void grow_depth_first(Candidate root) {
        std::vector<Candidate> stack;
        stack.push_back(std::move(root));
        while (!stack.empty()) {
            Candidate c = std::move(stack.back());
            stack.pop_back();
            find_split(c);
            if (!c.splittable) {
                make_leaf(c);
                continue;
            }
            auto [l, r] = split(c);
            stack.push_back(std::move(r)); // left first, as scikit-learn
            stack.push_back(std::move(l));
        }
    }

    void grow_best_first(Candidate root) {
        auto worse = [](const Candidate &a, const Candidate &b) {
            return a.improvement != b.improvement ? a.improvement < b.improvement : a.order > b.order;
        };
        std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> frontier(worse);
        std::size_t order = 0;
        std::size_t leaves = 1;
        auto push = [&](Candidate c) {
            find_split(c);
            if (!c.splittable) {
                make_leaf(c);
                return;
            }
            c.order = order++;
            frontier.push(std::move(c));
        };
        push(std::move(root));
        while (!frontier.empty()) {
            Candidate c = frontier.top();
            frontier.pop();
            if (leaves >= p_.max_leaf_nodes) {
                make_leaf(c);
                continue;
            }
            auto [l, r] = split(c);
            ++leaves;
            push(std::move(l));
            push(std::move(r));
        }
    }

    const TreeProblem &p_;
    Random &rng_;
    const double *w_;
    std::size_t S_;
    bool absolute_;
    double total_weight_ = 0.0;
    std::vector<std::uint32_t> rows_, scratch_, feature_order_, counts_;
    std::vector<double> hist_, left_, right_;
    std::vector<std::pair<double, std::uint32_t>> pairs_;
    // absolute_error scratch
    std::vector<std::pair<double, std::uint32_t>> target_pairs_;
    std::vector<std::pair<double, double>> weighted_y_;
    std::vector<std::uint32_t> rank_of_row_, bin_start_, fill_at_, by_bin_;
    std::vector<double> sorted_y_, left_ae_, right_ae_;
    RankedAbsoluteError fenwick_;
    GrownTree tree_;
};

} // namespace detail
} // namespace oddkit
