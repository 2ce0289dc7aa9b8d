"""oddkit.rolling / ewm / shift / diff / pct_change against pandas on random inputs with
gaps, NaN and uneven spacing (hypothesis). Same arithmetic as pandas, so 1e-9 relative."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import oddkit

RTOL, ATOL = 1e-9, 1e-9
STATS = ["mean", "sum", "std", "var", "min", "max", "median", "count"]


@st.composite
def series(draw, max_size=40):
    n = draw(st.integers(0, max_size))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    values = rng.normal(scale=draw(st.sampled_from([1.0, 1e3])), size=n)
    values[rng.random(n) < draw(st.sampled_from([0.0, 0.2, 0.6]))] = np.nan
    if draw(st.booleans()):
        values = np.round(values)  # ties and repeated values
    steps = rng.choice([0, 1, 1, 2, 5, 30, 61], size=n) * 60_000_000_000  # duplicates, gaps
    times = pd.to_datetime(np.cumsum(steps) + 1_700_000_000_000_000_000)
    return pd.Series(values, index=pd.DatetimeIndex(times), name="v")


def check(ours, theirs):
    assert type(ours) is type(theirs)
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=RTOL, atol=ATOL)
    if isinstance(theirs, pd.Series):
        assert ours.index.equals(theirs.index) and ours.name == theirs.name


@settings(max_examples=60, deadline=None)
@given(s=series(), window=st.integers(1, 6), data=st.data())
def test_count_windows_match_pandas(s, window, data):
    min_periods = data.draw(st.one_of(st.none(), st.integers(0, window)))
    center = data.draw(st.booleans())
    closed = data.draw(st.sampled_from([None, "right", "both", "left", "neither"]))
    stat = data.draw(st.sampled_from(STATS))
    ours = getattr(oddkit.rolling(s, window, min_periods=min_periods, center=center, closed=closed), stat)()
    theirs = getattr(s.rolling(window, min_periods=min_periods, center=center, closed=closed), stat)()
    check(ours, theirs)


@settings(max_examples=80, deadline=None)
@given(s=series(), window=st.sampled_from(["1min", "2min", "5min", "1h", "90s"]), data=st.data())
def test_time_windows_match_pandas(s, window, data):
    min_periods = data.draw(st.one_of(st.none(), st.integers(0, 3)))
    center = data.draw(st.booleans())
    closed = data.draw(st.sampled_from([None, "right", "both", "left", "neither"]))
    stat = data.draw(st.sampled_from(STATS))
    ours = getattr(oddkit.rolling(s, window, min_periods=min_periods, center=center, closed=closed), stat)()
    theirs = getattr(s.rolling(window, min_periods=min_periods, center=center, closed=closed), stat)()
    check(ours, theirs)


@settings(max_examples=30, deadline=None)
@given(s=series(), q=st.sampled_from([0.0, 0.1, 0.5, 0.75, 1.0]),
       how=st.sampled_from(["linear", "lower", "higher", "nearest", "midpoint"]))
def test_quantile_matches_pandas(s, q, how):
    check(oddkit.rolling(s, "5min").quantile(q, interpolation=how), s.rolling("5min").quantile(q, interpolation=how))


@settings(max_examples=60, deadline=None)
@given(s=series(), data=st.data())
def test_ewm_matches_pandas(s, data):
    decay = data.draw(st.sampled_from([{"span": 3}, {"com": 0.5}, {"halflife": 2.5}, {"alpha": 0.3}, {"alpha": 1.0}]))
    kw = dict(adjust=data.draw(st.booleans()), ignore_na=data.draw(st.booleans()),
              min_periods=data.draw(st.integers(0, 3)), **decay)
    stat = data.draw(st.sampled_from(["mean", "std", "var"]))
    # pandas 3.1 quirk (docs/analysis.md): for alpha exactly 0.5 (span=3), adjust=False and
    # ignore_na=False, its *mean* weighs a value after missing rows as 1 - 0.5^(gap + 1) instead of
    # by its own recursion used for every other alpha and for var/std; oddkit keeps the recursion.
    quirk = decay == {"span": 3} and not kw["adjust"] and not kw["ignore_na"] and stat == "mean"
    assume(not (quirk and s.isna().any()))
    check(getattr(oddkit.ewm(s, **kw), stat)(), getattr(s.ewm(**kw), stat)())


@settings(max_examples=40, deadline=None)
@given(s=series(), periods=st.integers(-4, 4), kind=st.sampled_from(["shift", "diff", "pct_change"]))
def test_offsets_match_pandas(s, periods, kind):
    check(getattr(oddkit, kind)(s, periods), getattr(s, kind)(periods))


def test_dataframe_and_numpy_round_trip_kind():
    idx = pd.date_range("2024-01-01", periods=50, freq="13min")
    df = pd.DataFrame({"a": np.arange(50.0), "b": np.sin(np.arange(50.0))}, index=idx)
    out = oddkit.rolling(df, "1h").mean()
    pd.testing.assert_frame_equal(out, df.rolling("1h").mean(), rtol=1e-12)
    arr = oddkit.rolling(df.to_numpy(), 4).std()
    assert isinstance(arr, np.ndarray) and arr.shape == (50, 2)
    np.testing.assert_allclose(arr, df.rolling(4).std().to_numpy(), rtol=1e-12, equal_nan=True)
    t = oddkit.rolling(df["a"].to_numpy(), "1h", times=idx.to_numpy()).sum()
    np.testing.assert_allclose(t, df["a"].rolling("1h").sum().to_numpy(), rtol=1e-12)
    assert isinstance(oddkit.ewm(df["a"].to_numpy(), span=4).mean(), np.ndarray)


def test_bad_input_raises_value_error():
    s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime([0, 2, 1]))
    with pytest.raises(ValueError, match="times"):
        oddkit.rolling(s, "1h").mean()
    ok = pd.Series([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="window"):
        oddkit.rolling(ok, 0)
    with pytest.raises(ValueError, match="window"):
        oddkit.rolling(ok, "3 fortnights")
    with pytest.raises(ValueError, match="DatetimeIndex"):
        oddkit.rolling(ok, "1h")
    with pytest.raises(ValueError, match="min_periods"):
        oddkit.rolling(ok, 2, min_periods=3).mean()
    with pytest.raises(ValueError, match="closed"):
        oddkit.rolling(ok, 2, closed="middle").mean()
    with pytest.raises(ValueError, match="q"):
        oddkit.rolling(ok, 2).quantile(2.0)
    with pytest.raises(ValueError, match="times"):
        oddkit.rolling(ok.to_numpy(), "1h", times=np.arange(5)).mean()
    with pytest.raises(ValueError, match="mutually exclusive"):
        oddkit.ewm(ok, span=2, com=1)
    with pytest.raises(ValueError, match="Must pass"):
        oddkit.ewm(ok)
    with pytest.raises(ValueError, match="span"):
        oddkit.ewm(ok, span=0.5)
    with pytest.raises(ValueError, match="alpha"):
        oddkit.ewm(ok, alpha=1.5)
    with pytest.raises(ValueError, match="periods"):
        oddkit.shift(ok, 1.5)
    with pytest.raises(ValueError, match="3-D"):
        oddkit.rolling(np.zeros((2, 2, 2)), 2)


def test_time_windows_read_a_ns_index_in_place_and_never_write_it():
    # A ns DatetimeIndex is passed to the kernels as its own buffer (pandas' as_unit would
    # copy it), read-only so nothing can write into the caller's index; other units convert.
    from oddkit.series import _ns_int64

    rng = np.random.default_rng(5)
    ns = pd.DatetimeIndex(np.cumsum(rng.integers(1, 5, 300)) * 1_000_000_000 + 1_700_000_000_000_000_000)
    view = _ns_int64(ns)
    assert np.shares_memory(view, ns.asi8) and not view.flags.writeable
    with pytest.raises(ValueError):
        view[0] = 0
    seconds = ns.as_unit("s")
    converted = _ns_int64(seconds)
    assert seconds.unit == "s" and np.array_equal(converted, ns.asi8)
    before = ns.asi8.copy()
    values = rng.normal(size=300)
    ours_ns = oddkit.rolling(pd.Series(values, index=ns), "7s").mean()
    ours_s = oddkit.rolling(pd.Series(values, index=seconds), "7s").mean()
    check(ours_ns, pd.Series(values, index=ns).rolling("7s").mean())
    assert np.array_equal(ours_ns.to_numpy(), ours_s.to_numpy())
    assert np.array_equal(ns.asi8, before)
