#pragma once
/// Confusion matrix, accuracy and precision / recall / F-beta over class indices, equal to
/// scikit-learn's confusion_matrix, accuracy_score and precision_recall_fscore_support.
///
/// Labels here are class indices in [0, n_classes): the Python layer (and any C++ caller with
/// other labels) maps its labels to indices first, in sorted order as scikit-learn does.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

using LabelSpan = std::span<const std::int64_t>;

namespace detail {
inline void check_label_pair(LabelSpan y_true, LabelSpan y_pred, std::size_t n_classes,
                             VectorView sample_weight) {
    require(y_true.size() == y_pred.size(), "y_pred", "has ", y_pred.size(), " labels but y_true has ",
            y_true.size());
    require(sample_weight.size == 0 || sample_weight.size == y_true.size(), "sample_weight", "has ",
            sample_weight.size, " values but y_true has ", y_true.size());
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        require(y_true[i] >= 0 && static_cast<std::size_t>(y_true[i]) < n_classes, "y_true",
                "class index ", y_true[i], " at ", i, " is outside [0, ", n_classes, ")");
        require(y_pred[i] >= 0 && static_cast<std::size_t>(y_pred[i]) < n_classes, "y_pred",
                "class index ", y_pred[i], " at ", i, " is outside [0, ", n_classes, ")");
        if (sample_weight.size != 0) {
            require(std::isfinite(sample_weight[i]), "sample_weight", "contains NaN or infinity at ", i);
        }
    }
}
} // namespace detail

/// C[i, j]: (weighted) count of samples of true class i predicted as class j.
inline Matrix confusion_matrix(LabelSpan y_true, LabelSpan y_pred, std::size_t n_classes,
                               VectorView sample_weight = {}) {
    require(n_classes >= 1, "n_classes", "must be >= 1");
    detail::check_label_pair(y_true, y_pred, n_classes, sample_weight);
    Matrix c = xt::zeros<double>({n_classes, n_classes});
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        c(static_cast<std::size_t>(y_true[i]), static_cast<std::size_t>(y_pred[i])) +=
            sample_weight.size != 0 ? sample_weight[i] : 1.0;
    }
    return c;
}

/// The (weighted) fraction of exact matches, or their (weighted) count.
inline double accuracy_score(LabelSpan y_true, LabelSpan y_pred, bool normalize = true,
                             VectorView sample_weight = {}) {
    require(y_true.size() == y_pred.size(), "y_pred", "has ", y_pred.size(), " labels but y_true has ",
            y_true.size());
    require(!y_true.empty(), "y_true", "empty input: 0 samples");
    require(sample_weight.size == 0 || sample_weight.size == y_true.size(), "sample_weight", "has ",
            sample_weight.size, " values but y_true has ", y_true.size());
    double hits = 0.0;
    double total = 0.0;
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const double w = sample_weight.size != 0 ? sample_weight[i] : 1.0;
        hits += y_true[i] == y_pred[i] ? w : 0.0;
        total += w;
    }
    return normalize ? hits / total : hits;
}

enum class Average { none, binary, micro, macro, weighted };

inline Average average_from_string(const std::string &name) {
    if (name == "binary") return Average::binary;
    if (name == "micro") return Average::micro;
    if (name == "macro") return Average::macro;
    if (name == "weighted") return Average::weighted;
    if (name == "none") return Average::none;
    throw InvalidArgument("average: expected 'binary', 'micro', 'macro', 'weighted' or None, got '" + name + "'");
}

/// Per-class scores (average none: one value per class) or one averaged value each.
struct PrecisionRecallFscore {
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<double> fscore;
    std::vector<double> support; ///< (weighted) true count per class; empty when averaged
};

/// scikit-learn's precision_recall_fscore_support. `pos_label` is the positive class index for
/// Average::binary (it may name a class absent from both label arrays: its scores are then
/// zero_division). zero_division is the value of 0/0: 0, 1 or NaN.
inline PrecisionRecallFscore precision_recall_fscore(LabelSpan y_true, LabelSpan y_pred, std::size_t n_classes,
                                                     Average average, std::int64_t pos_label = 1,
                                                     double beta = 1.0, VectorView sample_weight = {},
                                                     double zero_division = 0.0) {
    require(beta >= 0.0, "beta", "must be >= 0, got ", beta);
    require(zero_division == 0.0 || zero_division == 1.0 || std::isnan(zero_division), "zero_division",
            "must be 0, 1 or NaN, got ", zero_division);
    require(n_classes >= 1, "n_classes", "must be >= 1");
    detail::check_label_pair(y_true, y_pred, n_classes, sample_weight);
    if (average == Average::binary) {
        require(n_classes <= 2, "average", "target is multiclass (", n_classes,
                " classes) but average='binary'; choose 'micro', 'macro' or 'weighted'");
        require(pos_label >= 0 && static_cast<std::size_t>(pos_label) < n_classes, "pos_label",
                "class index ", pos_label, " is outside [0, ", n_classes, ")");
    }
    std::vector<double> tp(n_classes, 0.0), predicted(n_classes, 0.0), actual(n_classes, 0.0);
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const double w = sample_weight.size != 0 ? sample_weight[i] : 1.0;
        const auto t = static_cast<std::size_t>(y_true[i]);
        const auto p = static_cast<std::size_t>(y_pred[i]);
        actual[t] += w;
        predicted[p] += w;
        if (t == p) {
            tp[t] += w;
        }
    }
    if (average == Average::binary) {
        const auto k = static_cast<std::size_t>(pos_label);
        tp = {tp[k]};
        predicted = {predicted[k]};
        actual = {actual[k]};
    } else if (average == Average::micro) {
        double a = 0, b = 0, c = 0;
        for (std::size_t k = 0; k < n_classes; ++k) {
            a += tp[k];
            b += predicted[k];
            c += actual[k];
        }
        tp = {a};
        predicted = {b};
        actual = {c};
    }
    auto divide = [&](double num, double den) { return den == 0.0 ? zero_division : num / den; };
    PrecisionRecallFscore out;
    const double beta2 = beta * beta;
    for (std::size_t k = 0; k < tp.size(); ++k) {
        out.precision.push_back(divide(tp[k], predicted[k]));
        out.recall.push_back(divide(tp[k], actual[k]));
        if (std::isinf(beta)) {
            out.fscore.push_back(out.recall.back());
        } else if (beta == 0.0) {
            out.fscore.push_back(out.precision.back());
        } else {
            out.fscore.push_back(divide((1.0 + beta2) * tp[k], beta2 * actual[k] + predicted[k]));
        }
    }
    if (average == Average::none) {
        out.support = actual;
        return out;
    }
    // NaN scores (zero_division = NaN) are left out of the average, as scikit-learn's _nanaverage.
    auto mean = [&](const std::vector<double> &v) {
        double sum = 0.0, weight = 0.0, plain = 0.0;
        std::size_t count = 0;
        for (std::size_t k = 0; k < v.size(); ++k) {
            if (std::isnan(v[k])) continue;
            const double w = average == Average::weighted ? actual[k] : 1.0;
            sum += v[k] * w;
            weight += w;
            plain += v[k];
            ++count;
        }
        if (count == 0) return std::numeric_limits<double>::quiet_NaN();
        if (weight == 0.0) return plain / static_cast<double>(count); // all weights zero: unweighted
        return sum / weight;
    };
    out.precision = {mean(out.precision)};
    out.recall = {mean(out.recall)};
    out.fscore = {mean(out.fscore)};
    return out;
}

} // namespace oddkit
