"""frame.rolling / frame.ewm / shift / diff / pct_change as methods of oddkit.Frame and
oddkit.Series: hypothesis against pandas on the same data (uneven spacing, duplicates, gaps,
NaN, an int64 column), the kind that comes back, and bad input."""

from __future__ import annotations

import numpy as np
import oddkit
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RTOL, ATOL = 1e-9, 1e-9
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATS = ["mean", "sum", "std", "var", "min", "max", "median", "count"]


@st.composite
def frames(draw, max_rows=40):
    n = draw(st.integers(0, max_rows))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    a = rng.normal(scale=draw(st.sampled_from([1.0, 1e3])), size=n)
    a[rng.random(n) < draw(st.sampled_from([0.0, 0.2, 0.6]))] = np.nan
    if draw(st.booleans()):
        a = np.round(a)  # ties and constant runs
    steps = rng.choice([0, 1, 1, 2, 5, 30, 61], size=n) * 60_000_000_000  # duplicates and gaps
    index = pd.DatetimeIndex((np.cumsum(steps) + 1_700_000_000_000_000_000).view("datetime64[ns]"), name="t")
    return pd.DataFrame({"a": a, "n": rng.integers(-5, 6, n)}, index=index)


def same(ours, theirs):
    """ours (an oddkit Frame or Series) equals the pandas result to 1e-9."""
    if isinstance(theirs, pd.Series):
        assert isinstance(ours, oddkit.Series)
        pd.testing.assert_series_equal(ours.to_pandas(), theirs, check_dtype=False, check_freq=False,
                                       rtol=RTOL, atol=ATOL)
    else:
        assert isinstance(ours, oddkit.Frame)
        pd.testing.assert_frame_equal(ours.to_pandas(), theirs, check_dtype=False, check_freq=False,
                                      rtol=RTOL, atol=ATOL)


@SETTINGS
@given(df=frames(), window=st.one_of(st.integers(1, 6), st.sampled_from(["1min", "2min", "5min", "1h", "90s"])),
       data=st.data())
def test_frame_rolling_matches_pandas(df, window, data):
    max_mp = window if isinstance(window, int) else 3
    kw = dict(min_periods=data.draw(st.one_of(st.none(), st.integers(0, max_mp))),
              center=data.draw(st.booleans()),
              closed=data.draw(st.sampled_from([None, "right", "both", "left", "neither"])))
    stat = data.draw(st.sampled_from(STATS))
    frame = oddkit.Frame.from_pandas(df)
    same(getattr(frame.rolling(window, **kw), stat)(), getattr(df.rolling(window, **kw), stat)())
    # a Series in gives a Series out
    same(getattr(frame["a"].rolling(window, **kw), stat)(), getattr(df["a"].rolling(window, **kw), stat)())


@SETTINGS
@given(df=frames(), window=st.sampled_from([3, "5min"]), q=st.sampled_from([0.0, 0.1, 0.5, 0.75, 1.0]),
       how=st.sampled_from(["linear", "lower", "higher", "nearest", "midpoint"]))
def test_frame_rolling_quantile_matches_pandas(df, window, q, how):
    frame = oddkit.Frame.from_pandas(df)
    same(frame.rolling(window, min_periods=1).quantile(q, interpolation=how),
         df.rolling(window, min_periods=1).quantile(q, interpolation=how))


@SETTINGS
@given(df=frames(), data=st.data())
def test_frame_ewm_matches_pandas(df, data):
    decay = data.draw(st.sampled_from([{"span": 4}, {"com": 0.5}, {"halflife": 2.5}, {"alpha": 0.3}, {"alpha": 1.0}]))
    kw = dict(adjust=data.draw(st.booleans()), ignore_na=data.draw(st.booleans()),
              min_periods=data.draw(st.integers(0, 3)), **decay)
    stat = data.draw(st.sampled_from(["mean", "std", "var"]))
    frame = oddkit.Frame.from_pandas(df)
    same(getattr(frame.ewm(**kw), stat)(), getattr(df.ewm(**kw), stat)())
    same(getattr(frame["n"].ewm(**kw), stat)(), getattr(df["n"].ewm(**kw), stat)())


