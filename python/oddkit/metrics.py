"""oddkit.metrics: classification metrics computed by oddkit's C++ engine, with the signatures
and results of scikit-learn's functions of the same names.

Labels may be of any type scikit-learn accepts (ints, strings, bools); they are mapped here to
class indices in sorted order, as scikit-learn orders them, and the counting happens in C++.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.multiclass import type_of_target

from . import _core

__all__ = [
    "accuracy_score",
    "average_precision_score",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
]


# Input glue ---------------------------------------------------------------------------------


def _column(y, name):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {y.shape}")
    return y


def _weights(sample_weight, n):
    if sample_weight is None:
        return None
    w = np.ascontiguousarray(_column(sample_weight, "sample_weight"), dtype=np.float64)
    if w.shape[0] != n:
        raise ValueError(f"sample_weight: has {w.shape[0]} values but y_true has {n}")
    return w


def _scores(y_score, n):
    s = np.asarray(y_score)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s.ravel()
    if s.ndim != 1:
        raise ValueError(f"y_score: expected a 1-D array of scores, got shape {s.shape}")
    s = np.ascontiguousarray(s, dtype=np.float64)
    if s.shape[0] != n:
        raise ValueError(f"y_score: has {s.shape[0]} values but y_true has {n}")
    return s


def _positive_indicator(y_true, pos_label):
    """y_true == pos_label as float, with scikit-learn's rules for pos_label=None."""
    y_true = _column(y_true, "y_true")
    if y_true.shape[0] == 0:
        raise ValueError("y_true: empty input: 0 samples")
    if y_true.dtype.kind == "f" and not np.all(np.isfinite(y_true)):
        raise ValueError("y_true: contains NaN or infinity")
    classes = np.unique(y_true)
    kind = type_of_target(y_true, input_name="y_true")
    if not (kind == "binary" or (kind == "multiclass" and pos_label is not None)):
        raise ValueError(f"y_true: {kind} format is not supported")
    if pos_label is None:
        if classes.dtype.kind in "OUS" or not (
            np.array_equal(classes, [0, 1])
            or np.array_equal(classes, [-1, 1])
            or np.array_equal(classes, [0])
            or np.array_equal(classes, [-1])
            or np.array_equal(classes, [1])
        ):
            shown = ", ".join(repr(c) for c in classes)
            raise ValueError(
                f"y_true takes value in {{{shown}}} and pos_label is not specified: either make "
                "y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly."
            )
        pos_label = 1
    return np.ascontiguousarray(y_true == pos_label, dtype=np.float64), y_true


def _encode_pair(y_true, y_pred):
    """Both label arrays as indices into their sorted union; returns (t, p, classes)."""
    y_true = _column(y_true, "y_true")
    y_pred = _column(y_pred, "y_pred")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_pred: has {y_pred.shape[0]} labels but y_true has {y_true.shape[0]} "
            "(found input variables with inconsistent numbers of samples)"
        )
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        kind = type_of_target(y, input_name=name)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"{name}: classification metrics can't handle {kind} targets")
    try:
        classes, inverse = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    except TypeError as error:
        raise ValueError(f"y_true, y_pred: labels of mixed types ({error})") from None
    n = y_true.shape[0]
    inverse = np.ascontiguousarray(inverse.ravel(), dtype=np.int64)
    return inverse[:n], inverse[n:], classes


