"""oddkit.stream.Pipeline with a FeatureBuilder: the incremental feature rows against
FeatureBuilder.transform of the same resampled frame (bit for bit), across pickling mid-stream,
driving features by name, and refused builders."""

import pickle

import numpy as np
import pandas as pd
import pytest
from oddkit import FeatureBuilder, RunningZScore
from oddkit.stream import Pipeline

S = 10**9
ORIGIN = 1_704_067_200 * S  # 2024-01-01 00:00 UTC
AGG = {"temp": ["mean", "max"], "hum": ["mean", "count"]}


def sensor_events(minutes, planted=(), seed=0):
    """3 devices, one event each every 5 s with jitter; dev2 is silent one minute in seven (so
    its rows are irregular in time); temp + 12 in the planted (device, minute) pairs."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(minutes * 12):
        for d in range(3):
            if d == 2 and (k // 12) % 7 == 3:
                continue
            t = ORIGIN + k * 5 * S + int(rng.integers(0, 2 * S))
            temp = 20 + rng.normal() + (12 if (d, k // 12) in planted else 0)
            rows.append((f"dev{d}", t, temp, 50 + 2 * rng.normal()))
    return rows


def builder():
    fb = FeatureBuilder().calendar(["hour_sin", "hour_cos", "day_of_week", "is_weekend"])
    fb.lag("temp_mean", [1, 3]).diff("temp_max").diff("hum_mean", 2)
    fb.rolling("temp_mean", 5, ["mean", "std", "median"]).rolling("hum_mean", "10min", ["mean", "var", "max", "count"])
    fb.rolling("temp_max", "4min", ["sum", "min"], closed="left").rolling("temp_mean", 3, ["mean"], min_periods=1)
    return fb.ratio("temp_max", "temp_mean").product("temp_mean", "hum_mean")


def push(pipe, events):
    devices = [e[0] for e in events]
    times = np.array([e[1] for e in events], dtype=np.int64)
    return pipe.push_many(devices, times, np.array([e[2:] for e in events]))


def test_rows_equal_feature_builder_transform_of_the_resampled_frame():
    events = sensor_events(80, seed=1)
    # The resampled frame of every device: the aggregates alone.
    frame_pipe = Pipeline(window="1min", lateness="10s", aggregations=AGG)
    push(frame_pipe, events)
    frame_pipe.flush()
    f_devices, f_starts, F = frame_pipe.feature_rows()
    assert frame_pipe.aggregate_names == ["temp_mean", "temp_max", "hum_mean", "hum_count"]

    fb = builder()
    pipe = Pipeline(window="1min", lateness="10s", aggregations=AGG, builder=fb)
    assert pipe.feature_names == fb.feature_names  # no aggregates unless asked for
    cut = len(events) // 3
    push(pipe, events[:cut])
    first = pipe.feature_rows()
    pipe = pickle.loads(pickle.dumps(pipe))  # restart mid-stream
    assert pipe.builder.feature_names == fb.feature_names
    push(pipe, events[cut:])
    pipe.flush()
    rest = pipe.feature_rows()
    devices = first[0] + rest[0]
    starts = np.concatenate([first[1], rest[1]])
    X = np.vstack([first[2], rest[2]])

    compared = 0
    for device in ["dev0", "dev1", "dev2"]:
        mine = np.array(f_devices) == device
        frame = pd.DataFrame(F[mine], columns=frame_pipe.aggregate_names,
                             index=pd.to_datetime(f_starts[mine]))  # int ns, UTC
        batch = fb.transform(frame).to_numpy()
        complete = np.isfinite(batch).all(axis=1)
        got = np.array(devices) == device
        # Exactly the complete rows are emitted, at the same windows, bit for bit.
        np.testing.assert_array_equal(starts[got], f_starts[mine][complete])
        np.testing.assert_array_equal(X[got], batch[complete])
        compared += int(got.sum())
    assert compared > 150
    assert pipe.stats["windows_incomplete"] == len(F) - compared


def test_anomalies_carry_builder_features_by_name():
    planted = {(0, 40), (1, 55)}
    events = sensor_events(70, planted, seed=2)
    fb = FeatureBuilder().diff("temp_mean").rolling("temp_mean", 5, ["mean"]).rolling("hum_mean", 5, ["mean"])
    pipe = Pipeline(window="1min", lateness="10s", aggregations=AGG, builder=fb, detector=RunningZScore(),
                    threshold=6.0)
    found = push(pipe, events) + pipe.flush()
    by_window = {(int(a.device[-1]), (a.window_start - ORIGIN) // (60 * S)): a for a in found}
    assert planted <= set(by_window)
    assert pipe.feature_names == ["temp_mean_diff_1", "temp_mean_rolling_5_mean", "hum_mean_rolling_5_mean"]
    for key in planted:
        a = by_window[key]
        assert set(a.features) == set(pipe.feature_names)
        assert a.drivers[0][0].startswith("temp_mean_")  # the temperature drove it, by name
        assert a.features["temp_mean_diff_1"] > 8


@pytest.mark.parametrize(
    "fb, match",
    [
        (FeatureBuilder().lag("temp_mean", -1), "later windows"),
        (FeatureBuilder().rolling("temp_mean", 3, ["mean"], center=True), "centred"),
        (FeatureBuilder().lag("pressure_mean", 1), "pressure_mean"),
        (FeatureBuilder().calendar(["hour_sin"]), "hour_sin"),  # also in the features spec
        (FeatureBuilder(), "no feature"),
        ("temp_mean_lag_1", "FeatureBuilder"),
    ],
)
def test_bad_builders_raise_value_error_naming_builder(fb, match):
    with pytest.raises(ValueError, match=match):
        Pipeline(window="1min", aggregations=AGG, features={"calendar": ["hour_sin"]}, builder=fb)


def test_corrupted_builder_state_is_refused():
    pipe = Pipeline(window="1min", lateness="10s", aggregations=AGG, builder=builder())
    push(pipe, sensor_events(20))
    doc = pipe.to_bytes()
    assert Pipeline.from_bytes(doc).to_bytes() == doc
    data = bytearray(doc)
    data[len(data) // 2] ^= 0x01
    with pytest.raises(ValueError, match="model document"):
        Pipeline.from_bytes(bytes(data))
