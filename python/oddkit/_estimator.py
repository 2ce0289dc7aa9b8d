"""Glue shared by every oddkit estimator: input validation with scikit-learn's rules and
messages, a fast path for arrays that need no conversion, random seeds, and model files."""

from __future__ import annotations

import os
import numbers

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data


def seed_from(random_state) -> int:
    """The integer seed oddkit's generator uses: an int is taken as it is (so the same seed
    gives the same model in C++ and Python); None or a RandomState draws one."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state: expected a non-negative integer, got {random_state}")
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def n_jobs_from(n_jobs) -> int:
    """scikit-learn's n_jobs: None means 1."""
    return 1 if n_jobs is None else int(n_jobs)


def count_or_fraction(value):
    """'auto', an int or a float, with NumPy scalars turned into Python ones."""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def fit_input(estimator, X):
    """Validates X for fit (sets n_features_in_ and feature_names_in_)."""
    return validate_data(estimator, X, dtype=np.float64, order="C", ensure_min_samples=1)


def require_fitted(estimator):
    """NotFittedError (scikit-learn's) unless fit has run; cheaper than check_is_fitted."""
    if "_core" not in estimator.__dict__:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )


def _use_current_n_jobs(estimator):
    """Scoring uses the estimator's n_jobs as it is now, as scikit-learn's estimators do: a
    model fitted (or loaded) with one thread predicts with two after set_params(n_jobs=2)."""
    set_n_jobs = getattr(estimator._core, "set_n_jobs", None)
    if set_n_jobs is not None and "n_jobs" in estimator.__dict__:
        set_n_jobs(n_jobs_from(estimator.n_jobs))


def predict_input(estimator, X):
    """Validates X for a scoring call. A C-contiguous float64 2-D ndarray of a model fitted
    without feature names goes straight to C++ (which checks shape and finiteness), keeping a
    single-row call within microseconds; anything else takes scikit-learn's full validation."""
    require_fitted(estimator)
    _use_current_n_jobs(estimator)
    if (
        type(X) is np.ndarray
        and X.dtype == np.float64
        and X.ndim == 2
        and X.shape[0] > 0
        and X.flags.c_contiguous
        and not hasattr(estimator, "feature_names_in_")
    ):
        return X
    return validate_data(estimator, X, dtype=np.float64, order="C", reset=False)


def check_load_path(path) -> str:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"path: no model file at '{path}'")
    return path


def estimator_from_core(cls, core):
    """The scikit-learn estimator `cls` around a fitted engine `core` (from a file or bytes):
    parameters from the engine's document, fitted attributes set as fit sets them."""
    params = dict(core.params)
    if "n_jobs" in params:
        params["n_jobs"] = None if params["n_jobs"] == 1 else params["n_jobs"]
    estimator = cls(**params)
    estimator._set_fitted(core)
    if getattr(core, "feature_names", None):
        estimator.feature_names_in_ = np.asarray(core.feature_names, dtype=object)
    return estimator