# Curves -------------------------------------------------------------------------------------


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: (fpr, tpr, thresholds), as scikit-learn's."""
    positive, _ = _positive_indicator(y_true, pos_label)
    n = positive.shape[0]
    fpr, tpr, thresholds = _core._roc_curve(
        positive, _scores(y_score, n), _weights(sample_weight, n), bool(drop_intermediate)
    )
    if np.isnan(fpr[-1]):
        warnings.warn("No negative samples in y_true, false positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=2)
    if np.isnan(tpr[-1]):
        warnings.warn("No positive samples in y_true, true positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=2)
    return fpr, tpr, thresholds


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """(precision, recall, thresholds), as scikit-learn's."""
    positive, _ = _positive_indicator(y_true, pos_label)
    n = positive.shape[0]
    if not positive.any():
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.",
                      UserWarning, stacklevel=2)
    return _core._precision_recall_curve(
        positive, _scores(y_score, n), _weights(sample_weight, n), bool(drop_intermediate)
    )


def _one_vs_rest(y_true, y_score, sample_weight, average, binary_score):
    """Per-class binary scores of a multi-class target averaged as scikit-learn does."""
    y_true = _column(y_true, "y_true")
    classes = np.unique(y_true)
    scores = np.asarray(y_score, dtype=np.float64)
    if scores.ndim != 2 or scores.shape != (y_true.shape[0], classes.shape[0]):
        raise ValueError(
            "y_score: needs to be of shape (n_samples, n_classes) = "
            f"({y_true.shape[0]}, {classes.shape[0]}) since y_true has several classes, got "
            f"{scores.shape}"
        )
    w = _weights(sample_weight, y_true.shape[0])
    per_class = np.array([
        binary_score(np.ascontiguousarray(y_true == c, dtype=np.float64),
                     np.ascontiguousarray(scores[:, k]), w)
        for k, c in enumerate(classes)
    ])
    if average is None:
        return per_class
    if average == "macro":
        return float(np.mean(per_class))
    if average == "weighted":
        support = np.array([np.sum((y_true == c) * (1.0 if w is None else w)) for c in classes])
        return float(np.average(per_class, weights=support))
    raise ValueError(f"average: expected 'macro', 'weighted' or None for a multi-class target, got {average!r}")


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, multi_class="raise",
                  labels=None):
    """Area under the ROC curve. Binary targets (the greater label is positive, as in
    scikit-learn) and multi-class targets with multi_class='ovr'."""
    y_true = _column(y_true, "y_true")
    kind = type_of_target(y_true, input_name="y_true")
    if labels is not None:
        raise ValueError("labels: only labels=None is supported")
    if kind == "binary":
        classes = np.unique(y_true)
        if classes.shape[0] != 2:
            warnings.warn("Only one class is present in y_true. ROC AUC score is not defined in that case.",
                          UndefinedMetricWarning, stacklevel=2)
            return float("nan")
        positive = np.ascontiguousarray(y_true == classes[1], dtype=np.float64)
        n = positive.shape[0]
        return float(_core._roc_auc_score(positive, _scores(y_score, n), _weights(sample_weight, n)))
    if kind == "multiclass":
        if multi_class != "ovr":
            raise ValueError("multi_class: a multi-class y_true needs multi_class='ovr' "
                             "('ovo' is not implemented by oddkit)")
        return _one_vs_rest(y_true, y_score, sample_weight, average, _core._roc_auc_score)
    raise ValueError(f"y_true: {kind} format is not supported")


def average_precision_score(y_true, y_score, *, average="macro", pos_label=1, sample_weight=None):
    """Average precision (the step-wise area under the precision-recall curve)."""
    y_true = _column(y_true, "y_true")
    kind = type_of_target(y_true, input_name="y_true")
    if kind == "multiclass":
        if pos_label != 1:
            raise ValueError("pos_label: fixed to 1 for a multi-class y_true")
        return _one_vs_rest(y_true, y_score, sample_weight, average, _core._average_precision_score)
    if kind != "binary":
        raise ValueError(f"y_true: {kind} format is not supported")
    present = np.unique(y_true)
    if present.shape[0] == 2 and pos_label not in present.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not a valid label. It should be one of {present}")
    positive, _ = _positive_indicator(y_true, pos_label)
    n = positive.shape[0]
    return float(_core._average_precision_score(positive, _scores(y_score, n), _weights(sample_weight, n)))


