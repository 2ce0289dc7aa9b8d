"""oddkit.stream: online anomaly detectors that score sensor readings as they arrive.

Every detector has the same verbs (see docs/streaming.md):

- ``learn_one(x)``: update the state with one reading: a float (one feature), a dict of
  feature name -> value (the first dict fixes the names and their order), or a 1-D array.
- ``score_one(x)``: how anomalous x is given what was learned so far (higher is more
  anomalous); never changes the state; 0.0 before anything was learned.
- ``learn_many(X)`` / ``score_many(X)`` / ``score_learn_many(X)``: the same over the rows of a
  2-D array (a 1-D array is one feature per reading), in order, with the GIL released;
  ``score_learn_many`` scores each row before learning it (score before learn).
- ``save(path)`` / ``load(path)``, ``to_bytes()`` / ``from_bytes(b)`` and pickling go through the
  C++ model document, so a restarted process continues with bit-identical scores.

NaN or infinite values are refused with ValueError naming the feature.
"""

from __future__ import annotations

import os
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, Options, StrOptions, validate_parameter_constraints

from . import _core
from ._estimator import check_load_path, seed_from

__all__ = [
    "EWMAZScore",
    "HalfSpaceTrees",
    "QuantileBand",
    "RandomCutForest",
    "RunningZScore",
]


class _OnlineDetector(BaseEstimator):
    """Shared glue: parameters kept as given, the C++ detector made on first use."""

    _core_class = None

    def _core_kwargs(self) -> dict:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @property
    def _detector(self):
        core = self.__dict__.get("_core")
        if core is None:
            validate_parameter_constraints(self._parameter_constraints, self.get_params(deep=False),
                                           caller_name=type(self).__name__)
            core = self._core_class(**self._core_kwargs())
            self._core = core
        return core

    # Readings -------------------------------------------------------------------------

    def _reading(self, x):
        if isinstance(x, dict):
            return self._dict_reading(x)
        if isinstance(x, (Real, np.floating, np.integer)) and not isinstance(x, bool):
            return float(x)
        array = np.asarray(x, dtype=np.float64)
        if array.ndim != 1:
            raise ValueError(f"x: expected a float, a dict or a 1-D array of features, got a {array.ndim}-D array")
        return array

    def _dict_reading(self, x: dict):
        core = self._detector
        names = core.feature_names
        if not names:
            if core.n_features not in (0, len(x)):
                raise ValueError(f"x: has {len(x)} features, but {type(self).__name__} is expecting {core.n_features} features")
            names = [str(k) for k in x]
            if len(names) != len(set(names)):
                raise ValueError("x: feature names must be unique as strings")
            core.feature_names = names
            return np.fromiter((x[k] for k in x), dtype=np.float64, count=len(x))
        if len(x) != len(names):
            raise ValueError(f"x: has {len(x)} features, expected the keys {names}")
        try:
            return np.fromiter((x[k] for k in names), dtype=np.float64, count=len(names))
        except KeyError as error:
            raise ValueError(f"x: missing feature {error.args[0]!r} (expected the keys {names})") from None

    def _readings(self, X):
        if hasattr(X, "columns") and hasattr(X, "to_numpy"):  # a DataFrame: names from its columns
            names = [str(c) for c in X.columns]
            core = self._detector
            if not core.feature_names and core.n_features in (0, len(names)):
                core.feature_names = names
            elif core.feature_names and list(core.feature_names) != names:
                raise ValueError(f"X: columns {names} differ from the learned features {list(core.feature_names)}")
            X = X.to_numpy(dtype=np.float64)
        array = np.asarray(X, dtype=np.float64)
        if array.ndim not in (1, 2):
            raise ValueError(f"X: expected a 1-D or 2-D array, got {array.ndim}-D")
        return np.ascontiguousarray(array)

    # Verbs ----------------------------------------------------------------------------

    def learn_one(self, x):
        """Updates the state with one reading; returns self."""
        core = self._detector
        named = bool(core.feature_names)
        try:
            core.learn_one(self._reading(x))
        except ValueError:
            if not named and core.n_seen == 0:
                core.feature_names = []  # a refused first dict does not fix the names
            raise
        return self

    def score_one(self, x) -> float:
        """How anomalous x is (higher is more anomalous); the state is unchanged."""
        return self._detector.score_one(self._reading(x))

    def learn_many(self, X):
        """Learns the rows of X in order; returns self."""
        self._detector.learn_many(self._readings(X))
        return self

    def score_many(self, X) -> np.ndarray:
        """Scores every row of X against the current state (learns nothing)."""
        return self._detector.score_many(self._readings(X))

    def score_learn_many(self, X) -> np.ndarray:
        """For each row in order: its score, then learn it (the prequential order)."""
        return self._detector.score_learn_many(self._readings(X))

    # State ------------------------------------------------------------------------------

    @property
    def n_features_in_(self) -> int:
        return self._detector.n_features

    @property
    def n_seen_(self) -> int:
        return self._detector.n_seen

    @property
    def feature_names_in_(self):
        names = self._detector.feature_names
        if not names:
            raise AttributeError("feature_names_in_: no names learned (readings were not dicts or DataFrames)")
        return np.asarray(names, dtype=object)

    def save(self, path):
        """Writes the state to path (.json, .cbor or .msgpack), atomically; C++
        ``oddkit::load_online_detector`` reads the same file."""
        self._detector.save(os.fspath(path))

    def to_bytes(self) -> bytes:
        """The state as a CBOR model document."""
        return self._detector.to_bytes()

    @classmethod
    def _from_core(cls, core):
        if not isinstance(core, cls._core_class):
            raise ValueError(f"model document: holds a {core.name}, expected a {cls.__name__}")
        detector = cls(**cls._params_from_core(core.params))
        detector._core = core
        return detector

    @classmethod
    def load(cls, path):
        """Reads a state saved from Python or C++."""
        return cls._from_core(cls._core_class.load(check_load_path(path)))

    @classmethod
    def from_bytes(cls, data: bytes):
        return cls._from_core(cls._core_class.from_bytes(bytes(data)))

    @classmethod
    def _params_from_core(cls, params: dict) -> dict:
        return dict(params)

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "_core"}
        core = self.__dict__.get("_core")
        state["_core_bytes"] = None if core is None else core.to_bytes()
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop("_core_bytes", None)
        self.__dict__.update(state)
        if data is not None:
            self._core = self._core_class.from_bytes(data)

    def __copy__(self):
        return self.__class__.from_bytes(self.to_bytes()) if "_core" in self.__dict__ else self.__class__(**self.get_params())

    def __deepcopy__(self, memo):
        return self.__copy__()


