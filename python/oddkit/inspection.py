"""oddkit.inspection: model-agnostic permutation importance.

The shuffles are oddkit's own (the same row orders as the C++ oddkit::permutation_importance for
the same random_state), so results are reproducible across languages and thread counts.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch

from . import _core
from ._estimator import n_jobs_from, seed_from

__all__ = ["permutation_importance"]


def permutation_importance(estimator, X, y=None, *, scoring=None, n_repeats=5, n_jobs=None,
                           random_state=None, sample_weight=None):
    """The drop in score when each feature is shuffled, as scikit-learn's
    ``sklearn.inspection.permutation_importance``.

    scoring: None (the estimator's ``score``), a scorer name, or a callable
    ``scoring(estimator, X, y) -> float`` (higher is better). For detectors, pass a callable,
    e.g. ``lambda est, X, y: roc_auc_score(y, est.anomaly_score(X))``.
    Returns a Bunch with importances_mean, importances_std (n_features,) and importances
    (n_features, n_repeats).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X: expected a 2-D array, got {X.ndim}-D")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X: empty input of shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X: contains NaN or infinity")
    if int(n_repeats) < 1:
        raise ValueError(f"n_repeats: must be >= 1, got {n_repeats}")
    n_repeats = int(n_repeats)
    if callable(scoring):
        scorer = scoring
    else:
        scorer = check_scoring(estimator, scoring=scoring)

    def score(data):
        if sample_weight is not None:
            return float(scorer(estimator, data, y, sample_weight=sample_weight))
        return float(scorer(estimator, data, y))

    seed = seed_from(random_state)
    baseline = score(X)
    n, d = X.shape

    def feature(j):
        work = X.copy()
        drops = np.empty(n_repeats)
        for r in range(n_repeats):
            order = _core._permutation(n, seed, j * n_repeats + r)
            work[:, j] = X[order, j]
            drops[r] = baseline - score(work)
        return drops

    threads = n_jobs_from(n_jobs)
    if threads == 1:
        rows = [feature(j) for j in range(d)]
    else:
        with ThreadPoolExecutor(max_workers=None if threads < 0 else threads) as pool:
            rows = list(pool.map(feature, range(d)))
    importances = np.vstack(rows)
    return Bunch(importances_mean=importances.mean(axis=1), importances_std=importances.std(axis=1),
                 importances=importances)
