"""oddkit.RandomForestClassifier / RandomForestRegressor: scikit-learn estimators over oddkit's
C++ forests (histogram split finding, flat trees, bit-identical results for any n_jobs)."""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

from . import _core
from ._estimator import (
    check_load_path,
    count_or_fraction,
    n_jobs_from,
    predict_input,
    require_fitted,
    seed_from,
)

__all__ = ["RandomForestClassifier", "RandomForestRegressor"]

_COMMON_CONSTRAINTS = {
    "n_estimators": [Interval(Integral, 1, None, closed="left")],
    "max_depth": [Interval(Integral, 1, None, closed="left"), None],
    "min_samples_split": [
        Interval(Integral, 2, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="right"),
    ],
    "min_samples_leaf": [
        Interval(Integral, 1, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="neither"),
    ],
    "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
    "max_features": [
        Interval(Integral, 1, None, closed="left"),
        Interval(Real, 0.0, 1.0, closed="right"),
        StrOptions({"sqrt", "log2"}),
        None,
    ],
    "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
    "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
    "bootstrap": ["boolean"],
    "oob_score": ["boolean"],
    "max_samples": [None, Interval(Integral, 1, None, closed="left"), Interval(Real, 0.0, 1.0, closed="right")],
    "max_bins": [Interval(Integral, 2, 256, closed="both")],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
}


class _Forest(BaseEstimator):
    _core_class = None

    def _core_kwargs(self):
        return dict(
            n_estimators=int(self.n_estimators),
            criterion=self.criterion,
            max_depth=None if self.max_depth is None else int(self.max_depth),
            min_samples_split=count_or_fraction(self.min_samples_split),
            min_samples_leaf=count_or_fraction(self.min_samples_leaf),
            min_weight_fraction_leaf=float(self.min_weight_fraction_leaf),
            max_features=count_or_fraction(self.max_features),
            max_leaf_nodes=None if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
            min_impurity_decrease=float(self.min_impurity_decrease),
            bootstrap=bool(self.bootstrap),
            oob_score=bool(self.oob_score),
            max_samples=count_or_fraction(self.max_samples),
            max_bins=int(self.max_bins),
            n_jobs=n_jobs_from(self.n_jobs),
            random_state=seed_from(self.random_state),
        )

    def _check_params(self):
        self._validate_params()
        if self.oob_score and not self.bootstrap:
            raise ValueError("oob_score: out-of-bag estimation is only available if bootstrap=True")
        if self.max_samples is not None and not self.bootstrap:
            raise ValueError("max_samples: must be None when bootstrap=False; all rows are used")

    def _fit_core(self, core, X, y, sample_weight):
        if hasattr(self, "feature_names_in_"):
            core.feature_names = [str(name) for name in self.feature_names_in_]
        core.fit(X, y, sample_weight)
        return core

    def _set_common(self, core):
        self._core = core
        self.n_features_in_ = core.n_features_in
        self.feature_importances_ = core.feature_importances
        if core.oob_score is not None:
            self.oob_score_ = core.oob_score
        self.n_outputs_ = 1

    @property
    def estimators_(self):
        """oddkit keeps the trees in one flat array; there are no per-tree objects."""
        raise AttributeError("oddkit forests store their trees in flat arrays; estimators_ is not available")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags

    def _weights(self, X, sample_weight):
        if sample_weight is None:
            return None
        return np.ascontiguousarray(_check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True))

    def save(self, path):
        """Writes the fitted model to path (.json, .cbor or .msgpack), atomically; the C++
        ``oddkit::<Class>::load`` reads the same file."""
        require_fitted(self)  # before touching the file
        self._core.save(os.fspath(path))

    @classmethod
    def load(cls, path):
        """Reads a model saved from Python or C++."""
        core = getattr(_core, cls.__name__).load(check_load_path(path))
        p = core.params
        kwargs = dict(
            n_estimators=p["n_estimators"], max_depth=p["max_depth"],
            min_samples_split=p["min_samples_split"], min_samples_leaf=p["min_samples_leaf"],
            min_weight_fraction_leaf=p["min_weight_fraction_leaf"],
            max_leaf_nodes=p["max_leaf_nodes"], min_impurity_decrease=p["min_impurity_decrease"],
            bootstrap=p["bootstrap"], oob_score=p["oob_score"], max_samples=p["max_samples"],
            max_bins=p["max_bins"], n_jobs=None if p["n_jobs"] == 1 else p["n_jobs"],
            random_state=p["random_state"],
        )
        if p["criterion"] is not None:
            kwargs["criterion"] = p["criterion"]
        if p["max_features"] != "default":
            kwargs["max_features"] = p["max_features"]
        estimator = cls(**kwargs)
        estimator._restore(core)
        if core.feature_names:
            estimator.feature_names_in_ = np.asarray(core.feature_names, dtype=object)
        return estimator


