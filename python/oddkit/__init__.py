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
from . import metrics, model_selection, plot
from .model_selection import TimeSeriesSplit
from .random_forest import RandomForestClassifier, RandomForestRegressor
from .inspection import permutation_importance

__version__ = _core.__version__

__all__ = ["FormatError", "IsolationForest", "__version__"]
__all__ += ["TimeSeriesSplit", "metrics", "model_selection"]
__all__ += ["RandomForestClassifier", "RandomForestRegressor", "permutation_importance", "plot"]
