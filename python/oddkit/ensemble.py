"""oddkit.Ensemble: several oddkit detectors scored together (see docs/ensemble.md)."""

from __future__ import annotations

import json
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils._param_validation import Interval, StrOptions

from . import _core
from ._detector import DetectorMixin
from ._estimator import check_load_path, fit_input


class Ensemble(DetectorMixin, OutlierMixin, BaseEstimator):
    """An ensemble of oddkit detectors.

    ``fit`` clones and fits every detector on X, then fits each member's score normalization
    on its training scores, the combination and the threshold; scoring runs in C++.

    Parameters
    ----------
    detectors : list of oddkit estimators
        IsolationForest, the statistical detectors, or other Ensembles; all see the same X.
    normalization : {"rank", "zscore", "minmax", "unify"}, default="rank"
        How each member's anomaly_score is made comparable: the empirical CDF of its training
        scores, a z-score, min-max, or the Gaussian scaling of Kriegel et al. (2011).
    combination : {"mean", "max", "weighted_mean", "average_of_maximum", "maximum_of_average",
        "majority_vote"}, default="mean"
    weights : array-like of shape (n_detectors,) or None, default=None
        Required by (and only used with) "weighted_mean".
    n_buckets : int, default=2
        Buckets of the two bucketed combinations (member i goes to bucket i % n_buckets).
    contamination : "auto" or float in (0, 0.5], default="auto"
        A float puts ``offset_`` at that quantile of the training scores; "auto" flags what a
        majority of members flags ("majority_vote") or as many training rows as the members
        flag on average.

    Attributes
    ----------
    detectors_ : list of fitted estimators
    offset_ : float
    n_features_in_ : int
    """

    _parameter_constraints = {
        "detectors": [list, tuple],
        "normalization": [StrOptions({"rank", "zscore", "minmax", "unify"})],
        "combination": [
            StrOptions(
                {"mean", "max", "weighted_mean", "average_of_maximum", "maximum_of_average", "majority_vote"}
            )
        ],
        "weights": ["array-like", None],
        "n_buckets": [Interval(Integral, 1, None, closed="left")],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
    }

    def __init__(
        self,
        detectors,
        *,
        normalization="rank",
        combination="mean",
        weights=None,
        n_buckets=2,
        contamination="auto",
    ):
        self.detectors = detectors
        self.normalization = normalization
        self.combination = combination
        self.weights = weights
        self.n_buckets = n_buckets
        self.contamination = contamination

    def _core_kwargs(self):
        weights = [] if self.weights is None else [float(w) for w in np.asarray(self.weights, dtype=float).ravel()]
        contamination = self.contamination if isinstance(self.contamination, str) else float(self.contamination)
        return dict(
            normalization=self.normalization,
            combination=self.combination,
            weights=weights,
            n_buckets=int(self.n_buckets),
            contamination=contamination,
        )

    def fit(self, X, y=None):
        """Fits every detector (a clone of each) on X, then the normalization and threshold."""
        self._validate_params()
        if len(self.detectors) == 0:
            raise ValueError("detectors: an ensemble needs at least one detector")
        for i, detector in enumerate(self.detectors):
            if not hasattr(detector, "fit") or not hasattr(detector, "anomaly_score"):
                raise ValueError(f"detectors: item {i} ({type(detector).__name__}) is not an oddkit detector")
        X = fit_input(self, X)
        fitted = [clone(d).fit(X) for d in self.detectors]
        documents = []
        for i, member in enumerate(fitted):
            if not hasattr(member, "_core"):
                raise ValueError(f"detectors: item {i} ({type(member).__name__}) is not an oddkit detector")
            documents.append(member._core.to_bytes())
        core = _core.Ensemble(documents, **self._core_kwargs())
        core.calibrate(X)
        self._core = core
        self.detectors_ = fitted
        self.offset_ = core.offset
        self.n_features_in_ = core.n_features_in
        return self

    def anomaly_score(self, X):
        """The combined normalized score: higher is more anomalous."""
        return self._core_call("anomaly_score", X)

    def predict_proba(self, X):
        """(n_samples, 2): probabilities of [inlier, outlier] (Gaussian 'unify' scaling of the
        combined score against its training distribution)."""
        return self._core_call("predict_proba", X)

    def member_scores(self, X):
        """(n_samples, n_detectors): each member's raw anomaly_score."""
        return self._core_call("member_scores", X)

    def normalized_scores(self, X):
        """(n_samples, n_detectors): each member's normalized score (votes for majority_vote)."""
        return self._core_call("normalized_scores", X)

    def contributions(self, X, *, flagged_only=False):
        """Each member's share (rows summing to 1) of each sample's anomaly. With
        flagged_only=True, returns (indices of the samples predict flags, their rows)."""
        shares = self._core_call("contributions", X)
        if not flagged_only:
            return shares
        flagged = np.flatnonzero(self.predict(X) == -1)
        return flagged, shares[flagged]

    @classmethod
    def load(cls, path):
        return cls._from_core(_core.Ensemble.load(check_load_path(path)))

    @classmethod
    def _from_core(cls, core):
        from ._registry import detector_from_bytes

        params = json.loads(core.params_json())
        members = [detector_from_bytes(b) for b in core.member_documents()]
        estimator = cls(
            detectors=[clone(m) for m in members],
            normalization=params["normalization"],
            combination=params["combination"],
            weights=params["weights"] or None,
            n_buckets=params["n_buckets"],
            contamination=params["contamination"],
        )
        estimator._core = core
        estimator.detectors_ = members
        estimator.offset_ = core.offset
        estimator.n_features_in_ = core.n_features_in
        return estimator
