"""oddkit: sensor time series and anomaly detection on a C++20 engine.

The estimators are scikit-learn estimators over the compiled module ``oddkit._core``.
"""

try:
    from . import _core
except ImportError as error:  # pragma: no cover - only without a built extension
    raise ImportError(
        "oddkit's compiled module oddkit._core is missing or failed to load "
        f"({error}). Install the package with `pip install .` from the source tree "
        "so that the extension is built."
    ) from error

from ._core import FormatError

# Detectors
from .isolation_forest import IsolationForest
from .one_class_svm import OneClassSVM
from .statistical import (
    CUSUMDetector,
    EWMADetector,
    GeneralizedESD,
    IQRDetector,
    MahalanobisDetector,
    RobustZScoreDetector,
    SeasonalDetector,
    ZScoreDetector,
)
from .ensemble import Ensemble
from ._registry import load_detector

# Supervised learning, metrics, model selection and plots
from . import metrics, model_selection, plot
from .inspection import permutation_importance
from .model_selection import TimeSeriesSplit
from .random_forest import RandomForestClassifier, RandomForestRegressor

# Streaming
from . import stream
from .pipeline import Pipeline
from .stream import EWMAZScore, HalfSpaceTrees, QuantileBand, RandomCutForest, RunningZScore

# Time series: containers, readers, resampling, joins and gaps
from .series import (
    Frame,
    Resampler,
    Series,
    align,
    bfill,
    deduplicate,
    dropna,
    ffill,
    interpolate,
    join,
    merge_asof,
    read_csv,
    read_json,
    resample,
)

# Time series: windows, transforms and analysis
from .analysis import (
    acf,
    adfuller,
    ccf,
    corr,
    cross_correlation,
    describe,
    diff,
    ewm,
    pct_change,
    rolling,
    seasonal_decompose,
    shift,
)

# Features
from .features import FeatureBuilder, MinMaxScaler, RobustScaler, StandardScaler

__version__ = _core.__version__

__all__ = [
    "FormatError",
    "__version__",
    # detectors
    "IsolationForest",
    "OneClassSVM",
    "ZScoreDetector",
    "RobustZScoreDetector",
    "IQRDetector",
    "GeneralizedESD",
    "EWMADetector",
    "CUSUMDetector",
    "SeasonalDetector",
    "MahalanobisDetector",
    "Ensemble",
    "load_detector",
    # learning
    "RandomForestClassifier",
    "RandomForestRegressor",
    "TimeSeriesSplit",
    "metrics",
    "model_selection",
    "permutation_importance",
    "plot",
    # streaming
    "stream",
    "Pipeline",
    "EWMAZScore",
    "HalfSpaceTrees",
    "QuantileBand",
    "RandomCutForest",
    "RunningZScore",
    # time series
    "Frame",
    "Resampler",
    "Series",
    "align",
    "bfill",
    "deduplicate",
    "dropna",
    "ffill",
    "interpolate",
    "join",
    "merge_asof",
    "read_csv",
    "read_json",
    "resample",
    "acf",
    "adfuller",
    "ccf",
    "corr",
    "cross_correlation",
    "describe",
    "diff",
    "ewm",
    "pct_change",
    "rolling",
    "seasonal_decompose",
    "shift",
    # features
    "FeatureBuilder",
    "MinMaxScaler",
    "RobustScaler",
    "StandardScaler",
]
