"""oddkit.stream.Pipeline: windows and features against pandas, planted anomalies, the C++
program on the same events, save/restore mid-stream, policies and bad input."""

import copy
import datetime as dt
import json
import math
import pickle
import subprocess

import numpy as np
import oddkit
import pandas as pd
import pytest
from conftest import cpp_binary
from oddkit import IsolationForest, RunningZScore
from oddkit.pipeline import duration_ns, to_nanoseconds
from oddkit.stream import Pipeline
from sklearn.exceptions import NotFittedError

S = 10**9
ORIGIN = 1_704_067_200 * S  # 2024-01-01 00:00 UTC


def sensor_events(devices=3, minutes=120, planted=(), seed=0, jitter=True):
    """One event per device every 5 s (+- jitter, reordered within 4 s); temp ~ N(20, 1) and
    hum ~ N(50, 2); temp + 12 in the (device, minute) pairs of `planted`."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(minutes * 12):
        for d in range(devices):
            t = ORIGIN + k * 5 * S + (int(rng.integers(0, 2 * S)) if jitter else 0) + d
            temp = 20 + rng.normal() + (12 if (d, k // 12) in planted else 0)
            rows.append((f"dev{d}", t, temp, 50 + 2 * rng.normal()))
    if jitter:  # swap some neighbours: out of order by less than the lateness
        for i in range(0, len(rows) - 1, 7):
            rows[i], rows[i + 1] = rows[i + 1], rows[i]
    return rows


def make(detector=None, threshold=None, features=None, **kw):
    kw.setdefault("lateness", "10s")
    return Pipeline(window="1min", aggregations={"temp": ["mean", "max", "first", "last"], "hum": ["mean", "count"]},
                    features=features if features is not None else {"lags": [1, 2], "rolling": [3]},
                    detector=detector, threshold=threshold, **kw)


def feed(pipe, events):
    found = []
    for d, t, temp, hum in events:
        found += pipe.push(d, t, {"temp": temp, "hum": hum})
    return found + pipe.flush()


# Windows and features against pandas ----------------------------------------------------


def test_windows_and_features_equal_pandas_resample_shift_rolling():
    events = sensor_events(devices=2, minutes=40, seed=1)
    pipe = make(features={"lags": [1, 2], "rolling": [3], "calendar": ["hour", "day_of_week", "hour_sin", "hour_cos"]})
    assert feed(pipe, events) == []
    devices, starts, X = pipe.feature_rows()
    assert pipe.stats["events_late"] == 0

    df = pd.DataFrame(events, columns=["device", "t", "temp", "hum"])
    df["t"] = pd.to_datetime(df["t"], unit="ns")
    expected = []
    for device, g in df.sort_values("t", kind="stable").groupby("device"):
        r = g.set_index("t").resample("1min", origin="epoch")
        agg = pd.DataFrame({"temp_mean": r["temp"].mean(), "temp_max": r["temp"].max(),
                            "temp_first": r["temp"].first(), "temp_last": r["temp"].last(),
                            "hum_mean": r["hum"].mean(), "hum_count": r["hum"].count()})
        agg = agg[r["temp"].count() > 0]  # empty bins are not emitted
        cols = list(agg.columns)
        feats = agg.copy()
        for lag in (1, 2):
            for c in cols:
                feats[f"{c}_lag{lag}"] = agg[c].shift(lag)
        for c in cols:
            feats[f"{c}_rolling_mean_3"] = agg[c].rolling(3).mean()
            feats[f"{c}_rolling_std_3"] = agg[c].rolling(3).std()
        feats["hour"] = feats.index.hour
        feats["day_of_week"] = feats.index.day_of_week
        feats["hour_sin"] = np.sin(2 * np.pi * feats.index.hour / 24)
        feats["hour_cos"] = np.cos(2 * np.pi * feats.index.hour / 24)
        feats = feats.dropna()
        feats["device"] = device
        expected.append(feats)
    expected = pd.concat(expected)
    assert list(expected.columns[:-1]) == pipe.feature_names
    ours = pd.DataFrame(X, columns=pipe.feature_names)
    ours["device"], ours["start"] = devices, starts
    ours = ours.sort_values(["device", "start"]).reset_index(drop=True)
    expected = expected.reset_index(names="start").sort_values(["device", "start"]).reset_index(drop=True)
    assert len(ours) == len(expected) == 2 * (40 - 2)
    np.testing.assert_array_equal(ours["start"].to_numpy(), expected["start"].astype("int64").to_numpy())
    np.testing.assert_allclose(ours[pipe.feature_names].to_numpy(), expected[pipe.feature_names].to_numpy(dtype=float),
                               rtol=1e-12, atol=1e-12)


def test_hand_computed_watermark_late_nan_unknown_and_stats():
    pipe = Pipeline(window=10, lateness=5, aggregations={"v": ["mean", "last", "count"]},
                    detector=RunningZScore(), threshold=-math.inf)
    assert pipe.push("a", 1, {"v": 1.0, "x": 5}) == []
    pipe.push("a", 4, {"v": None})
    pipe.push("a", 12, {"v": 10.0})
    pipe.push("a", 8, {"v": 5.0})           # out of order, not late (8 >= 12 - 5)
    assert pipe.watermark("a") == 7
    found = pipe.push("a", 16, {"v": float("nan")})  # watermark 11 closes [0, 10)
    assert len(found) == 1
    a = found[0]
    assert (a.device, a.window_start, a.window_end, a.n_events) == ("a", 0, 10, 3)
    assert a.features == {"v_mean": 3.0, "v_last": 5.0, "v_count": 2.0}
    assert a.score == 0.0  # nothing learned before the first window
    assert pipe.push("a", 9, {"v": 1.0}) == []  # late
    pipe.push("b", 0, [2.0])
    stats = pipe.stats
    assert stats["events"] == 7 and stats["events_accepted"] == 6 and stats["events_late"] == 1
    assert stats["late_by_device"] == {"a": 1, "b": 0}
    assert stats["values_non_finite"] == 2 and stats["values_unknown_field"] == 1
    assert stats["windows_closed"] == 1 and stats["devices"] == 2
    rest = pipe.flush()
    assert [(x.device, x.window_start) for x in rest] == [("a", 10), ("b", 0)]
    assert pipe.stats["events_windowed"] == pipe.stats["events_accepted"]


# Planted anomalies ------------------------------------------------------------------


def reported(found):
    return {(int(a.device[3:]), (a.window_start - ORIGIN) // (60 * S)) for a in found}


def test_isolation_forest_pipeline_reports_planted_anomalies_with_drivers():
    collect = make()
    feed(collect, sensor_events(minutes=200, seed=2))
    _, _, X = collect.feature_rows()
    forest = IsolationForest(n_estimators=100, random_state=0).fit(X)
    planted = {(1, 40), (2, 70), (0, 85)}
    pipe = make(detector=forest, threshold=0.62)
    found = feed(pipe, sensor_events(minutes=100, planted=planted, seed=3))
    assert planted <= reported(found)
    assert len(found) <= 4 * len(planted)
    for a in found:
        if (int(a.device[3:]), (a.window_start - ORIGIN) // (60 * S)) in planted:
            assert a.drivers[0][0].startswith("temp")
            assert a.score == pytest.approx(forest.anomaly_score(np.array([list(a.features.values())]))[0], abs=0)
    assert make(detector=forest).threshold_ == -forest.offset_


def test_any_registered_batch_detector_scores_windows_like_its_batch_scores():
    from oddkit import Ensemble, RobustZScoreDetector

    collect = make()
    feed(collect, sensor_events(minutes=200, seed=2))
    _, _, X = collect.feature_rows()
    for detector in (RobustZScoreDetector().fit(X),
                     Ensemble(detectors=[RobustZScoreDetector(), IsolationForest(n_estimators=20, random_state=0)]).fit(X)):
        planted = {(1, 40), (2, 70)}
        pipe = make(detector=detector, threshold=float(np.quantile(detector.anomaly_score(X), 0.999)))
        found = feed(pipe, sensor_events(minutes=100, planted=planted, seed=3))
        assert planted <= reported(found)
        for a in found:
            row = np.array([list(a.features.values())])
            assert a.score == pytest.approx(detector.anomaly_score(row)[0], abs=0)


def test_online_detector_pipeline_reports_planted_anomalies_and_counts_every_event():
    planted = {(1, 50), (2, 90)}
    events = sensor_events(minutes=120, planted=planted, seed=4)
    # late events: far behind the watermark
    events.insert(3000, ("dev0", events[3000][1] - 60 * S, 0.0, 0.0))
    pipe = make(detector=RunningZScore(), threshold=8.0)
    found = feed(pipe, events)
    assert planted <= reported(found)
    # After the z-scores' warm-up (a few windows), only the planted windows and the two after
    # them (whose lags and rolling features hold the planted value) are reported.
    after_warm_up = {(d, m) for d, m in reported(found) if m >= 10}
    assert after_warm_up == {(d, m + k) for d, m in planted for k in range(3)}
    st = pipe.stats
    assert st["events"] == len(events) == st["events_accepted"] + st["events_late"]
    assert st["events_late"] == 1 and st["late_by_device"]["dev0"] == 1
    assert st["events_windowed"] == st["events_accepted"]
    assert st["windows_scored"] + st["windows_incomplete"] == st["windows_closed"] == 3 * 120


def test_push_many_equals_push_one_by_one():
    events = sensor_events(minutes=30, planted={(0, 20)}, seed=5)
    one = make(detector=RunningZScore(window=10), threshold=3.0)
    expected = feed(one, events)
    many = make(detector=RunningZScore(window=10), threshold=3.0)
    devices, ts, temp, hum = zip(*events)
    found = many.push_many(list(devices), np.array(ts), np.column_stack([temp, hum])) + many.flush()
    assert found == expected
    frame = make(detector=RunningZScore(window=10), threshold=3.0)
    df = pd.DataFrame({"hum": hum, "temp": temp})  # matched by name, not position
    assert frame.push_many(list(devices), np.array(ts).astype("datetime64[ns]"), df) + frame.flush() == expected


# The C++ program on the same events --------------------------------------------------


def test_cpp_replay_gives_the_same_anomalies(tmp_path):
    replay = cpp_binary("pipeline_replay")
    events = sensor_events(minutes=40, planted={(1, 25)}, seed=6)
    events[100] = (events[100][0], events[100][1], float("nan"), events[100][3])
    collect = make()
    feed(collect, sensor_events(minutes=60, seed=7))
    forest = IsolationForest(n_estimators=30, random_state=1).fit(collect.feature_rows()[2])
    for detector, threshold in [(forest, -math.inf), (RunningZScore(window=8), 2.0)]:
        pipe = make(detector=detector, threshold=threshold)
        model = tmp_path / "pipeline.cbor"
        pipe.save(model)
        csv = tmp_path / "events.csv"
        with open(csv, "w") as f:
            f.write("device,timestamp,temp,hum\n")
            f.writelines(f"{d},{t},{'' if math.isnan(temp) else repr(temp)},{hum!r}\n" for d, t, temp, hum in events)
        out = subprocess.run([replay, str(model), str(csv)], check=True, capture_output=True, text=True).stdout
        lines = [json.loads(line) for line in out.splitlines()]
        cpp, stats = lines[:-1], lines[-1]["stats"]
        ours = feed(pipe, events)
        assert len(ours) == len(cpp) > 0
        for a, c in zip(ours, cpp):
            assert (a.device, a.window_start, a.window_end, a.n_events) == (c["device"], c["window_start"], c["window_end"], c["n_events"])
            assert a.score == c["score"]  # bit-identical
            assert list(a.features.values()) == c["features"]
            assert [(pipe.feature_names.index(n), w) for n, w in a.drivers] == [tuple(x) for x in c["drivers"]]
        ours_stats = pipe.stats
        del ours_stats["late_by_device"]
        assert ours_stats == stats


# Save / restore ----------------------------------------------------------------------


@pytest.mark.parametrize("cut", [7, 2001, 4000])
def test_restore_mid_stream_continues_bit_identically(tmp_path, cut):
    events = sensor_events(minutes=40, planted={(2, 30)}, seed=8)
    whole = make(detector=oddkit.HalfSpaceTrees(n_trees=4, height=4, window_size=8, seed=1), threshold=-math.inf)
    expected = feed(whole, events)
    first = make(detector=oddkit.HalfSpaceTrees(n_trees=4, height=4, window_size=8, seed=1), threshold=-math.inf)
    head = []
    for d, t, temp, hum in events[:cut]:
        head += first.push(d, t, {"temp": temp, "hum": hum})
    first.save(tmp_path / "state.json")
    for resumed in (Pipeline.load(tmp_path / "state.json"), pickle.loads(pickle.dumps(first)), copy.deepcopy(first)):
        rest = []
        for d, t, temp, hum in events[cut:]:
            rest += resumed.push(d, t, {"temp": temp, "hum": hum})
        assert head + rest + resumed.flush() == expected
        assert resumed.to_bytes() == whole.to_bytes()


def test_corrupted_state_is_refused(tmp_path):
    pipe = make(detector=RunningZScore(), threshold=1.0)
    feed(pipe, sensor_events(minutes=3, seed=9))
    data = bytearray(pipe.to_bytes())
    data[len(data) // 2] ^= 0x55
    with pytest.raises(ValueError):
        Pipeline.from_bytes(bytes(data))
    with pytest.raises(ValueError):
        Pipeline.from_bytes(data[: len(data) // 3])
    with pytest.raises(FileNotFoundError):
        Pipeline.load(tmp_path / "missing.cbor")


# Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, match", [
    ({"window": "5 parsecs"}, "window"),
    ({"window": 0}, "window"),
    ({"window": 1.5}, "window"),
    ({"lateness": "-1s"}, "lateness"),
    ({"lateness": -5}, "lateness"),
    ({"aggregations": {}}, "aggregations"),
    ({"aggregations": {"temp": ["median"]}}, "median"),
    ({"aggregations": {"temp": []}}, "aggregation"),
    ({"aggregations": {"temp": ["mean", "mean"]}}, "twice"),
    ({"features": {"lag": [1]}}, "features"),
    ({"features": {"lags": [0]}}, "lag"),
    ({"features": {"lags": [1.5]}}, "lags"),
    ({"features": {"rolling": [1]}}, "rolling"),
    ({"features": {"calendar": ["minute"]}}, "calendar"),
    ({"threshold": None}, "threshold"),
    ({"threshold": "high"}, "threshold"),
    ({"max_devices": 0}, "max_devices"),
    ({"top_features": -1}, "top_features"),
    ({"detector": "iforest"}, "detector"),
])
def test_invalid_parameters_raise_value_error_naming_the_argument(kwargs, match):
    params = {"window": "1min", "aggregations": {"temp": "mean"}, "detector": RunningZScore(), "threshold": 1.0}
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Pipeline(**params)


def test_detector_must_be_fitted_and_match_the_features():
    with pytest.raises(NotFittedError):
        make(detector=IsolationForest())
    narrow = IsolationForest(n_estimators=5, random_state=0).fit(np.random.default_rng(0).normal(size=(30, 2)))
    with pytest.raises(ValueError, match="detector"):
        make(detector=narrow)


def test_bad_events_raise_and_change_nothing():
    pipe = make(detector=RunningZScore(), threshold=1.0)
    with pytest.raises(ValueError, match="device"):
        pipe.push("", 0, {"temp": 1.0})
    with pytest.raises(ValueError, match="device"):
        pipe.push(7, 0, {"temp": 1.0})
    with pytest.raises(ValueError, match="temp"):
        pipe.push("a", 0, {"temp": "hot"})
    with pytest.raises(ValueError, match="timestamp"):
        pipe.push("a", 1.5, {"temp": 1.0})
    with pytest.raises(ValueError, match="timestamp"):
        pipe.push("a", 2**63 - 1, {"temp": 1.0})
    with pytest.raises(ValueError, match="values"):
        pipe.push("a", 0, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="differ"):
        pipe.push_many(["a", "b"], [0], np.zeros((1, 2)))
    with pytest.raises(ValueError, match="columns"):
        pipe.push_many("a", [0], np.zeros((1, 3)))
    assert pipe.stats["events"] == 0


def test_max_devices_policy():
    pipe = make(detector=RunningZScore(), threshold=1.0, max_devices=2)
    for d in ("a", "b", "c", "a"):
        pipe.push(d, 0, {"temp": 1.0})
    assert pipe.devices == ["a", "b"]
    assert pipe.stats["events_rejected_device_limit"] == 1


def test_time_and_duration_conversions():
    t = ORIGIN + 90 * S + 123
    assert to_nanoseconds(np.datetime64(t, "ns")) == t
    assert to_nanoseconds(pd.Timestamp(t, unit="ns")) == t
    assert to_nanoseconds("2024-01-01T00:01:30.000000123Z") == t
    assert to_nanoseconds(dt.datetime(2024, 1, 1, 0, 1, 30)) == t - 123
    assert to_nanoseconds(dt.datetime(2024, 1, 1, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))) == t - 123
    with pytest.raises(ValueError):
        to_nanoseconds("yesterday")
    assert duration_ns("5min") == duration_ns(dt.timedelta(minutes=5)) == duration_ns(pd.Timedelta("5min")) == 300 * S
    assert duration_ns("250ms") == duration_ns(np.timedelta64(250, "ms")) == 250 * 10**6
    assert duration_ns(17) == 17
