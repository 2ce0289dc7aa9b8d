"""Statistical outlier detectors as scikit-learn estimators over oddkit's C++ engine.

Univariate detectors score each column and combine the columns' scores by ``combine``
("max": the most anomalous column decides; "mean": their average). The sequence detectors
(EWMADetector, CUSUMDetector, SeasonalDetector) read rows as a series in time order. See
docs/statistical_detectors.md for each model's parameters and decisions.
"""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from . import _core
from ._statistical import StatisticalDetector

_CONTAMINATION = [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")]
_COMBINE = [StrOptions({"max", "mean"})]


class ZScoreDetector(StatisticalDetector):
    """|x - mean| / std per column (population std from fit; a constant column uses 1).

    Parameters
    ----------
    contamination : "auto" or float in (0, 0.5], default="auto"
        "auto" flags |z| > 3; a float puts ``offset_`` at that quantile of the training scores.
    combine : {"max", "mean"}, default="max"

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features,)
    offset_ : float
    """

    _core_type = _core.ZScoreDetector
    _state_attributes = {"mean": "mean_", "scale": "scale_"}
    _parameter_constraints = {"contamination": _CONTAMINATION, "combine": _COMBINE}

    def __init__(self, *, contamination="auto", combine="max"):
        self.contamination = contamination
        self.combine = combine


class RobustZScoreDetector(StatisticalDetector):
    """|x - median| / (1.4826 MAD) per column (the modified z-score of Iglewicz and Hoaglin).

    A column with MAD 0 uses the mean absolute deviation times sqrt(pi/2), or 1.
    "auto" contamination flags scores above 3.5. Attributes: ``median_``, ``scale_``.
    """

    _core_type = _core.RobustZScoreDetector
    _state_attributes = {"median": "median_", "scale": "scale_"}
    _parameter_constraints = {"contamination": _CONTAMINATION, "combine": _COMBINE}

    def __init__(self, *, contamination="auto", combine="max"):
        self.contamination = contamination
        self.combine = combine


class IQRDetector(StatisticalDetector):
    """Tukey's fences: per column max(Q1 - x, x - Q3) / IQR; "auto" flags scores above ``k``
    (outside [Q1 - k IQR, Q3 + k IQR]). Attributes: ``q1_``, ``q3_``, ``iqr_``."""

    _core_type = _core.IQRDetector
    _state_attributes = {"q1": "q1_", "q3": "q3_", "iqr": "iqr_"}
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "combine": _COMBINE,
        "k": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, contamination="auto", combine="max", k=1.5):
        self.contamination = contamination
        self.combine = combine
        self.k = k


class GeneralizedESD(StatisticalDetector):
    """Rosner's generalized ESD test run on each training column; new values are scored as
    |x - mean| / s / lambda_{k+1} with the mean and s of the values the test kept, so "auto"
    flags scores above 1. Attributes: ``n_outliers_`` (per column, from the test),
    ``mean_``, ``scale_``, ``critical_value_``."""

    _core_type = _core.GeneralizedESD
    _state_attributes = {
        "n_outliers": "n_outliers_",
        "mean": "mean_",
        "scale": "scale_",
        "critical_value": "critical_value_",
    }
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "combine": _COMBINE,
        "max_anomalies": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(self, *, contamination="auto", combine="max", max_anomalies=10, alpha=0.05):
        self.contamination = contamination
        self.combine = combine
        self.max_anomalies = max_anomalies
        self.alpha = alpha


class EWMADetector(StatisticalDetector):
    """EWMA control chart per column over rows in time order: |z_t - mu| / sigma_t with the
    exact time-varying sigma_t; "auto" flags the chart's L-sigma limits. ``lam`` is the
    chart's lambda (a Python keyword). Attributes: ``mean_``, ``sigma_``."""

    _core_type = _core.EWMADetector
    _state_attributes = {"mean": "mean_", "sigma": "sigma_"}
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "combine": _COMBINE,
        "lam": [Interval(Real, 0, 1, closed="right")],
        "L": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, *, contamination="auto", combine="max", lam=0.2, L=3.0):
        self.contamination = contamination
        self.combine = combine
        self.lam = lam
        self.L = L


class CUSUMDetector(StatisticalDetector):
    """Tabular CUSUM per column over rows in time order: max(C+, C-) in sigma units with
    allowance ``k``; "auto" flags the decision interval ``h``. Attributes: ``mean_``,
    ``sigma_``."""

    _core_type = _core.CUSUMDetector
    _state_attributes = {"mean": "mean_", "sigma": "sigma_"}
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "combine": _COMBINE,
        "k": [Interval(Real, 0, None, closed="left")],
        "h": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, *, contamination="auto", combine="max", k=0.5, h=5.0):
        self.contamination = contamination
        self.combine = combine
        self.k = k
        self.h = h


class SeasonalDetector(StatisticalDetector):
    """Classical additive decomposition by ``period`` (moving-average trend, per-phase
    seasonal means), then the robust z of the residual; fit refuses a series shorter than two
    periods. Rows are in time order, row 0 at phase 0. Attributes: ``seasonal_`` (period x
    n_features), ``residual_median_``, ``residual_scale_``."""

    _core_type = _core.SeasonalDetector
    _state_attributes = {
        "seasonal": "seasonal_",
        "residual_median": "residual_median_",
        "residual_scale": "residual_scale_",
    }
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "combine": _COMBINE,
        "period": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, *, contamination="auto", combine="max", period=24):
        self.contamination = contamination
        self.combine = combine
        self.period = period

    def _set_fitted(self, core):
        super()._set_fitted(core)
        self.seasonal_ = self.seasonal_.reshape(self.period, self.n_features_in_)


class MahalanobisDetector(StatisticalDetector):
    """Squared Mahalanobis distance from the mean and covariance (``robust=False``, as
    sklearn's EmpiricalCovariance) or from the reweighted Minimum Covariance Determinant
    (``robust=True``, as MinCovDet / EllipticEnvelope, by FastMCD). "auto" contamination flags
    distances beyond the chi-square(n_features) 97.5% quantile.
    Attributes: ``location_``, ``covariance_``, ``precision_``, ``support_size_``."""

    _core_type = _core.MahalanobisDetector
    _state_attributes = {
        "location": "location_",
        "covariance": "covariance_",
        "precision": "precision_",
        "support_size": "support_size_",
    }
    _parameter_constraints = {
        "contamination": _CONTAMINATION,
        "robust": ["boolean"],
        "support_fraction": [Interval(Real, 0, 1, closed="right"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, *, contamination="auto", robust=False, support_fraction=None, random_state=None):
        self.contamination = contamination
        self.robust = robust
        self.support_fraction = support_fraction
        self.random_state = random_state

    def _set_fitted(self, core):
        super()._set_fitted(core)
        d = self.n_features_in_
        self.covariance_ = self.covariance_.reshape(d, d)
        self.precision_ = self.precision_.reshape(d, d)
        self.support_size_ = int(self.support_size_)

    def mahalanobis(self, X):
        """Squared Mahalanobis distances (sklearn's ``mahalanobis``)."""
        return self.anomaly_score(X)
