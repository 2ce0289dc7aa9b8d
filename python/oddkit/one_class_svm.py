"""oddkit.OneClassSVM: a scikit-learn outlier detector over oddkit's C++ one-class SVM."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils._param_validation import Interval, Options, StrOptions

from . import _core
from ._detector import DetectorMixin
from ._estimator import (
    check_load_path,
    estimator_from_core,
    fit_input,
    n_jobs_from,
    seed_from,
)


class OneClassSVM(DetectorMixin, OutlierMixin, BaseEstimator):
    """One-Class SVM (Schölkopf et al. 2001) with scikit-learn's parameters and signs.

    ``method="exact"`` solves the libsvm dual (0 <= alpha_i <= 1, sum alpha = nu * n) by SMO
    with second-order working-set selection, shrinking and a kernel-row cache, and agrees with
    ``sklearn.svm.OneClassSVM`` to within ``tol``. ``method="nystroem"`` maps the data to
    ``n_components`` Nyström features and solves the linear one-class problem there, in time
    linear in n_samples (see docs/one_class_svm.md).

    ``score_samples(X) = sum_t dual_coef_[0, t] k(X, support_vectors_[t])`` (lower is more
    abnormal), ``decision_function = score_samples - offset_`` (negative for outliers),
    ``predict`` gives -1 for outliers and +1 for inliers, and
    ``anomaly_score = -decision_function`` (higher is more anomalous).

    Parameters
    ----------
    kernel : {"rbf", "linear", "poly", "sigmoid"}, default="rbf"
    degree : int >= 0, default=3
        Degree of the poly kernel.
    gamma : "scale", "auto" or float > 0, default="scale"
        "scale" is 1 / (n_features * X.var()), "auto" is 1 / n_features.
    coef0 : float, default=0.0
        Independent term of the poly and sigmoid kernels.
    tol : float > 0, default=1e-3
        Stopping tolerance (maximal KKT violation; relative duality gap for "nystroem").
    nu : float in (0, 1], default=0.5
        Upper bound on the fraction of training errors, lower bound on the fraction of
        support vectors.
    shrinking : bool, default=True
    cache_size : float > 0, default=200
        Kernel-row cache in MB.
    max_iter : int, default=-1
        Solver iterations; -1 is no limit (1000 Frank-Wolfe steps for "nystroem").
    method : {"exact", "nystroem"}, default="exact"
    n_components : int >= 1, default=300
        Landmark rows of the Nyström method.
    n_jobs : int or None, default=None
        Threads for scoring, gradient initialisation and the Nyström passes; None is 1, -1 is
        all cores. Results do not depend on it.
    random_state : int, RandomState or None, default=None
        Seeds the Nyström landmark draw (the exact method is deterministic).

    Attributes
    ----------
    support_vectors_, support_, dual_coef_, intercept_, offset_, n_support_, n_iter_,
    fit_status_, shape_fit_, n_features_in_, feature_names_in_ : as scikit-learn's. For the
    Nyström method support_vectors_ are the landmarks and dual_coef_ their coefficients.
    """

    _parameter_constraints = {
        "kernel": [StrOptions({"linear", "poly", "rbf", "sigmoid"})],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [StrOptions({"scale", "auto"}), Interval(Real, 0.0, None, closed="neither")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "nu": [Interval(Real, 0.0, 1.0, closed="right")],
        "shrinking": ["boolean"],
        "cache_size": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Options(Integral, {-1}), Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"exact", "nystroem"})],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        tol=1e-3,
        nu=0.5,
        shrinking=True,
        cache_size=200,
        max_iter=-1,
        method="exact",
        n_components=300,
        n_jobs=None,
        random_state=None,
    ):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.nu = nu
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.method = method
        self.n_components = n_components
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _make_core(self):
        gamma = self.gamma if isinstance(self.gamma, str) else float(self.gamma)
        return _core.OneClassSVM(
            kernel=str(self.kernel),
            nu=float(self.nu),
            gamma=gamma,
            degree=int(self.degree),
            coef0=float(self.coef0),
            tol=float(self.tol),
            shrinking=bool(self.shrinking),
            cache_size=float(self.cache_size),
            max_iter=int(self.max_iter),
            method=str(self.method),
            n_components=int(self.n_components),
            n_jobs=n_jobs_from(self.n_jobs),
            random_state=seed_from(self.random_state),
        )

    def fit(self, X, y=None):
        """Fits the model on X (n_samples, n_features). y is ignored."""
        self._validate_params()
        X = fit_input(self, X)
        core = self._make_core()
        if hasattr(self, "feature_names_in_"):
            core.feature_names = [str(name) for name in self.feature_names_in_]
        core.fit(X)
        self._set_fitted(core, X.shape[0])
        return self

    def _set_fitted(self, core, n_rows=None):
        self._core = core
        self.offset_ = core.offset
        self.intercept_ = np.array([-core.offset])
        self.support_ = core.support
        self.support_vectors_ = core.support_vectors
        self.dual_coef_ = core.dual_coef
        self.n_support_ = np.array([self.support_.shape[0]], dtype=np.int32)
        self.n_iter_ = np.array([core.n_iter], dtype=np.int32)
        self.fit_status_ = 0 if core.converged else 1
        self.n_features_in_ = core.n_features_in
        self._gamma = core.gamma
        if n_rows is not None:
            self.shape_fit_ = (n_rows, core.n_features_in)

    def score_samples(self, X):
        """The un-shifted kernel expansion sum_t dual_coef_ k(x, v_t): lower is more abnormal."""
        return self._core_call("score_samples", X)

    def anomaly_score(self, X):
        """-decision_function(X) = offset_ - score_samples(X): higher is more anomalous,
        positive for points predicted as outliers."""
        return self._core_call("anomaly_score", X)

    # Model files (save: DetectorMixin) ------------------------------------------------------

    @classmethod
    def load(cls, path):
        """Reads a model saved from Python or C++."""
        return estimator_from_core(cls, _core.OneClassSVM.load(check_load_path(path)))
