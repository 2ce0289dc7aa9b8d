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
from .isolation_forest import IsolationForest
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

__version__ = _core.__version__

__all__ = [
    "FormatError",
    "IsolationForest",
    "__version__",
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
]
