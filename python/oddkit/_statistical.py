"""Shared scikit-learn glue of the statistical detectors: each class only declares its
parameters, their constraints, its compiled counterpart and the fitted attributes it shows."""

from __future__ import annotations

import json
import numbers

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin

from ._detector import DetectorMixin
from ._estimator import check_load_path, fit_input, seed_from


def _core_value(name, value):
    """A parameter as the C++ Params JSON wants it (NumPy scalars made plain)."""
    if name == "random_state":
        return seed_from(value)
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


class StatisticalDetector(DetectorMixin, OutlierMixin, BaseEstimator):
    """Base of the statistical detectors. Signs follow scikit-learn: ``score_samples`` is minus
    ``anomaly_score`` (lower is more abnormal), ``decision_function = score_samples -
    offset_`` (negative for outliers), ``predict`` gives -1 for outliers and +1 for inliers."""

    _core_type = None  # the oddkit._core class
    _state_attributes: dict[str, str] = {}  # document state key -> fitted attribute name

    def _core_params(self):
        return {name: _core_value(name, getattr(self, name)) for name in self._get_param_names()}

    def fit(self, X, y=None):
        """Learns the detector's statistics from X (n_samples, n_features). y is ignored."""
        self._validate_params()
        X = fit_input(self, X)
        core = self._core_type(json.dumps(self._core_params()))
        core.fit(X)
        self._set_fitted(core)
        return self

    def _set_fitted(self, core):
        self._core = core
        self.offset_ = core.offset
        self.n_features_in_ = core.n_features_in
        state = json.loads(core.state_json())
        for key, attribute in self._state_attributes.items():
            setattr(self, attribute, np.asarray(state[key]))

    @classmethod
    def load(cls, path):
        """Reads a model saved from Python or C++."""
        return cls._from_core(cls._core_type.load(check_load_path(path)))

    @classmethod
    def _from_core(cls, core):
        estimator = cls(**json.loads(core.params_json()))
        estimator._set_fitted(core)
        return estimator
