#pragma once
/// Precision-recall curve and average precision, equal to scikit-learn's
/// precision_recall_curve / average_precision_score (binary case).

#include <algorithm>
#include <vector>

#include "oddkit/metrics/threshold_counts.hpp"

namespace oddkit {

struct PrecisionRecallCurve {
    std::vector<double> precision;  ///< n + 1 values, the last is 1
    std::vector<double> recall;     ///< n + 1 values, decreasing, the last is 0
    std::vector<double> thresholds; ///< n values, increasing
};

/// drop_intermediate keeps only the first and last point of each run of equal true-positive
/// counts (scikit-learn's rule; default false as there). Without any positive, recall is 1
/// everywhere (scikit-learn warns).
inline PrecisionRecallCurve precision_recall_curve(VectorView y_true, VectorView y_score,
                                                   double pos_label = 1.0, VectorView sample_weight = {},
                                                   bool drop_intermediate = false) {
    ThresholdCounts c = threshold_counts(y_true, y_score, pos_label, sample_weight);
    const std::size_t n = c.thresholds.size();
    std::vector<std::size_t> keep;
    keep.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        bool kept = true;
        if (drop_intermediate && n > 2 && i > 0 && i + 1 < n) {
            kept = c.true_positives[i] != c.true_positives[i - 1] ||
                   c.true_positives[i + 1] != c.true_positives[i];
        }
        if (kept) {
            keep.push_back(i);
        }
    }
    PrecisionRecallCurve out;
    const double tp_total = c.true_positives[keep.back()];
    // Built in reverse so recall decreases, then closed by the (recall 0, precision 1) point.
    for (auto it = keep.rbegin(); it != keep.rend(); ++it) {
        const double tp = c.true_positives[*it];
        const double predicted = tp + c.false_positives[*it];
        out.precision.push_back(predicted != 0.0 ? tp / predicted : 0.0);
        out.recall.push_back(tp_total == 0.0 ? 1.0 : tp / tp_total);
        out.thresholds.push_back(c.thresholds[*it]);
    }
    out.precision.push_back(1.0);
    out.recall.push_back(0.0);
    return out;
}

/// Average precision: sum over thresholds of (R_n - R_{n-1}) P_n, no interpolation.
inline double average_precision_score(VectorView y_true, VectorView y_score, double pos_label = 1.0,
                                      VectorView sample_weight = {}) {
    const PrecisionRecallCurve pr = precision_recall_curve(y_true, y_score, pos_label, sample_weight);
    double sum = 0.0;
    for (std::size_t i = 0; i + 1 < pr.recall.size(); ++i) {
        sum += (pr.recall[i + 1] - pr.recall[i]) * pr.precision[i];
    }
    return std::max(0.0, -sum);
}

} // namespace oddkit
