"""Infinite values in resample, rolling and ewm against pandas. Resample sum/mean follow pandas
(+inf in a bin gives inf, +inf with -inf gives NaN). pandas' rolling and ewm treat +-inf as
missing (every aggregation but count, which counts them), and so does oddkit: one infinity
must not spoil the windows after it has left them."""

from __future__ import annotations

import numpy as np
import oddkit
import pandas as pd
import pytest

INF = np.inf


def _series():
    idx = pd.date_range("2024-01-01", periods=12, freq="1min", name="t")
    # 3-minute bins: {1, inf, 2}, {-inf, 4, 5}, {inf, -inf, 1}, {7, nan, 8}
    values = [1.0, INF, 2.0, -INF, 4.0, 5.0, INF, -INF, 1.0, 7.0, np.nan, 8.0]
    return pd.DataFrame({"x": values, "y": np.arange(12.0)}, index=idx)


@pytest.mark.parametrize("how", ["sum", "mean"])
def test_resample_with_infinity_matches_pandas(how):
    df = _series()
    expected = getattr(df.resample("3min"), how)()
    got = getattr(oddkit.resample(df, "3min"), how)()
    pd.testing.assert_frame_equal(got, expected, check_freq=False)
    # by hand: +inf, -inf, NaN (both signs), then finite
    x = got["x"].to_numpy()
    assert x[0] == INF and x[1] == -INF and np.isnan(x[2]) and np.isfinite(x[3])


def test_resample_long_bin_with_infinity_matches_pandas():
    # bins long enough for oddkit's interleaved sums, infinity in different positions
    rng = np.random.default_rng(0)
    idx = pd.date_range("2024-01-01", periods=400, freq="1s", name="t")
    x = rng.normal(size=400)
    x[[5, 70, 71, 200, 333]] = [INF, INF, -INF, -INF, INF]
    df = pd.DataFrame({"x": x}, index=idx)
    for how in ("sum", "mean"):
        expected = getattr(df.resample("1min"), how)()
        got = getattr(oddkit.Frame.from_pandas(df).resample("1min"), how)().to_pandas()
        pd.testing.assert_frame_equal(got, expected, check_freq=False, rtol=1e-9)


ROLLING = ["sum", "mean", "min", "max", "var", "std", "median", "count"]


@pytest.mark.parametrize("how", ROLLING)
@pytest.mark.parametrize("window", ["3min", 3])
def test_rolling_with_infinity_matches_pandas(how, window):
    df = _series()
    expected = getattr(df.rolling(window), how)()
    got = getattr(oddkit.Frame.from_pandas(df).rolling(window), how)().to_pandas()
    pd.testing.assert_frame_equal(got, expected, check_freq=False, rtol=1e-9)


@pytest.mark.parametrize("how", ROLLING)
def test_rolling_min_periods_counts_finite_values_like_pandas(how):
    # min_periods=2 over 2-row windows: a window holding an infinity has one finite value
    s = pd.Series([1.0, INF, 2.0, 3.0, -INF, np.nan, 4.0, 5.0],
                  index=pd.date_range("2024-01-01", periods=8, freq="1min"))
    expected = getattr(s.rolling("2min", min_periods=2), how)()
    got = getattr(oddkit.rolling(s, "2min", min_periods=2), how)()
    pd.testing.assert_series_equal(got, expected, check_freq=False, rtol=1e-9)
    if how == "mean":  # by hand: only [2, 3] and [4, 5] have two finite values
        np.testing.assert_array_equal(got.to_numpy(), [np.nan, np.nan, np.nan, 2.5, np.nan, np.nan, np.nan, 4.5])


def test_rolling_after_an_infinity_leaves_the_window():
    # a long series: the infinity early on must not turn every later window into NaN
    rng = np.random.default_rng(1)
    idx = pd.date_range("2024-01-01", periods=2_000, freq="1s")
    x = rng.normal(size=2_000)
    x[[10, 11, 500]] = [INF, -INF, INF]
    s = pd.Series(x, index=idx)
    for how in ("sum", "mean", "var", "max", "quantile"):
        args = (0.9,) if how == "quantile" else ()
        expected = getattr(s.rolling("1min"), how)(*args)
        got = getattr(oddkit.rolling(s, "1min"), how)(*args)
        pd.testing.assert_series_equal(got, expected, check_freq=False, rtol=1e-9)
        assert np.isfinite(got.to_numpy()[-1])


@pytest.mark.parametrize("how", ["mean", "var", "std"])
@pytest.mark.parametrize("adjust", [True, False])
def test_ewm_with_infinity_matches_pandas(how, adjust):
    df = _series()
    expected = getattr(df.ewm(alpha=0.3, adjust=adjust), how)()
    got = getattr(oddkit.Frame.from_pandas(df).ewm(alpha=0.3, adjust=adjust), how)().to_pandas()
    pd.testing.assert_frame_equal(got, expected, check_freq=False, rtol=1e-9)
