#pragma once
/// Weighted median and sum of absolute deviations of a growing set of targets (internal; the
/// absolute_error criterion of the forest regressor).
///
/// A node sorts its targets once; the set is then grown item by item, each item entering at its
/// rank in that order. Two Fenwick trees over the ranks hold the weights and weight * y of the
/// items present, so adding an item and asking for the set's weighted median and its absolute
/// error are both O(log n). The absolute error comes from the prefix sums below the median:
///     sum w|y - m| = (WY_above - m W_above) + (m W_below - WY_below).
/// The weighted median is scikit-learn's: the first item (in target order) whose cumulative
/// weight exceeds half the total; when the weight before it is exactly half the total, the
/// midpoint of it and the item before.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace oddkit::detail {

class RankedAbsoluteError {
  public:
    struct Summary {
        double median = 0.0;
        double abs_error = 0.0; ///< sum of w * |y - median| (not divided by the weight)
    };

    /// Empties the set; `sorted_y` (ascending, n values) must outlive the following calls.
    void reset(const double *sorted_y, std::size_t n) {
        y_ = sorted_y;
        n_ = n;
        w_.assign(n + 1, 0.0);
        wy_.assign(n + 1, 0.0);
        total_w_ = 0.0;
        total_wy_ = 0.0;
        top_ = 1;
        while (top_ * 2 <= n) top_ *= 2;
    }

    /// Adds the item of rank `rank` (0-based) with weight w > 0.
    void add(std::size_t rank, double w) noexcept {
        const double wy = w * y_[rank];
        total_w_ += w;
        total_wy_ += wy;
        for (std::size_t i = rank + 1; i <= n_; i += i & (~i + 1)) {
            w_[i] += w;
            wy_[i] += wy;
        }
    }

    double total_weight() const noexcept { return total_w_; }

    /// Median and absolute error of the items added so far (at least one).
    Summary summary() const noexcept {
        const double half = 0.5 * total_w_;
        // Descend to the first rank whose cumulative weight exceeds half, summing what lies before.
        std::size_t pos = 0;
        double w_below = 0.0, wy_below = 0.0;
        for (std::size_t step = top_; step != 0; step >>= 1) {
            const std::size_t next = pos + step;
            if (next <= n_ && w_below + w_[next] <= half) {
                pos = next;
                w_below += w_[next];
                wy_below += wy_[next];
            }
        }
        const std::size_t at = std::min(pos, n_ - 1);
        double median = y_[at];
        if (w_below == half && w_below > 0.0) {
            // Exactly half lies below: the previous item present is the first rank whose
            // cumulative weight reaches half.
            std::size_t prev = 0;
            double w = 0.0;
            for (std::size_t step = top_; step != 0; step >>= 1) {
                const std::size_t next = prev + step;
                if (next <= n_ && w + w_[next] < half) {
                    prev = next;
                    w += w_[next];
                }
            }
            median = 0.5 * (y_[prev] + median);
        }
        const double w_above = total_w_ - w_below;
        const double wy_above = total_wy_ - wy_below;
        const double ae = (wy_above - median * w_above) + (median * w_below - wy_below);
        return {median, std::max(0.0, ae)};
    }

  private:
    const double *y_ = nullptr;
    std::size_t n_ = 0;
    std::size_t top_ = 1;
    std::vector<double> w_, wy_; ///< Fenwick trees, 1-based
    double total_w_ = 0.0, total_wy_ = 0.0;
};

/// Weighted median and absolute error of (y, w) pairs sorted by y (w > 0), by direct sums.
template <class Pairs> RankedAbsoluteError::Summary weighted_median_abs_error(const Pairs &sorted) {
    double total = 0.0;
    for (const auto &p : sorted) total += p.second;
    const double half = 0.5 * total;
    double cum = 0.0;
    std::size_t j = 0;
    while (j + 1 < sorted.size() && cum + sorted[j].second <= half) cum += sorted[j++].second;
    double median = sorted[j].first;
    if (cum == half && j > 0) median = 0.5 * (sorted[j - 1].first + median);
    double ae = 0.0;
    for (const auto &p : sorted) ae += p.second * std::abs(p.first - median);
    return {median, ae};
}

} // namespace oddkit::detail
