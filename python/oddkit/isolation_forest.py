"""oddkit.IsolationForest: a scikit-learn outlier detector over oddkit's C++ forest."""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils._param_validation import Interval, StrOptions

from . import _core
from ._detector import DetectorMixin
from ._estimator import (
    check_load_path,
    estimator_from_core,
    count_or_fraction,
    fit_input,
    n_jobs_from,
    seed_from,
)


class IsolationForest(DetectorMixin, OutlierMixin, BaseEstimator):
    """Isolation Forest (Liu, Ting and Zhou 2008), with Extended Isolation Forest splits.

    Parameters, attributes and signs follow ``sklearn.ensemble.IsolationForest``:
    ``score_samples`` is the negated paper score (lower is more abnormal),
    ``decision_function = score_samples - offset_`` (negative for outliers) and ``predict``
    gives -1 for outliers and +1 for inliers. ``anomaly_score`` is the paper's score in
    [0, 1], higher is more anomalous.

    Parameters
    ----------
    n_estimators : int, default=100
    max_samples : "auto", int or float, default="auto"
        Rows drawn for each tree: min(256, n_samples), a count, or a fraction of n_samples.
    contamination : "auto" or float in (0, 0.5], default="auto"
        "auto" sets ``offset_`` to -0.5 as in the paper; a float sets it at that percentile
        of the training scores.
    max_features : int or float, default=1.0
        Features drawn for each tree.
    bootstrap : bool, default=False
    extension_level : int, default=0
        0 gives the classic axis-parallel splits; k > 0 splits on random hyperplanes through
        k + 1 features (Extended Isolation Forest).
    n_jobs : int or None, default=None
        Threads; None is 1, -1 is all cores. Results do not depend on it.
    random_state : int, RandomState or None, default=None
        An int gives the same model as the C++ ``random_state`` of the same value.
    """

    _parameter_constraints = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "max_features": [Interval(Integral, 1, None, closed="left"), Interval(Real, 0, 1, closed="right")],
        "bootstrap": ["boolean"],
        "extension_level": [Interval(Integral, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        n_estimators=100,
        max_samples="auto",
        contamination="auto",
        max_features=1.0,
        bootstrap=False,
        extension_level=0,
        n_jobs=None,
        random_state=None,
    ):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.extension_level = extension_level
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _make_core(self):
        return _core.IsolationForest(
            n_estimators=int(self.n_estimators),
            max_samples=count_or_fraction(self.max_samples),
            contamination=count_or_fraction(self.contamination),
            max_features=count_or_fraction(self.max_features),
            bootstrap=bool(self.bootstrap),
            extension_level=int(self.extension_level),
            n_jobs=n_jobs_from(self.n_jobs),
            random_state=seed_from(self.random_state),
        )

    def fit(self, X, y=None):
        """Grows the forest on X (n_samples, n_features). y is ignored."""
        self._validate_params()
        X = fit_input(self, X)
        core = self._make_core()
        if hasattr(self, "feature_names_in_"):
            core.feature_names = [str(name) for name in self.feature_names_in_]
        core.fit(X)
        self._set_fitted(core)
        return self

    def _set_fitted(self, core):
        self._core = core
        self.offset_ = core.offset
        self.max_samples_ = core.max_samples
        self.n_features_in_ = core.n_features_in

    def score_samples(self, X):
        """The negated anomaly score, in [-1, 0]: lower is more abnormal."""
        return self._core_call("score_samples", X)

    def anomaly_score(self, X):
        """The paper's score 2^(-E[h(x)] / c(max_samples)) in [0, 1]: higher is more anomalous."""
        return self._core_call("anomaly_score", X)

    def feature_attributions(self, X):
        """Per-sample feature attributions, shape (n_samples, n_features), rows summing to 1:
        how much each feature's splits isolated the sample (see docs/isolation_forest.md)."""
        return self._core_call("feature_attributions", X)

    # Model files (save: DetectorMixin) ------------------------------------------------------

    @classmethod
    def load(cls, path):
        """Reads a model saved from Python or C++."""
        return estimator_from_core(cls, _core.IsolationForest.load(check_load_path(path)))
