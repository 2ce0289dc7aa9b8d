"""oddkit.plot: ROC curves, confusion matrices and feature importances as matplotlib figures.

matplotlib is optional (``pip install oddkit[plot]``); it is imported only when a function here
is called. Figures are built with the object API (no pyplot global state), so these functions
are safe in scripts, servers and notebooks alike. Each returns the Figure and, given ``path``,
also writes it (PNG for a .png name).
"""

from __future__ import annotations

import os

import numpy as np

from . import metrics

__all__ = ["plot_confusion_matrix", "plot_feature_importances", "plot_roc_curve"]


def _figure(size):
    try:
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("oddkit.plot needs matplotlib: pip install matplotlib") from error
    return Figure(figsize=size, layout="constrained")


def _save(fig, path, dpi):
    if path is not None:
        fig.savefig(os.fspath(path), dpi=dpi)
    return fig


def plot_roc_curve(y_train, score_train, y_test=None, score_test=None, *, pos_label=None,
                   path=None, title="ROC curve", dpi=100):
    """ROC curves of the training and (optionally) the test set on one axes, with their AUC in
    the legend: a gap between them shows over-fitting."""
    fig = _figure((5, 5))
    ax = fig.add_subplot()
    sets = [("train", y_train, score_train)]
    if y_test is not None:
        sets.append(("test", y_test, score_test))
    for name, y, s in sets:
        fpr, tpr, _ = metrics.roc_curve(y, s, pos_label=pos_label)
        area = float(np.trapezoid(tpr, fpr)) if hasattr(np, "trapezoid") else float(np.trapz(tpr, fpr))
        ax.plot(fpr, tpr, label=f"{name} (AUC = {area:.3f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set(xlabel="False positive rate", ylabel="True positive rate", title=title,
           xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(loc="lower right")
    return _save(fig, path, dpi)


def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, path=None,
                          title="Confusion matrix", dpi=100):
    """A heat map of the confusion matrix, counts (or rates with normalize) in each cell."""
    cm = metrics.confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    if labels is None:
        labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    k = cm.shape[0]
    fig = _figure((1.2 + 0.6 * k, 1.0 + 0.6 * k))
    ax = fig.add_subplot()
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax)
    threshold = cm.max() / 2.0 if cm.size else 0.0
    for i in range(k):
        for j in range(k):
            text = f"{cm[i, j]:.2f}" if normalize else f"{cm[i, j]:g}"
            ax.text(j, i, text, ha="center", va="center",
                    color="white" if cm[i, j] > threshold else "black")
    ax.set(xticks=range(k), yticks=range(k), xticklabels=[str(c) for c in labels],
           yticklabels=[str(c) for c in labels], xlabel="Predicted", ylabel="True", title=title)
    return _save(fig, path, dpi)


def plot_feature_importances(importances, feature_names=None, *, std=None, top=None, path=None,
                             title="Feature importances", dpi=100):
    """Horizontal bars of importances (e.g. ``feature_importances_`` or
    ``permutation_importance(...).importances_mean`` with its std), largest on top."""
    values = np.asarray(importances, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("importances: empty")
    names = [f"x{j}" for j in range(values.size)] if feature_names is None else [str(n) for n in feature_names]
    if len(names) != values.size:
        raise ValueError(f"feature_names: has {len(names)} names for {values.size} importances")
    order = np.argsort(values)[::-1][: top or values.size][::-1]
    fig = _figure((6, 1.0 + 0.3 * order.size))
    ax = fig.add_subplot()
    err = None if std is None else np.asarray(std, dtype=float).ravel()[order]
    ax.barh(range(order.size), values[order], xerr=err, color="tab:blue")
    ax.set(yticks=range(order.size), yticklabels=[names[j] for j in order], xlabel="importance", title=title)
    return _save(fig, path, dpi)
