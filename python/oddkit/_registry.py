"""Python estimators by the estimator name their model documents hold, so an ensemble's
members (and any saved model) come back as the right scikit-learn class. A new detector
registers with one line in DETECTORS."""

from __future__ import annotations

import json

import numpy as np

from . import _core
from . import statistical
from .isolation_forest import IsolationForest


def _isolation_forest(data: bytes):
    # IsolationForest keeps its own loading logic (IsolationForest.load); this mirrors it.
    core = _core.IsolationForest.from_bytes(data)
    params = dict(core.params)
    params["n_jobs"] = None if params["n_jobs"] == 1 else params["n_jobs"]
    estimator = IsolationForest(**params)
    estimator._set_fitted(core)
    if core.feature_names:
        estimator.feature_names_in_ = np.asarray(core.feature_names, dtype=object)
    return estimator


def _statistical(cls):
    return lambda data: cls._from_core(cls._core_type.from_bytes(data))


def _ensemble(data: bytes):
    from .ensemble import Ensemble

    return Ensemble._from_core(_core.Ensemble.from_bytes(data))


DETECTORS = {
    "IsolationForest": _isolation_forest,
    "ZScoreDetector": _statistical(statistical.ZScoreDetector),
    "RobustZScoreDetector": _statistical(statistical.RobustZScoreDetector),
    "IQRDetector": _statistical(statistical.IQRDetector),
    "GeneralizedESD": _statistical(statistical.GeneralizedESD),
    "EWMADetector": _statistical(statistical.EWMADetector),
    "CUSUMDetector": _statistical(statistical.CUSUMDetector),
    "SeasonalDetector": _statistical(statistical.SeasonalDetector),
    "MahalanobisDetector": _statistical(statistical.MahalanobisDetector),
    "Ensemble": _ensemble,
}


def estimator_name(data: bytes) -> str:
    return json.loads(_core.document_to_json(data))["estimator"]


def detector_from_bytes(data: bytes):
    """The fitted Python estimator a model document (any encoding) holds."""
    name = estimator_name(data)
    if name not in DETECTORS:
        raise ValueError(f"model document: unknown estimator '{name}'")
    return DETECTORS[name](data)


def load_detector(path):
    """Any oddkit detector saved from Python or C++, as its scikit-learn class."""
    from ._estimator import check_load_path

    with open(check_load_path(path), "rb") as f:
        return detector_from_bytes(f.read())
