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
from . import stream
from .pipeline import Pipeline
from .stream import EWMAZScore, HalfSpaceTrees, QuantileBand, RandomCutForest, RunningZScore

__version__ = _core.__version__

__all__ = [
    "EWMAZScore",
    "FormatError",
    "HalfSpaceTrees",
    "IsolationForest",
    "Pipeline",
    "QuantileBand",
    "RandomCutForest",
    "RunningZScore",
    "__version__",
    "stream",
]