class RunningZScore(_OnlineDetector):
    """|x - mean| / std of each feature against all history (window=0) or the last
    ``window`` readings; a reading's score is the largest over its features.

    Parameters
    ----------
    window : int, default=0
        0 for all history, otherwise at least 2.
    ddof : {0, 1}, default=1
        1 gives the sample standard deviation (pandas), 0 numpy's default.
    """

    _core_class = _core.RunningZScore
    _parameter_constraints = {
        "window": [Options(Integral, {0}), Interval(Integral, 2, 2**30, closed="both")],
        "ddof": [Interval(Integral, 0, 1, closed="both")],
    }

    def __init__(self, *, window=0, ddof=1):
        self.window = window
        self.ddof = ddof

    def _core_kwargs(self):
        return {"window": int(self.window), "ddof": int(self.ddof)}

    def mean(self, j=0) -> float:
        """The current mean of feature j."""
        return self._detector.mean(int(j))

    def variance(self, j=0) -> float:
        """The current variance of feature j (NaN while undefined)."""
        return self._detector.variance(int(j))


class EWMAZScore(_OnlineDetector):
    """|x - mean| / std against an exponentially weighted mean and variance, with the
    recursions of pandas' ``ewm(adjust=False)``.

    Parameters
    ----------
    alpha : float in (0, 1), optional
    span : float > 1, optional
        Give one of alpha and span (alpha = 2 / (span + 1)); neither means span=30.
    bias : bool, default=False
        False divides the variance by 1 - sum(w^2), pandas' default bias correction.
    """

    _core_class = _core.EWMAZScore
    _parameter_constraints = {
        "alpha": [Interval(Real, 0, 1, closed="neither"), None],
        "span": [Interval(Real, 1, None, closed="neither"), None],
        "bias": ["boolean"],
    }

    def __init__(self, *, alpha=None, span=None, bias=False):
        self.alpha = alpha
        self.span = span
        self.bias = bias

    def _core_kwargs(self):
        alpha, span = self.alpha, self.span
        if alpha is not None and span is not None:
            raise ValueError("alpha: give exactly one of alpha and span")
        if alpha is None and span is None:
            span = 30.0
        return {
            "alpha": None if alpha is None else float(alpha),
            "span": None if span is None else float(span),
            "bias": bool(self.bias),
        }

    @classmethod
    def _params_from_core(cls, params):
        return {"alpha": params["alpha"], "span": params["span"], "bias": params["bias"]}

    def mean(self, j=0) -> float:
        """The current mean of feature j."""
        return self._detector.mean(int(j))

    def variance(self, j=0) -> float:
        """The current variance of feature j (NaN while undefined)."""
        return self._detector.variance(int(j))


