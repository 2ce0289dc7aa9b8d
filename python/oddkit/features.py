"""Feature building and scaling over oddkit's C++ FeatureBuilder and scalers.

``FeatureBuilder`` declares features once and applies them to a DataFrame with a
DatetimeIndex (or timestamps plus a NumPy matrix); its declaration saves to the same model
document a C++ program loads. The scalers are scikit-learn transformers with
``sklearn.preprocessing``'s definitions; NaN passes through transform.
"""

from __future__ import annotations

import os
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _core
from ._estimator import check_load_path
from .analysis import _times_ns

try:
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

__all__ = ["FeatureBuilder", "StandardScaler", "RobustScaler", "MinMaxScaler"]


class FeatureBuilder:
    """Declared features applied to time-stamped columns.

    >>> fb = FeatureBuilder().calendar().lag("temp", [1, 2]).rolling("temp", "1h", ["mean"])
    >>> features = fb.transform(frame)          # DataFrame with a DatetimeIndex

    Names: hour, day_of_week, is_weekend, month, day_of_year, hour_sin, hour_cos,
    day_of_week_sin, day_of_week_cos, <col>_lag_<k>, <col>_rolling_<window>_<stat>,
    <col>_diff_<k>, <a>_times_<b>, <a>_per_<b>.
    """

    def __init__(self):
        self._core = _core.FeatureBuilder()

    def calendar(self, fields=None):
        self._core.calendar(list(fields) if fields else [])
        return self

    def lag(self, column, periods=1):
        self._core.lag(column, [int(p) for p in np.atleast_1d(periods)])
        return self

    def rolling(self, column, window, stats=("mean",), min_periods=None, closed="right", center=False):
        self._core.rolling(column, str(window), list(stats), min_periods, closed, bool(center))
        return self

    def diff(self, column, periods=1):
        self._core.diff(column, int(periods))
        return self

    def product(self, a, b):
        self._core.product(a, b)
        return self

    def ratio(self, a, b):
        self._core.ratio(a, b)
        return self

    @property
    def feature_names(self) -> list[str]:
        return list(self._core.feature_names)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names, dtype=object)

    def fit(self, X=None, y=None):
        """Nothing to learn; present so the builder can sit in a scikit-learn Pipeline."""
        return self

    def transform(self, X, times=None, columns=None):
        """Features of a DataFrame (DatetimeIndex unless ``times`` is given) as a DataFrame with
        the same index, or of a NumPy matrix with ``times`` and ``columns`` as a NumPy matrix."""
        if pd is not None and isinstance(X, pd.DataFrame):
            if times is None and isinstance(X.index, pd.DatetimeIndex):
                times = X.index
            t = None if times is None else _times_ns(times)
            values = np.ascontiguousarray(X.to_numpy(dtype=np.float64, na_value=np.nan))
            out = self._core.apply(t, [str(c) for c in X.columns], values)
            return pd.DataFrame(out, index=X.index, columns=self.feature_names)
        if columns is None:
            raise ValueError("columns: names of X's columns are needed for a NumPy input")
        values = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        if values.ndim != 2:
            raise ValueError(f"X: expected a 2-D array, got {values.ndim}-D")
        t = None if times is None else _times_ns(times)
        return self._core.apply(t, [str(c) for c in columns], values)

    def fit_transform(self, X, y=None, **kwargs):
        return self.transform(X, **kwargs)

    def to_json(self) -> str:
        return self._core.to_json()

    def save(self, path):
        self._core.save(os.fspath(path))

    @classmethod
    def load(cls, path):
        fb = cls.__new__(cls)
        fb._core = _core.FeatureBuilder.load(check_load_path(path))
        return fb

    def __getstate__(self):
        return {"document": self._core.to_bytes()}

    def __setstate__(self, state):
        self._core = _core.FeatureBuilder.from_bytes(state["document"])

    def __repr__(self):
        return f"FeatureBuilder({self.feature_names})"