class RandomForestClassifier(ClassifierMixin, _Forest):
    """A random forest classifier with scikit-learn's parameters and attributes.

    Parameters follow ``sklearn.ensemble.RandomForestClassifier`` (criterion 'gini', 'entropy'
    or 'log_loss'); ``max_bins`` (2..256) is oddkit's own: features are binned into at most that
    many quantile bins for split finding, and nodes of at most 256 rows split exactly.
    Labels may be of any type; ``classes_`` holds them sorted and ``predict_proba``'s columns
    follow that order. Results do not depend on n_jobs.
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "class_weight": [StrOptions({"balanced", "balanced_subsample"}), dict, None],
    }

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None, min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_features="sqrt",
                 max_leaf_nodes=None, min_impurity_decrease=0.0, bootstrap=True, oob_score=False,
                 n_jobs=None, random_state=None, class_weight=None, max_samples=None, max_bins=256):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.class_weight = class_weight
        self.max_samples = max_samples
        self.max_bins = max_bins

    def fit(self, X, y, sample_weight=None):
        """Grows the forest on X (n_samples, n_features) and labels y."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", ensure_min_samples=1)
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        numeric = classes.dtype.kind in "iuf"
        # Numeric labels go to C++ as they are (the model file then holds them); others as indices.
        y_core = np.ascontiguousarray(y if numeric else encoded, dtype=np.float64)
        core_labels = classes.astype(np.float64) if numeric else np.arange(classes.shape[0], dtype=np.float64)
        kwargs = self._core_kwargs()
        kwargs["class_weight"] = self._class_weight_for_core(classes, core_labels)
        core = _core.RandomForestClassifier(**kwargs)
        self._fit_core(core, X, y_core, self._weights(X, sample_weight))
        if not numeric:
            core.class_names = [str(c) for c in classes]
        self._set_common(core)
        self.classes_ = classes
        self.n_classes_ = classes.shape[0]
        if self.oob_score:
            self._set_oob(core, X.shape[0])
        return self

    def _class_weight_for_core(self, classes, core_labels):
        cw = self.class_weight
        if cw is None or isinstance(cw, str):
            return cw
        known = {c: i for i, c in enumerate(classes.tolist())}
        unknown = [c for c in cw if c not in known]
        if unknown:
            raise ValueError(f"class_weight: names classes {unknown} which are not in y (classes: {classes.tolist()})")
        return [(float(core_labels[known[c]]), float(w)) for c, w in cw.items()]

    def _set_oob(self, core, n):
        if core.oob_incomplete:
            warnings.warn("Some inputs do not have OOB scores. This probably means too few trees were "
                          "used to compute any reliable OOB estimates.", UserWarning, stacklevel=3)
        self.oob_decision_function_ = core.oob_prediction.reshape(n, self.n_classes_)

    def _restore(self, core):
        self._set_common(core)
        if core.class_names:
            self.classes_ = np.asarray(core.class_names, dtype=object)
        else:
            classes = core.classes
            self.classes_ = classes.astype(np.int64) if np.all(classes == np.round(classes)) else classes
        self.n_classes_ = self.classes_.shape[0]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes): the mean of the trees' leaf
        class frequencies."""
        X = predict_input(self, X)
        return self._core.predict_proba(X)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class RandomForestRegressor(RegressorMixin, _Forest):
    """A random forest regressor with scikit-learn's parameters and attributes.

    ``criterion='squared_error'`` (default) splits to minimise the weighted sum of squared
    deviations from the node mean and predicts leaf means. ``criterion='absolute_error'`` splits
    to minimise the weighted sum of absolute deviations from each side's weighted median (weights
    = sample_weight x bootstrap counts), predicts leaf weighted medians, and its
    ``feature_importances_`` are decreases of the mean absolute deviation from the median, as in
    scikit-learn; it costs O(n log n) per node and feature instead of O(n), so it fits several
    times slower than squared_error. See RandomForestClassifier for ``max_bins``."""

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "criterion": [StrOptions({"squared_error", "absolute_error"})],
    }

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0, bootstrap=True,
                 oob_score=False, n_jobs=None, random_state=None, max_samples=None, max_bins=256):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.max_samples = max_samples
        self.max_bins = max_bins

    def fit(self, X, y, sample_weight=None):
        """Grows the forest on X (n_samples, n_features) and targets y."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", ensure_min_samples=1, y_numeric=True)
        y = np.ascontiguousarray(y, dtype=np.float64)
        kwargs = self._core_kwargs()
        kwargs["class_weight"] = None
        core = _core.RandomForestRegressor(**kwargs)
        self._fit_core(core, X, y, self._weights(X, sample_weight))
        self._set_common(core)
        if self.oob_score:
            if core.oob_incomplete:
                warnings.warn("Some inputs do not have OOB scores. This probably means too few trees "
                              "were used to compute any reliable OOB estimates.", UserWarning, stacklevel=2)
            self.oob_prediction_ = core.oob_prediction
        return self

    def _restore(self, core):
        self._set_common(core)

    def predict(self, X):
        """The mean over the trees of their leaf values (leaf means for squared_error, leaf
        weighted medians for absolute_error)."""
        X = predict_input(self, X)
        return self._core.predict(X)