# Label metrics ------------------------------------------------------------------------------


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """C[i, j]: samples of class i predicted as class j (classes sorted, or in `labels` order)."""
    t, p, classes = _encode_pair(y_true, y_pred)
    w = _weights(sample_weight, t.shape[0])
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize: expected 'true', 'pred', 'all' or None, got {normalize!r}")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("labels: 'labels' should contains at least one label.")
        if not np.isin(labels, classes).any() and t.shape[0] > 0:
            raise ValueError("labels: at least one label specified must be in y_true")
        position = {c: i for i, c in enumerate(labels.tolist())}
        remap = np.array([position.get(c, -1) for c in classes.tolist()], dtype=np.int64)
        t, p = remap[t], remap[p]
        keep = (t >= 0) & (p >= 0)
        t, p = np.ascontiguousarray(t[keep]), np.ascontiguousarray(p[keep])
        w = None if w is None else np.ascontiguousarray(w[keep])
        n_classes = labels.shape[0]
    else:
        n_classes = classes.shape[0]
    if n_classes == 0:
        return np.zeros((0, 0), dtype=np.int64)
    cm = _core._confusion_matrix(t, p, n_classes, w)
    if w is None or np.issubdtype(np.asarray(sample_weight).dtype, np.integer):
        cm = cm.astype(np.int64)
    if normalize is not None:
        with np.errstate(all="ignore"):
            if normalize == "true":
                cm = cm / cm.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                cm = cm / cm.sum(axis=0, keepdims=True)
            else:
                cm = cm / cm.sum()
        cm = np.nan_to_num(cm)
    return cm


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """The fraction (or count) of correct predictions."""
    t, p, _ = _encode_pair(y_true, y_pred)
    if t.shape[0] == 0:
        raise ValueError("y_true: empty input: 0 samples")
    return float(_core._accuracy_score(t, p, bool(normalize), _weights(sample_weight, t.shape[0])))


def _zero_division_value(zero_division):
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, str) and zero_division == "nan":
        return float("nan")
    if zero_division in (0, 1) or (isinstance(zero_division, float) and np.isnan(zero_division)):
        return float(zero_division)
    raise ValueError(f"zero_division: expected 'warn', 0, 1 or nan, got {zero_division!r}")


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, sample_weight=None, zero_division="warn"):
    """Precision, recall, F-beta and support, as scikit-learn's (labels=None only)."""
    if labels is not None:
        raise ValueError("labels: only labels=None is supported")
    if average not in (None, "binary", "micro", "macro", "weighted"):
        raise ValueError(f"average: expected 'binary', 'micro', 'macro', 'weighted' or None, got {average!r}")
    if not beta >= 0:
        raise ValueError(f"beta: must be >= 0, got {beta}")
    t, p, classes = _encode_pair(y_true, y_pred)
    w = _weights(sample_weight, t.shape[0])
    n_classes = classes.shape[0]
    pos_index = 0
    if average == "binary":
        if n_classes > 2:
            raise ValueError(
                "average: target is multiclass but average='binary'; choose another average "
                "setting, one of [None, 'micro', 'macro', 'weighted']"
            )
        present = classes.tolist()
        if pos_label in present:
            pos_index = present.index(pos_label)
        elif n_classes >= 2:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label. It should be one of {classes}")
        else:  # pos_label names an absent class: all its counts are zero
            pos_index = n_classes
            n_classes += 1
    precision, recall, fscore, support = _core._precision_recall_fscore(
        t, p, n_classes, "none" if average is None else average, pos_index, float(beta), w,
        _zero_division_value(zero_division),
    )
    if average is None:
        if w is None:
            support = support.astype(np.int64)
        return precision, recall, fscore, support
    return float(precision[0]), float(recall[0]), float(fscore[0]), None


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight,
                                           zero_division=zero_division)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight,
                                           zero_division=zero_division)[1]


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(y_true, y_pred, beta=beta, labels=labels,
                                           pos_label=pos_label, average=average,
                                           sample_weight=sample_weight,
                                           zero_division=zero_division)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division="warn"):
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight, zero_division=zero_division)