class _Scaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Shared fit/transform glue; subclasses name the C++ class and copy its state."""

    _core_class = None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _make_core(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _copy_state(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64, order="C", ensure_all_finite="allow-nan",
                          ensure_min_samples=1)
        core = self._make_core()
        core.fit(X)
        self._core = core
        self.n_samples_seen_ = X.shape[0]
        self._copy_state()
        return self

    def __sklearn_is_fitted__(self):
        return "_core" in self.__dict__

    def _input(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, order="C", ensure_all_finite="allow-nan", reset=False)

    def transform(self, X):
        X = self._input(X)
        return self._core.transform(X)

    def inverse_transform(self, X):
        X = self._input(X)
        return self._core.inverse_transform(X)

    def save(self, path):
        check_is_fitted(self)
        self._core.save(os.fspath(path))

    @classmethod
    def load(cls, path):
        core = cls._core_class.load(check_load_path(path))
        est = cls.__new__(cls)
        est._init_from_core(core)
        return est

    def __getstate__(self):
        state = dict(self.__dict__)
        if "_core" in state:
            state["_core"] = state["_core"].to_bytes()
        return state

    def __setstate__(self, state):
        state = dict(state)
        if "_core" in state:
            state["_core"] = self._core_class.from_bytes(state["_core"])
        self.__dict__.update(state)


class StandardScaler(_Scaler):
    """Standardise columns: (x - mean_) / scale_, as sklearn.preprocessing.StandardScaler."""

    _core_class = _core.StandardScaler
    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"], "copy": ["boolean"]}

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def _make_core(self):
        self._validate_params()
        return _core.StandardScaler(bool(self.with_mean), bool(self.with_std))

    def _copy_state(self):
        self.mean_ = np.asarray(self._core.mean) if (self.with_mean or self.with_std) else None
        self.var_ = np.asarray(self._core.var) if self.with_std else None
        self.scale_ = np.asarray(self._core.scale) if self.with_std else None

    def _init_from_core(self, core):
        self.copy, self.with_mean, self.with_std = True, True, True
        self._core = core
        self.n_features_in_ = len(core.mean)
        self._copy_state()


class RobustScaler(_Scaler):
    """(x - center_) / scale_ with the median and a percentile range, as
    sklearn.preprocessing.RobustScaler (without unit_variance)."""

    _core_class = _core.RobustScaler
    _parameter_constraints = {
        "with_centering": ["boolean"],
        "with_scaling": ["boolean"],
        "quantile_range": [tuple],
        "copy": ["boolean"],
    }

    def __init__(self, *, with_centering=True, with_scaling=True, quantile_range=(25.0, 75.0), copy=True):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy

    def _make_core(self):
        self._validate_params()
        lo, hi = self.quantile_range
        if not 0 <= lo <= hi <= 100:
            raise ValueError(f"quantile_range: invalid quantile range: {self.quantile_range}")
        return _core.RobustScaler(bool(self.with_centering), bool(self.with_scaling), float(lo), float(hi))

    def _copy_state(self):
        self.center_ = np.asarray(self._core.center) if self.with_centering else None
        self.scale_ = np.asarray(self._core.scale) if self.with_scaling else None

    def _init_from_core(self, core):
        self.with_centering, self.with_scaling, self.quantile_range, self.copy = True, True, (25.0, 75.0), True
        self._core = core
        self.n_features_in_ = len(core.center)
        self._copy_state()


class MinMaxScaler(_Scaler):
    """x * scale_ + min_, mapping each column's range onto feature_range, as
    sklearn.preprocessing.MinMaxScaler."""

    _core_class = _core.MinMaxScaler
    _parameter_constraints = {"feature_range": [tuple], "copy": ["boolean"], "clip": ["boolean"]}

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def _make_core(self):
        self._validate_params()
        lo, hi = self.feature_range
        if not lo < hi:
            raise ValueError(
                f"feature_range: minimum of desired feature range must be smaller than maximum. Got {self.feature_range}."
            )
        return _core.MinMaxScaler(float(lo), float(hi), bool(self.clip))

    def _copy_state(self):
        self.data_min_ = np.asarray(self._core.data_min)
        self.data_max_ = np.asarray(self._core.data_max)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = np.asarray(self._core.scale)
        self.min_ = np.asarray(self._core.min)

    def _init_from_core(self, core):
        self.feature_range, self.copy, self.clip = (0, 1), True, False
        self._core = core
        self.n_features_in_ = len(core.scale)
        self._copy_state()
