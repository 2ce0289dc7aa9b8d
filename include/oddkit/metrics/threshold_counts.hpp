#pragma once
/// Weighted true and false positive counts at every distinct score threshold: the common core of
/// the ROC and precision-recall curves (scikit-learn's confusion_matrix_at_thresholds).
///
/// Rows are sorted by decreasing score with a stable sort (tied rows keep their input order) and
/// counts are accumulated in that order in double, as scikit-learn does, so curves agree with
/// scikit-learn's to the last few bits even with sample weights. Rows of weight 0 are dropped.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

/// Counts at each threshold, all of one length: a row with score >= thresholds[i] is
/// predicted positive at point i. Thresholds decrease.
struct ThresholdCounts {
    std::vector<double> false_positives;
    std::vector<double> true_positives;
    std::vector<double> thresholds;
};

namespace detail {
inline void check_curve_inputs(VectorView y_true, VectorView y_score, VectorView sample_weight) {
    require(y_true.size == y_score.size, "y_score", "has ", y_score.size, " values but y_true has ",
            y_true.size);
    require(y_true.size > 0, "y_true", "empty input: 0 samples");
    require(sample_weight.size == 0 || sample_weight.size == y_true.size, "sample_weight", "has ",
            sample_weight.size, " values but y_true has ", y_true.size);
    for (std::size_t i = 0; i < y_true.size; ++i) {
        require(std::isfinite(y_true[i]), "y_true", "contains NaN or infinity at ", i);
        require(std::isfinite(y_score[i]), "y_score", "contains NaN or infinity at ", i);
        if (sample_weight.size != 0) {
            require(std::isfinite(sample_weight[i]) && sample_weight[i] >= 0.0, "sample_weight",
                    "must be finite and non-negative, got ", sample_weight[i], " at ", i);
        }
    }
}
} // namespace detail

/// y_true: labels, positive where equal to pos_label; y_score: higher means more positive;
/// sample_weight: empty for unit weights.
inline ThresholdCounts threshold_counts(VectorView y_true, VectorView y_score, double pos_label = 1.0,
                                        VectorView sample_weight = {}) {
    detail::check_curve_inputs(y_true, y_score, sample_weight);
    const bool weighted = sample_weight.size != 0;
    std::vector<std::size_t> order;
    order.reserve(y_true.size);
    for (std::size_t i = 0; i < y_true.size; ++i) {
        if (!weighted || sample_weight[i] != 0.0) {
            order.push_back(i);
        }
    }
    require(!order.empty(), "sample_weight", "every sample has weight 0");
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return y_score[a] > y_score[b]; });
    ThresholdCounts out;
    double tp = 0.0;
    double fp = 0.0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t i = order[k];
        const double positive = y_true[i] == pos_label ? 1.0 : 0.0;
        const double w = weighted ? sample_weight[i] : 1.0;
        tp += positive * w;
        if (weighted) {
            fp += (1.0 - positive) * w;
        }
        // A threshold ends where the next score differs (or at the last row).
        if (k + 1 == order.size() || y_score[order[k + 1]] != y_score[i]) {
            out.true_positives.push_back(tp);
            // Unweighted false positives as scikit-learn forms them: rows so far minus tp.
            out.false_positives.push_back(weighted ? fp : 1.0 + static_cast<double>(k) - tp);
            out.thresholds.push_back(y_score[i]);
        }
    }
    return out;
}

/// The area under a curve by the trapezoidal rule; x must be monotonic (either direction).
inline double auc(const std::vector<double> &x, const std::vector<double> &y) {
    require(x.size() == y.size(), "y", "has ", y.size(), " values but x has ", x.size());
    require(x.size() >= 2, "x", "at least 2 points are needed to compute area under curve, got ",
            x.size());
    bool increasing = true;
    bool decreasing = true;
    for (std::size_t i = 1; i < x.size(); ++i) {
        increasing = increasing && x[i] >= x[i - 1];
        decreasing = decreasing && x[i] <= x[i - 1];
    }
    require(increasing || decreasing, "x", "is neither increasing nor decreasing");
    double area = 0.0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
    }
    return increasing ? area : -area;
}

} // namespace oddkit
