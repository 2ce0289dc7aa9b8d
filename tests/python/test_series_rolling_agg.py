"""Rolling .agg with a list or a dict of statistics against pandas: oddkit Frames give columns
named (column, stat) (a MultiIndex in to_pandas), as Frame.resample(...).agg does; a Series
gives columns named by stat; pandas objects give pandas' own result."""

from __future__ import annotations

import numpy as np
import oddkit
import pandas as pd
import pytest

FUNCS = [
    ["mean", "max"],
    ("sum", "std", "count"),
    {"a": "mean", "b": ["min", "max"]},
    {"b": "median", "a": "var"},
    {"a": ["sum"]},
]


def _frame(seed=0, n=300):
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2024-01-01").value + np.cumsum(rng.integers(0, 90, n)) * 10**9  # duplicates
    a = rng.normal(size=n)
    a[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {"a": a, "b": rng.normal(size=n), "n": rng.integers(0, 9, n)},
        index=pd.DatetimeIndex(t.view("datetime64[ns]"), name="t"),
    )


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("window, min_periods", [("5min", None), (7, 3), ("2min", 2)])
def test_frame_rolling_agg_matches_pandas(func, window, min_periods):
    df = _frame()
    expected = df.rolling(window, min_periods=min_periods).agg(func)
    frame = oddkit.Frame.from_pandas(df)
    got = frame.rolling(window, min_periods=min_periods).agg(func)
    assert isinstance(got, oddkit.Frame)
    assert got.columns == expected.columns.tolist()
    pd.testing.assert_frame_equal(got.to_pandas(), expected, check_freq=False, rtol=1e-9)
    # the pandas path gives pandas' frame, columns and all
    via_pandas = oddkit.rolling(df, window, min_periods=min_periods).aggregate(func)
    pd.testing.assert_frame_equal(via_pandas, expected, check_freq=False, rtol=1e-9)


def test_frame_rolling_agg_list_names_are_column_stat_pairs():
    df = _frame(1)[["a", "b"]]
    got = oddkit.Frame.from_pandas(df).rolling("10min").agg(["mean", "min"])
    assert got.columns == [("a", "mean"), ("a", "min"), ("b", "mean"), ("b", "min")]
    np.testing.assert_array_equal(got[("b", "min")].values, df["b"].rolling("10min").min().to_numpy())


def test_series_rolling_agg_list_matches_pandas():
    df = _frame(2)
    expected = df["a"].rolling("15min").agg(["mean", "var", "count"])
    got = oddkit.Frame.from_pandas(df)["a"].rolling("15min").agg(["mean", "var", "count"])
    assert isinstance(got, oddkit.Frame) and got.columns == ["mean", "var", "count"]
    pd.testing.assert_frame_equal(got.to_pandas(), expected, check_freq=False, check_names=False, rtol=1e-9)
    pd.testing.assert_frame_equal(
        oddkit.rolling(df["a"], "15min").agg(["mean", "var", "count"]), expected, check_freq=False, rtol=1e-9
    )


def test_rolling_agg_bad_input_names_the_argument():
    frame = oddkit.Frame.from_pandas(_frame(3))
    roll = frame.rolling(4)
    with pytest.raises(ValueError, match="func: unknown rolling statistic 'mode'"):
        roll.agg(["mean", "mode"])
    with pytest.raises(ValueError, match="column: no column named 'z'"):
        roll.agg({"z": "mean"})
    with pytest.raises(ValueError, match="func: at least one"):
        roll.agg([])
    with pytest.raises(ValueError, match="named twice"):
        roll.agg(["mean", "mean"])
    with pytest.raises(ValueError, match="func: expected a str, a list or a dict"):
        roll.agg(3)
    with pytest.raises(ValueError, match="needs a frame"):
        frame["a"].rolling(4).agg({"a": "mean"})
    with pytest.raises(ValueError, match="needs a Frame, Series or pandas"):
        oddkit.rolling(np.arange(10.0), 3).agg(["mean", "max"])