@SETTINGS
@given(df=frames(), periods=st.integers(-4, 4), kind=st.sampled_from(["shift", "diff", "pct_change"]))
def test_frame_offsets_match_pandas(df, periods, kind):
    frame = oddkit.Frame.from_pandas(df)
    same(getattr(frame, kind)(periods), getattr(df.astype(float), kind)(periods))
    same(getattr(frame["a"], kind)(periods), getattr(df["a"], kind)(periods))


def test_same_kind_index_and_names():
    idx = pd.date_range("2024-01-01", periods=30, freq="7min", tz="Europe/Paris", name="when")
    df = pd.DataFrame({"x": np.arange(30.0), "flag": np.arange(30) % 2 == 0}, index=idx)
    frame = oddkit.Frame.from_pandas(df)
    out = frame.rolling("1h").mean()
    assert isinstance(out, oddkit.Frame) and out.columns == ["x", "flag"]
    assert np.array_equal(out.times, frame.times)
    pd.testing.assert_frame_equal(out.to_pandas(), df.astype(float).rolling("1h").mean(), check_freq=False)
    # results reach pandas without a copy
    assert np.shares_memory(out.to_pandas()["x"].to_numpy(), out["x"].values)
    got = oddkit.rolling(df["x"], 3).sum()
    assert isinstance(got, pd.Series) and got.name == "x"
    s = frame["x"].ewm(span=5).mean()
    assert isinstance(s, oddkit.Series) and s.name == "x"
    # the module functions take oddkit objects too, and give them back
    assert isinstance(oddkit.rolling(frame, 3).sum(), oddkit.Frame)
    assert isinstance(oddkit.diff(frame["x"]), oddkit.Series)
    assert isinstance(frame.rolling(3).agg("max"), oddkit.Frame)
    # an empty frame stays empty
    empty = oddkit.Frame.from_pandas(df.iloc[:0])
    assert empty.rolling("1h").mean().shape == (0, 2)
    assert oddkit.Frame(idx, {}).rolling(2).sum().shape == (30, 0)


def test_by_hand():
    t = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:01", "2024-01-01 00:03", "2024-01-01 00:04",
                        "2024-01-01 00:10"])
    frame = oddkit.Frame(t, {"x": [1.0, 2.0, np.nan, 4.0, 5.0]})
    np.testing.assert_allclose(frame.rolling("2min").mean()["x"].values, [1, 1.5, np.nan, 4, 5])
    np.testing.assert_allclose(frame.rolling("2min").count()["x"].values, [1, 2, 0, 1, 1])
    np.testing.assert_allclose(frame["x"].shift(1).values, [np.nan, 1, 2, np.nan, 4])


def test_bad_input_names_the_argument():
    idx = pd.date_range("2024-01-01", periods=5, freq="1min")
    frame = oddkit.Frame(idx, {"x": np.arange(5.0)})
    with pytest.raises(ValueError, match="window"):
        frame.rolling(0)
    with pytest.raises(ValueError, match="window"):
        frame["x"].rolling(-3)
    with pytest.raises(ValueError, match="window"):
        frame.rolling("-5min").mean()
    with pytest.raises(ValueError, match="window"):
        frame.rolling("3 fortnights")
    with pytest.raises(ValueError, match="window"):
        frame.rolling(1.5)
    with pytest.raises(ValueError, match="min_periods"):
        frame.rolling(2, min_periods=3).mean()
    with pytest.raises(ValueError, match="min_periods"):
        frame.rolling(2, min_periods=-1).mean()
    with pytest.raises(ValueError, match="closed"):
        frame.rolling("1h", closed="middle").mean()
    with pytest.raises(ValueError, match="func"):
        frame.rolling("1h").agg("mode")
    with pytest.raises(ValueError, match="q"):
        frame.rolling("1h").quantile(1.5)
    with pytest.raises(ValueError, match="ddof"):
        frame.rolling("1h").var(ddof=-1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        frame.ewm(span=2, alpha=0.5)
    with pytest.raises(ValueError, match="alpha"):
        frame["x"].ewm(alpha=0)
    with pytest.raises(ValueError, match="periods"):
        frame.shift(1.5)
    with pytest.raises(ValueError, match="periods"):
        frame["x"].pct_change("1")
    # a time window over data without a time index
    with pytest.raises(ValueError, match="DatetimeIndex"):
        oddkit.rolling(pd.Series([1.0, 2.0]), "1h")
    # validation does not depend on having columns
    with pytest.raises(ValueError, match="closed"):
        oddkit.Frame(idx, {}).rolling(2, closed="middle").sum()
