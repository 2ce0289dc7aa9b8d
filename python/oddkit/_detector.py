"""What every oddkit anomaly detector does the same way in Python: scoring through the C++
engine, scikit-learn's outlier conventions on top of it, and saving the engine's document."""

from __future__ import annotations

import os

import numpy as np

from ._estimator import predict_input, require_fitted


class DetectorMixin:
    """Put before OutlierMixin. A subclass's fit sets ``self._core`` (the engine) and
    ``self.offset_``; scores come from the engine, so Python and C++ give the same numbers."""

    def _core_call(self, method, X):
        X = predict_input(self, X)  # NotFittedError first
        return getattr(self._core, method)(X)

    def __sklearn_is_fitted__(self):
        return "_core" in self.__dict__

    def score_samples(self, X):
        """Minus the anomaly score: lower is more abnormal (scikit-learn's convention)."""
        return self._core_call("score_samples", X)

    def anomaly_score(self, X):
        """Higher is more anomalous (see the class documentation for its unit)."""
        return self._core_call("anomaly_score", X)

    def decision_function(self, X):
        """score_samples(X) - offset_: negative for outliers."""
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """-1 for outliers, +1 for inliers."""
        decision = self.decision_function(X)
        labels = np.ones(decision.shape[0], dtype=int)
        labels[decision < 0] = -1
        return labels

    def save(self, path):
        """Writes the fitted model to path (.json, .cbor or .msgpack) atomically; C++ reads the
        same file (``oddkit::<Class>::load`` or ``oddkit::load_detector``)."""
        require_fitted(self)  # NotFittedError before touching the file
        self._core.save(os.fspath(path))
