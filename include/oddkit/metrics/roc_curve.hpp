#pragma once
/// The ROC curve and the area under it, equal to scikit-learn's roc_curve / roc_auc_score
/// (binary case): same points, same drop_intermediate rule, thresholds starting at +inf.

#include <cmath>
#include <limits>
#include <vector>

#include "oddkit/metrics/threshold_counts.hpp"

namespace oddkit {

struct RocCurve {
    std::vector<double> fpr;        ///< false positive rate, increasing, from 0
    std::vector<double> tpr;        ///< true positive rate, increasing, from 0
    std::vector<double> thresholds; ///< decreasing; thresholds[0] = +inf
};

/// drop_intermediate removes points collinear with their neighbours (they change neither the
/// plotted curve nor its area). Without negatives (positives) fpr (tpr) is all NaN, as in
/// scikit-learn (which also warns).
inline RocCurve roc_curve(VectorView y_true, VectorView y_score, double pos_label = 1.0,
                          VectorView sample_weight = {}, bool drop_intermediate = true) {
    ThresholdCounts c = threshold_counts(y_true, y_score, pos_label, sample_weight);
    const std::size_t n = c.thresholds.size();
    std::vector<std::size_t> keep;
    keep.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        bool corner = true;
        if (drop_intermediate && n > 2 && i > 0 && i + 1 < n) {
            // A second difference that is non-zero in either coordinate marks a corner.
            const double dfp = c.false_positives[i + 1] - 2 * c.false_positives[i] + c.false_positives[i - 1];
            const double dtp = c.true_positives[i + 1] - 2 * c.true_positives[i] + c.true_positives[i - 1];
            corner = dfp != 0.0 || dtp != 0.0;
        }
        if (corner) {
            keep.push_back(i);
        }
    }
    RocCurve out;
    out.fpr.reserve(keep.size() + 1);
    out.tpr.reserve(keep.size() + 1);
    out.thresholds.reserve(keep.size() + 1);
    out.fpr.push_back(0.0);
    out.tpr.push_back(0.0);
    out.thresholds.push_back(std::numeric_limits<double>::infinity());
    for (auto i : keep) {
        out.fpr.push_back(c.false_positives[i]);
        out.tpr.push_back(c.true_positives[i]);
        out.thresholds.push_back(c.thresholds[i]);
    }
    const double fp_total = out.fpr.back();
    const double tp_total = out.tpr.back();
    for (std::size_t i = 0; i < out.fpr.size(); ++i) {
        out.fpr[i] = fp_total > 0.0 ? out.fpr[i] / fp_total : std::numeric_limits<double>::quiet_NaN();
        out.tpr[i] = tp_total > 0.0 ? out.tpr[i] / tp_total : std::numeric_limits<double>::quiet_NaN();
    }
    return out;
}

/// Area under the ROC curve for binary labels (positive = pos_label). NaN when y_true holds
/// a single class (scikit-learn returns NaN with a warning there).
inline double roc_auc_score(VectorView y_true, VectorView y_score, double pos_label = 1.0,
                            VectorView sample_weight = {}) {
    detail::check_curve_inputs(y_true, y_score, sample_weight);
    bool has_positive = false;
    bool has_negative = false;
    for (double v : y_true) {
        (v == pos_label ? has_positive : has_negative) = true;
    }
    if (!has_positive || !has_negative) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const RocCurve roc = roc_curve(y_true, y_score, pos_label, sample_weight, true);
    return auc(roc.fpr, roc.tpr);
}

} // namespace oddkit
