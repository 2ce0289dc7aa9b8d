"""oddkit's series layer against pandas: hypothesis property tests on uneven, gappy data with
NaN, hand-computed cases, readers on generated files (and on ../shared/data when present), and
the bad-input catalogue."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import oddkit
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RTOL = 1e-9
# ../shared/data beside the project root (ODDKIT_SHARED_DATA overrides, e.g. from a worktree)
DATA = (
    Path(
        os.environ.get(
            "ODDKIT_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
        )
    )
    / "iot"
)
T0 = pd.Timestamp("2024-03-01 07:13:00").value  # ns
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def gappy_frames(draw, min_rows=1, max_rows=60, unique=False, columns=("a", "b")):
    n = draw(st.integers(min_rows, max_rows))
    scale = draw(st.sampled_from([10**9, 60 * 10**9, 3600 * 10**9, 86400 * 10**9 // 3]))
    steps = draw(st.lists(st.integers(0 if not unique else 1, 40), min_size=n, max_size=n))
    times = T0 + np.cumsum(np.asarray(steps, np.int64)) * (scale // 7 + 1)
    if unique:
        times = np.unique(times)
    n = len(times)
    data = {}
    for c in columns:
        vals = draw(
            st.lists(
                st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(np.nan)),
                min_size=n,
                max_size=n,
            )
        )
        data[c] = np.asarray(vals, float)
    return pd.DataFrame(data, index=pd.DatetimeIndex(times.view("datetime64[ns]"), name="time"))


def assert_same(got, expected):
    if isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(
            got, expected, check_dtype=False, check_freq=False, rtol=RTOL, atol=1e-6
        )
    else:
        pd.testing.assert_frame_equal(
            got,
            expected,
            check_dtype=False,
            check_freq=False,
            rtol=RTOL,
            atol=1e-6,
            check_column_type=False,
        )


# ---- resample ------------------------------------------------------------------------------

AGGS = ["mean", "sum", "min", "max", "first", "last", "count", "median", "std", "var"]


@SETTINGS
@given(
    df=gappy_frames(),
    rule=st.sampled_from(["30s", "7min", "15min", "h", "3h", "D"]),
    closed=st.sampled_from(["left", "right"]),
    label=st.sampled_from(["left", "right"]),
    origin=st.sampled_from(["epoch", "start", "start_day"]),
    offset=st.sampled_from([None, "5min", "-90s"]),
    agg=st.sampled_from(AGGS),
)
def test_resample_matches_pandas(df, rule, closed, label, origin, offset, agg):
    kw = {"closed": closed, "label": label, "origin": origin, "offset": offset}
    expected = getattr(df.resample(rule, **kw), agg)()
    got = getattr(oddkit.resample(df, rule, **kw), agg)()
    assert_same(got, expected)


@SETTINGS
@given(
    df=gappy_frames(max_rows=40),
    closed=st.sampled_from([None, "left", "right"]),
    label=st.sampled_from([None, "left", "right"]),
    q=st.floats(0, 1),
)
def test_resample_weekly_agg_and_quantile_match_pandas(df, closed, label, q):
    kw = {"closed": closed, "label": label}
    spec = {"a": ["mean", "max", "count"], "b": ["sum", "first"]}
    assert_same(oddkit.resample(df, "W", **kw).agg(spec), df.resample("W", **kw).agg(spec))
    assert_same(oddkit.resample(df, "2h", **kw).quantile(q), df.resample("2h", **kw).quantile(q))
    assert_same(oddkit.resample(df["a"], "D", **kw).sum(), df["a"].resample("D", **kw).sum())


def test_resample_oddkit_frame_and_int_columns():
    idx = pd.date_range("2024-01-01", periods=10, freq="25min")
    df = pd.DataFrame(
        {"x": np.arange(10.0), "n": np.arange(10), "on": np.arange(10) % 3 == 0}, index=idx
    )
    frame = oddkit.Frame.from_pandas(df)
    got = frame.resample("1h").sum().to_pandas()
    assert_same(got, df.resample("1h").sum())
    assert got["n"].dtype == np.int64
    assert_same(
        frame.resample("1h").agg({"x": "mean", "n": "max"}).to_pandas(),
        df.resample("1h").agg({"x": "mean", "n": "max"}),
    )
    assert_same(frame.resample("1h").count().to_pandas(), df.resample("1h").count())


def test_resample_by_hand():
    idx = pd.to_datetime(["2020-01-01 00:00:30", "2020-01-01 00:00:50", "2020-01-01 00:02:10"])
    s = pd.Series([1.0, 3.0, 5.0], index=idx)
    got = oddkit.resample(s, "1min").mean()
    assert list(got.index) == list(pd.date_range("2020-01-01", periods=3, freq="min"))
    np.testing.assert_array_equal(got.to_numpy(), [2.0, np.nan, 5.0])
    assert oddkit.resample(s, "1min").sum().tolist() == [4.0, 0.0, 5.0]


# ---- merge_asof ----------------------------------------------------------------------------


@SETTINGS
@given(
    left=gappy_frames(columns=("a",)),
    right=gappy_frames(columns=("b", "a")),
    direction=st.sampled_from(["backward", "forward", "nearest"]),
    tolerance=st.sampled_from([None, pd.Timedelta("30s"), pd.Timedelta("2h")]),
    exact=st.booleans(),
    use_by=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_merge_asof_matches_pandas(left, right, direction, tolerance, exact, use_by, seed):
    rng = np.random.default_rng(seed)
    kw = {"direction": direction, "tolerance": tolerance, "allow_exact_matches": exact}
    if use_by:
        left = left.assign(key=rng.choice(["x", "y", "z"], len(left)))
        right = right.assign(key=rng.choice(["x", "y"], len(right)))
        kw["by"] = "key"
    lp, rp = left.reset_index(), right.reset_index()
    expected = pd.merge_asof(lp, rp, on="time", **kw)
    got = oddkit.merge_asof(lp, rp, on="time", **kw)
    assert list(got.columns) == list(expected.columns)
    assert_same(got, expected)
    if not use_by:  # on the index, with oddkit frames
        f = oddkit.merge_asof(oddkit.Frame.from_pandas(left), oddkit.Frame.from_pandas(right), **kw)
        by_index = pd.merge_asof(left, right, left_index=True, right_index=True, **kw)
        assert_same(f.to_pandas(), by_index)


def test_merge_asof_by_hand():
    left = pd.DataFrame({"t": pd.to_datetime([1, 5, 10], unit="s"), "a": [1.0, 2.0, 3.0]})
    right = pd.DataFrame({"t": pd.to_datetime([2, 5, 7], unit="s"), "b": [20.0, 50.0, 70.0]})
    got = oddkit.merge_asof(left, right, on="t")
    np.testing.assert_array_equal(got["b"].to_numpy(), [np.nan, 50.0, 70.0])
    got = oddkit.merge_asof(left, right, on="t", direction="nearest", tolerance=pd.Timedelta("2s"))
    np.testing.assert_array_equal(got["b"].to_numpy(), [20.0, 50.0, np.nan])


# ---- joins and align -----------------------------------------------------------------------


@SETTINGS
@given(
    left=gappy_frames(max_rows=30, columns=("a", "v")),
    right=gappy_frames(max_rows=30, columns=("b", "v")),
    how=st.sampled_from(["inner", "left", "right", "outer"]),
)
def test_join_matches_pandas(left, right, how):
    expected = pd.merge(left, right, left_index=True, right_index=True, how=how)
    got = oddkit.join(left, right, how=how)
    assert_same(got, expected)


@SETTINGS
@given(
    a=gappy_frames(unique=True, columns=("a",)),
    b=gappy_frames(unique=True, columns=("b",)),
    how=st.sampled_from(["inner", "left", "outer"]),
)
def test_align_matches_pandas(a, b, how):
    ea, eb = a.align(b, join=how, axis=0)
    ga, gb = oddkit.align(a, b, join=how)
    assert_same(ga, ea)
    assert_same(gb, eb)


# ---- gaps ----------------------------------------------------------------------------------


@SETTINGS
@given(
    df=gappy_frames(unique=True),
    limit=st.sampled_from([None, 1, 2, 5]),
    method=st.sampled_from(["ffill", "bfill", "linear", "time"]),
)
def test_fills_match_pandas(df, limit, method):
    if method in ("ffill", "bfill"):
        expected = getattr(df, method)(limit=limit)
        got = getattr(oddkit, method)(df, limit=limit)
    else:
        expected = df.interpolate(method=method, limit=limit)
        got = oddkit.interpolate(df, method=method, limit=limit)
    assert_same(got, expected)
    assert_same(oddkit.dropna(df), df.dropna())
    assert_same(oddkit.dropna(df, how="all"), df.dropna(how="all"))


@SETTINGS
@given(df=gappy_frames(max_rows=40))
def test_deduplicate_matches_pandas(df):
    assert_same(oddkit.deduplicate(df, keep="first"), df[~df.index.duplicated(keep="first")])
    assert_same(oddkit.deduplicate(df, keep="last"), df[~df.index.duplicated(keep="last")])
    assert_same(oddkit.deduplicate(df, keep="mean"), df.groupby(level=0).mean())


# ---- containers ----------------------------------------------------------------------------


def test_frame_round_trips_pandas_and_shares_float_columns():
    idx = pd.date_range("2024-01-01", periods=5, freq="h", tz="Europe/Berlin", unit="us")
    df = pd.DataFrame({"x": np.linspace(0, 1, 5), "n": np.arange(5)}, index=idx)
    frame = oddkit.Frame.from_pandas(df)
    assert frame.shape == (5, 2)
    assert frame["x"].values.dtype == np.float64
    assert np.shares_memory(frame["x"].values, df["x"].to_numpy())
    pd.testing.assert_frame_equal(frame.to_pandas(), df, check_freq=False)
    assert isinstance(frame["n"], oddkit.Series)
    assert frame.times[0] == idx.as_unit("ns").asi8[0]


# ---- readers and writers -------------------------------------------------------------------


def _sample_frame():
    rng = np.random.default_rng(3)
    idx = pd.date_range("2018-09-01", periods=50, freq="5min", name="timestamp")
    temp = rng.normal(15, 3, 50).round(2)
    temp[rng.random(50) < 0.3] = np.nan
    return pd.DataFrame({"temperature": temp, "count": rng.integers(0, 9, 50)}, index=idx)


@pytest.mark.parametrize("orient", ["records", "split", "columns", "index", "values"])
@pytest.mark.parametrize("date_format", ["epoch", "iso"])
def test_read_json_reads_what_pandas_writes(tmp_path, orient, date_format):
    df = _sample_frame()
    path = tmp_path / "x.json"
    source = df.reset_index() if orient in ("records", "values") else df
    source.to_json(path, orient=orient, date_format=date_format, date_unit="ms")
    frame = oddkit.read_json(path, orient=orient)
    got = frame.to_pandas()
    expected = df.copy()
    if orient == "values":
        expected.columns = ["1", "2"]
    np.testing.assert_array_equal(frame.times, df.index.as_unit("ns").asi8)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    assert list(got.columns) == list(expected.columns)


def test_read_json_records_matches_pandas_read_json(tmp_path):
    df = _sample_frame().reset_index()
    path = tmp_path / "r.json"
    df.to_json(path, orient="records")
    expected = pd.read_json(path, orient="records", convert_dates=False)
    got = oddkit.read_json(path).to_pandas()
    np.testing.assert_array_equal(
        got.index.as_unit("ns").asi8, expected["timestamp"].to_numpy() * 1_000_000
    )
    np.testing.assert_array_equal(got["temperature"].to_numpy(), expected["temperature"].to_numpy())


def test_csv_and_json_round_trips_with_pandas(tmp_path):
    df = _sample_frame()
    path = tmp_path / "x.csv"
    df.to_csv(path)
    got = oddkit.read_csv(path).to_pandas()
    expected = pd.read_csv(path, index_col=0, parse_dates=True)
    np.testing.assert_array_equal(got.index.as_unit("ns").asi8, expected.index.as_unit("ns").asi8)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    out = tmp_path / "y.csv"
    oddkit.Frame.from_pandas(df).to_csv(out)
    again = pd.read_csv(out, index_col=0, parse_dates=True)
    np.testing.assert_array_equal(again.to_numpy(), df.to_numpy())
    out_json = tmp_path / "y.json"
    oddkit.Frame.from_pandas(df).to_json(out_json)
    back = pd.read_json(out_json, orient="records", convert_dates=False)
    np.testing.assert_array_equal(back["temperature"].to_numpy(), df["temperature"].to_numpy())


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data/iot is not present")
@pytest.mark.parametrize(
    "name", ["environ_MS83200MS_nowind_3m-10min.json", "traffic_raw_siemens_heavy-veh.json"]
)
def test_iot_files_match_pandas(name):
    path = DATA / name
    # precise_float: pandas' fast parser is otherwise off by an ulp (0.3 -> 0.30000000000000004)
    expected = pd.read_json(path, orient="records", convert_dates=False, precise_float=True)
    expected.index = (
        pd.DatetimeIndex(pd.to_datetime(expected.pop("timestamp"), unit="ms"))
        .as_unit("ns")
        .rename("timestamp")
    )
    expected = expected.sort_index(kind="stable")
    frame = oddkit.read_json(path)
    got = frame.to_pandas()
    np.testing.assert_array_equal(got.index.as_unit("ns").asi8, expected.index.as_unit("ns").asi8)
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_array_equal(got.to_numpy(dtype=float), expected.to_numpy(dtype=float))
    assert_same(frame.resample("1D").mean().to_pandas(), expected.resample("1D").mean())
    grid = expected.resample("1h").first().iloc[::5][[]].assign(k=1.0)
    kw = {"direction": "nearest", "tolerance": pd.Timedelta("20min")}
    got_asof = oddkit.merge_asof(grid, expected, **kw)
    exp_asof = pd.merge_asof(grid, expected, left_index=True, right_index=True, **kw)
    assert_same(got_asof, exp_asof)


# ---- bad input -----------------------------------------------------------------------------


def _small():
    idx = pd.date_range("2024-01-01", periods=4, freq="min")
    return pd.DataFrame({"a": [1.0, 2.0, np.nan, 4.0]}, index=idx)


def test_bad_input_is_refused_naming_the_argument(tmp_path):
    df = _small()
    with pytest.raises(ValueError, match="index: timestamps are not sorted"):
        oddkit.Frame.from_pandas(df.iloc[::-1])
    with pytest.raises(ValueError, match="rule"):
        oddkit.resample(df, "3parsecs").mean()
    with pytest.raises(ValueError, match="aggregation: unknown 'average'"):
        oddkit.resample(df, "1h").agg("average")
    with pytest.raises(ValueError, match="closed"):
        oddkit.resample(df, "1h", closed="middle")
    with pytest.raises(ValueError, match="origin"):
        oddkit.resample(df, "1h", origin="end_of_time")
    with pytest.raises(ValueError, match="tolerance"):
        oddkit.merge_asof(df, df, tolerance=5)
    with pytest.raises(ValueError, match="tolerance"):
        oddkit.merge_asof(df, df, tolerance=pd.Timedelta("-1s"))
    with pytest.raises(ValueError, match="direction"):
        oddkit.merge_asof(df, df, direction="sideways")
    with pytest.raises(ValueError, match="left: index: timestamps are not sorted"):
        oddkit.merge_asof(df.reset_index().iloc[::-1], df.reset_index(), on="index")
    with pytest.raises(ValueError, match="values"):
        oddkit.Frame(df.index, {"a": np.zeros(3)})
    with pytest.raises(ValueError, match="column 'name' has dtype"):
        oddkit.Frame.from_pandas(df.assign(name="sensor"))
    with pytest.raises(ValueError, match="DatetimeIndex"):
        oddkit.Frame.from_pandas(df.reset_index())
    with pytest.raises(ValueError, match="limit"):
        oddkit.ffill(df, limit=0)
    with pytest.raises(ValueError, match="duplicate timestamps"):
        oddkit.align(pd.concat([df, df]).sort_index(), df)
    with pytest.raises(ValueError, match="keep"):
        oddkit.deduplicate(df, keep="middle")
    with pytest.raises(ValueError, match="how"):
        oddkit.join(df, df, how="sideways")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('[{"timestamp": 1, "a": 1},\n{"timestamp": 2 "a": 2}]')
    with pytest.raises(ValueError, match="line 2"):
        oddkit.read_json(bad_json)
    bad_json.write_text('[{"timestamp": 1, "a": 1}, {"timestamp": 2, "a": "hot"}]')
    with pytest.raises(oddkit.FormatError, match=r"key '\[1\]\.a'"):
        oddkit.read_json(bad_json)
    with pytest.raises(ValueError, match="orient"):
        oddkit.read_json(bad_json, orient="table")
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("t,a\n2024-01-01,1\n2024-01-02,1,2\n")
    with pytest.raises(ValueError, match="line 3"):
        oddkit.read_csv(bad_csv)
    with pytest.raises(ValueError, match="cannot open"):
        oddkit.read_csv(tmp_path / "missing.csv")


def test_empty_frames():
    empty = pd.DataFrame(
        {"a": pd.Series([], dtype=float)}, index=pd.DatetimeIndex([], dtype="datetime64[ns]")
    )
    got = oddkit.resample(empty, "1h").mean()
    assert len(got) == 0 and list(got.columns) == ["a"]
    assert len(oddkit.merge_asof(empty, _small())) == 0
    assert len(oddkit.join(empty, _small(), how="inner")) == 0
    assert len(oddkit.ffill(empty)) == 0
