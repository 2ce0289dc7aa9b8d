"""Python estimators by the estimator name their model documents hold, so an ensemble's
members (and any saved model) come back as the right scikit-learn class. A new detector
registers with one line in DETECTORS."""

from __future__ import annotations

import json

from . import _core
from . import statistical
from ._estimator import estimator_from_core
from .isolation_forest import IsolationForest
from .one_class_svm import OneClassSVM


def _engine(cls, core_type):
    return lambda data: estimator_from_core(cls, core_type.from_bytes(data))


def _statistical(cls):
    return lambda data: cls._from_core(cls._core_type.from_bytes(data))


def _ensemble(data: bytes):
    from .ensemble import Ensemble

    return Ensemble._from_core(_core.Ensemble.from_bytes(data))


DETECTORS = {
    "IsolationForest": _engine(IsolationForest, _core.IsolationForest),
    "OneClassSVM": _engine(OneClassSVM, _core.OneClassSVM),
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
