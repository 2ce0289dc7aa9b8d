"""Rolling windows on threads (n_jobs): whole columns go to the threads when there are enough
of them; otherwise a column's rows are cut at the fixed restart rows
where the running sums start afresh (C++ detail::restarts_at, every 262,144th row), so any
thread count gives the one-thread answer bit for bit, and both agree with pandas."""

from __future__ import annotations

import numpy as np
import oddkit
import pandas as pd
import pytest

N = 600_000  # more than two restart periods: two runs for n_jobs=2


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(7)
    steps = rng.integers(0, 4, N) * 1_000_000_000  # 0-3 s apart: duplicates and gaps
    idx = pd.DatetimeIndex(np.cumsum(steps) + 1_700_000_000_000_000_000)
    x = rng.normal(size=N) * np.where(np.arange(N) % 40 < 20, 1.0, 1e4)
    x[rng.random(N) < 0.05] = np.nan
    x[rng.random(N) < 0.001] = np.inf
    return pd.DataFrame({"x": x, "y": rng.normal(size=N)}, index=idx)


@pytest.mark.parametrize("how", ["mean", "sum", "var", "std", "max", "median", "count"])
@pytest.mark.parametrize("window", ["2min", 25])
def test_rolling_two_threads_equal_one_thread_and_pandas(frame, how, window):
    f = oddkit.Frame.from_pandas(frame)
    one = getattr(f.rolling(window), how)().to_pandas()
    two = getattr(f.rolling(window, n_jobs=2), how)().to_pandas()
    every = getattr(oddkit.rolling(frame, window, n_jobs=-1), how)()
    np.testing.assert_array_equal(one.to_numpy().view(np.int64), two.to_numpy().view(np.int64))
    np.testing.assert_array_equal(one.to_numpy().view(np.int64), every.to_numpy().view(np.int64))
    expected = getattr(frame.rolling(window), how)()
    assert list(one.columns) == list(expected.columns) and one.index.equals(expected.index)
    np.testing.assert_allclose(one.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9)


def test_rolling_n_jobs_bad_values_name_the_argument(frame):
    with pytest.raises(ValueError, match="n_jobs"):
        oddkit.rolling(frame.iloc[:10], "1min", n_jobs=0).mean()


@pytest.mark.parametrize("how", ["mean", "std", "min", "median"])
def test_rolling_columns_split_over_threads(how):
    # fewer rows than a restart period but several columns: whole columns go to the threads
    rng = np.random.default_rng(3)
    idx = pd.DatetimeIndex(np.cumsum(rng.integers(1, 5, 50_000)) * 1_000_000_000)
    df = pd.DataFrame(rng.normal(size=(50_000, 5)), index=idx, columns=list("abcde"))
    df.iloc[::97, 2] = np.nan
    f = oddkit.Frame.from_pandas(df)
    one = getattr(f.rolling("90s"), how)().to_pandas()
    two = getattr(f.rolling("90s", n_jobs=2), how)().to_pandas()
    assert list(two.columns) == list("abcde")
    np.testing.assert_array_equal(one.to_numpy().view(np.int64), two.to_numpy().view(np.int64))
    np.testing.assert_allclose(two.to_numpy(), getattr(df.rolling("90s"), how)().to_numpy(), rtol=1e-9, atol=1e-12)
