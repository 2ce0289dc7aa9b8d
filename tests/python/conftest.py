import os
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def planted(n=2000, d=6, outliers=40, odd_feature=2, seed=0):
    """Gaussian rows followed by `outliers` rows shifted far out in one feature; labels 1 = anomaly."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + outliers, d))
    X[n:, odd_feature] += 8.0
    y = np.r_[np.zeros(n), np.ones(outliers)]
    return X, y


@pytest.fixture
def planted_data():
    return planted()


def cpp_binary(name):
    """A C++ example program from the CMake build (ODDKIT_CPP_BUILD_DIR, default build/ci).
    Missing is a failure when ODDKIT_REQUIRE_CPP=1 (as in CI), a skip otherwise."""
    build = Path(os.environ.get("ODDKIT_CPP_BUILD_DIR", ROOT / "build" / "ci"))
    path = build / "examples" / "cpp" / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("ODDKIT_REQUIRE_CPP") == "1":
        pytest.fail(f"C++ program {name} not found under {build}")
    pytest.skip(f"C++ program {name} not built (set ODDKIT_CPP_BUILD_DIR)")
