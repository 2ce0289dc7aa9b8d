"""Infinite values in resample and rolling against pandas. Resample sum/mean follow pandas
(+inf in a bin gives inf, +inf with -inf gives NaN). pandas' rolling treats +-inf as missing
(every aggregation but count); oddkit documents that it does not (docs/series.md) and that
replacing inf by NaN first gives pandas' answers, which is checked here."""

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


@pytest.mark.parametrize("how", ["sum", "mean", "min", "max", "var", "median"])
def test_rolling_with_infinity_as_nan_gives_pandas_answers(how):
    df = _series()
    expected = getattr(df.rolling("3min"), how)()
    cleaned = df.where(~np.isinf(df), np.nan)
    got = getattr(oddkit.Frame.from_pandas(cleaned).rolling("3min"), how)().to_pandas()
    pd.testing.assert_frame_equal(got, expected, check_freq=False, rtol=1e-9)