class QuantileBand(_OnlineDetector):
    """Distance outside the band [q_low, q_high] of each feature, in units of the band's
    width, with the quantiles estimated online by P-square (Jain and Chlamtac 1985).

    Parameters
    ----------
    low : float in [0, 0.5), default=0.01
        0 drops the lower bound.
    high : float in (0.5, 1], default=0.99
        1 drops the upper bound.
    warm_up : int >= 5, default=30
        Readings learned before any score is non-zero.
    """

    _core_class = _core.QuantileBand
    _parameter_constraints = {
        "low": [Interval(Real, 0, 0.5, closed="left")],
        "high": [Interval(Real, 0.5, 1, closed="right")],
        "warm_up": [Interval(Integral, 5, None, closed="left")],
    }

    def __init__(self, *, low=0.01, high=0.99, warm_up=30):
        self.low = low
        self.high = high
        self.warm_up = warm_up

    def _core_kwargs(self):
        return {"low": float(self.low), "high": float(self.high), "warm_up": int(self.warm_up)}

    def band(self, j=0):
        """(q_low, median, q_high) of feature j; NaN for a dropped bound."""
        return tuple(self._detector.band(int(j)))


class HalfSpaceTrees(_OnlineDetector):
    """Half-Space Trees (Tan, Ting and Liu 2011); scores in [0, 1], 0 until the first window
    is complete.

    Parameters
    ----------
    n_trees : int, default=10
    height : int in [1, 20], default=8
    window_size : int, default=250
    size_limit : float or "auto", default="auto"
        Reference mass below which descent stops; "auto" is 0.1 * window_size.
    limits : dict, list of (min, max) pairs, or None, default=None
        Feature ranges; None learns them from the first window. A dict maps feature names
        to (min, max) and fixes the feature order.
    seed : int, RandomState or None, default=None
    """

    _core_class = _core.HalfSpaceTrees
    _parameter_constraints = {
        "n_trees": [Interval(Integral, 1, 10000, closed="both")],
        "height": [Interval(Integral, 1, 20, closed="both")],
        "window_size": [Interval(Integral, 1, 2**31, closed="both")],
        "size_limit": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "limits": [dict, list, tuple, np.ndarray, None],
        "seed": ["random_state"],
    }

    def __init__(self, *, n_trees=10, height=8, window_size=250, size_limit="auto", limits=None, seed=None):
        self.n_trees = n_trees
        self.height = height
        self.window_size = window_size
        self.size_limit = size_limit
        self.limits = limits
        self.seed = seed

    def _core_kwargs(self):
        flat, self._limit_names = [], None
        if isinstance(self.limits, dict):
            self._limit_names = [str(k) for k in self.limits]
            pairs = list(self.limits.values())
        else:
            pairs = [] if self.limits is None else list(self.limits)
        for pair in pairs:
            lo, hi = (float(v) for v in pair)
            flat += [lo, hi]
        return {
            "n_trees": int(self.n_trees),
            "height": int(self.height),
            "window_size": int(self.window_size),
            "size_limit": -1.0 if self.size_limit == "auto" else float(self.size_limit),
            "limits": flat,
            "seed": seed_from(self.seed),
        }

    @property
    def _detector(self):
        fresh = "_core" not in self.__dict__
        core = super()._detector
        if fresh and getattr(self, "_limit_names", None):
            core.feature_names = self._limit_names
        return core

    @classmethod
    def _params_from_core(cls, params):
        flat = params["limits"]
        limits = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)] or None
        size_limit = "auto" if params["size_limit"] < 0 else params["size_limit"]
        return {
            "n_trees": params["n_trees"],
            "height": params["height"],
            "window_size": params["window_size"],
            "size_limit": size_limit,
            "limits": limits,
            "seed": params["seed"],
        }


class RandomCutForest(_OnlineDetector):
    """Robust Random Cut Forest (Guha et al. 2016) over a sliding window; the score is the
    collusive displacement (CoDisp) a reading would have in the current window, averaged
    over the trees.

    Parameters
    ----------
    n_trees : int, default=100
    window_size : int, default=256
        Points kept (each tree's size).
    shingle_size : int, default=1
        Consecutive readings concatenated into one point.
    seed : int, RandomState or None, default=None
    """

    _core_class = _core.RandomCutForest
    _parameter_constraints = {
        "n_trees": [Interval(Integral, 1, 10000, closed="both")],
        "window_size": [Interval(Integral, 1, 2**24, closed="both")],
        "shingle_size": [Interval(Integral, 1, 4096, closed="both")],
        "seed": ["random_state"],
    }

    def __init__(self, *, n_trees=100, window_size=256, shingle_size=1, seed=None):
        self.n_trees = n_trees
        self.window_size = window_size
        self.shingle_size = shingle_size
        self.seed = seed

    def _core_kwargs(self):
        return {
            "n_trees": int(self.n_trees),
            "window_size": int(self.window_size),
            "shingle_size": int(self.shingle_size),
            "seed": seed_from(self.seed),
        }


# The streaming pipeline lives in its own module; it belongs to this namespace.
from .pipeline import Anomaly, Pipeline  # noqa: E402

__all__ += ["Anomaly", "Pipeline"]
