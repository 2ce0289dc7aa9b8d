"""oddkit.stream.Pipeline: sensor events in, anomalies out (the C++ oddkit::Pipeline).

Per device, events are aggregated into tumbling time windows with an allowed lateness; each
closed window becomes a feature row (its aggregates, lags, rolling mean/std, calendar fields);
a batch-fitted IsolationForest or an online detector scores it, and windows scoring above the
threshold come back as :class:`Anomaly`. Semantics and policies: docs/pipeline.md.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import NotFittedError

from . import _core
from ._estimator import check_load_path

__all__ = ["Anomaly", "Pipeline", "duration_ns", "to_nanoseconds"]

_AGGREGATIONS = ("mean", "sum", "min", "max", "first", "last", "count")
_FEATURE_KEYS = ("aggregates", "lags", "rolling", "calendar")
_UNITS = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9, "sec": 10**9, "min": 60 * 10**9, "m": 60 * 10**9,
          "h": 3600 * 10**9, "hour": 3600 * 10**9, "d": 86400 * 10**9, "day": 86400 * 10**9}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def duration_ns(value, name="window") -> int:
    """A duration as int nanoseconds: "5min", "30s", "1h", "250ms", an int (ns), a
    datetime.timedelta (pandas.Timedelta included) or a numpy.timedelta64."""
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a duration, got a bool")
    if hasattr(value, "value") and hasattr(value, "components"):  # pandas.Timedelta: exact ns
        return int(value.value)
    if isinstance(value, _dt.timedelta):
        return (value.days * 86400 + value.seconds) * 10**9 + value.microseconds * 10**3
    if isinstance(value, np.timedelta64):
        return int(value.astype("timedelta64[ns]").astype(np.int64))
    if isinstance(value, (Integral, np.integer)):
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", value.lower())
        if match is None or match.group(2) not in _UNITS:
            raise ValueError(f"{name}: cannot read the duration {value!r} (expected e.g. '5min', '30s', '1h')")
        ns = float(match.group(1)) * _UNITS[match.group(2)]
        if ns != int(ns):
            raise ValueError(f"{name}: {value!r} is not a whole number of nanoseconds")
        return int(ns)
    raise ValueError(f"{name}: expected a duration ('5min', int ns, timedelta), got {type(value).__name__}")


def to_nanoseconds(timestamp, name="timestamp") -> int:
    """A time as int nanoseconds since the Unix epoch, UTC: an int (ns), a numpy.datetime64, a
    datetime (naive means UTC) or pandas.Timestamp, or an ISO 8601 string."""
    if isinstance(timestamp, bool):
        raise ValueError(f"{name}: expected a time, got a bool")
    if isinstance(timestamp, (Integral, np.integer)):
        return int(timestamp)
    if hasattr(timestamp, "value") and hasattr(timestamp, "tz_localize"):  # pandas.Timestamp
        return int(timestamp.value) if timestamp.tzinfo is not None else int(timestamp.tz_localize("UTC").value)
    if isinstance(timestamp, _dt.datetime):
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=_dt.timezone.utc)
        delta = timestamp - _EPOCH
        return (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 10**3
    if isinstance(timestamp, np.datetime64):
        if np.isnat(timestamp):
            raise ValueError(f"{name}: is NaT")
        return int(timestamp.astype("datetime64[ns]").astype(np.int64))
    if isinstance(timestamp, str):
        text = timestamp.strip()
        try:
            parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name}: cannot read the time {timestamp!r} (expected ISO 8601 or int ns)") from None
        frac = re.search(r"\.(\d{7,9})", text)  # datetime keeps microseconds; keep the ns digits
        ns = to_nanoseconds(parsed, name)
        if frac:
            ns += int(frac.group(1).ljust(9, "0")[6:9])
        return ns
    raise ValueError(f"{name}: expected int ns, datetime64, datetime or an ISO string, got {type(timestamp).__name__}")


@dataclass
class Anomaly:
    """A window whose anomaly score exceeded the threshold.

    ``features`` maps every feature name to its value in the window; ``drivers`` lists the
    (feature name, weight) pairs that drove the score, largest first (IsolationForest: its
    share of the feature attributions; other detectors: |z| against the device's running
    mean and standard deviation of that feature).
    """

    device: str
    window_start: int
    window_end: int
    n_events: int
    score: float
    features: dict = field(repr=False)
    drivers: list

    def to_dict(self) -> dict:
        """JSON-ready: times as int ns and ISO strings."""
        iso = lambda ns: np.datetime_as_string(np.datetime64(ns, "ns"), unit="ms") + "Z"
        return {"device": self.device, "window_start": self.window_start, "window_end": self.window_end,
                "window_start_iso": iso(self.window_start), "window_end_iso": iso(self.window_end),
                "n_events": self.n_events, "score": self.score, "features": self.features,
                "drivers": [{"feature": n, "weight": w} for n, w in self.drivers]}


def _builder_document(builder):
    """The model document (a dict) of an oddkit.FeatureBuilder, or None."""
    if builder is None:
        return None
    from .features import FeatureBuilder

    if not isinstance(builder, FeatureBuilder):
        raise ValueError(f"builder: expected None or an oddkit.FeatureBuilder, got {type(builder).__name__}")
    if not builder.feature_names:
        raise ValueError("builder: declares no feature")
    return json.loads(builder.to_json())


def _params_json(window, lateness, aggregations, features, threshold, max_devices, top_features,
                 builder=None) -> str:
    if not isinstance(aggregations, dict) or not aggregations:
        raise ValueError("aggregations: expected a non-empty dict of field -> aggregation or list of aggregations")
    agg = []
    for name, wanted in aggregations.items():
        if not isinstance(name, str):
            raise ValueError(f"aggregations: field names must be strings, got {name!r}")
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        for a in wanted:
            if a not in _AGGREGATIONS:
                raise ValueError(f"aggregations: unknown aggregation {a!r} for field {name!r} (expected one of {_AGGREGATIONS})")
        agg.append({"field": name, "aggregations": wanted})
    features = {} if features is None else dict(features)
    unknown = set(features) - set(_FEATURE_KEYS)
    if unknown:
        raise ValueError(f"features: unknown keys {sorted(unknown)} (expected {list(_FEATURE_KEYS)})")
    spec = {"aggregates": bool(features.get("aggregates", builder is None))}
    for key in ("lags", "rolling"):
        values = features.get(key, [])
        values = [values] if isinstance(values, (Integral, np.integer)) else list(values)
        if not all(isinstance(v, (Integral, np.integer)) and not isinstance(v, bool) for v in values):
            raise ValueError(f"features: {key} must be integers, got {values!r}")
        spec[key] = [int(v) for v in values]
    calendar = features.get("calendar", [])
    spec["calendar"] = [calendar] if isinstance(calendar, str) else [str(c) for c in calendar]
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (Real, np.floating))):
        raise ValueError(f"threshold: expected a float or None, got {threshold!r}")
    if max_devices is not None and (isinstance(max_devices, bool) or not isinstance(max_devices, (Integral, np.integer)) or max_devices < 1):
        raise ValueError(f"max_devices: expected None or an int >= 1, got {max_devices!r}")
    if isinstance(top_features, bool) or not isinstance(top_features, (Integral, np.integer)) or top_features < 0:
        raise ValueError(f"top_features: expected an int >= 0, got {top_features!r}")
    t = None if threshold is None else float(threshold)
    return json.dumps({
        "windows": {"window": duration_ns(window, "window"), "lateness": duration_ns(lateness, "lateness"),
                    "aggregations": agg},
        "features": spec,
        "builder": _builder_document(builder),
        "threshold": "detector" if t is None else _json_double(t),
        "max_devices": 0 if max_devices is None else int(max_devices),
        "top_features": int(top_features),
    })


def _json_double(x: float):
    """The model document's spelling of a float: NaN is null, infinities are strings."""
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _core_detector(detector):
    """The C++ object behind an oddkit estimator or online detector."""
    if detector is None:
        return None
    from ._registry import DETECTORS
    from .stream import _OnlineDetector

    if isinstance(detector, _OnlineDetector):
        return detector._detector
    if isinstance(detector, _core.OnlineDetector):
        return detector
    engine = getattr(detector, "_core", detector)
    name = type(detector).__name__
    if name in DETECTORS and not hasattr(detector, "_core"):
        raise NotFittedError(f"detector: this {name} is not fitted yet; fit it on "
                             "Pipeline(detector=None) feature rows first (see feature_rows())")
    if hasattr(engine, "to_bytes") and type(engine).__module__.startswith("oddkit"):
        return engine  # any fitted batch detector: passed to C++ as its model document
    raise ValueError(f"detector: expected None, a fitted oddkit detector or an oddkit.stream online "
                     f"detector, got {name}")


class Pipeline:
    """Streaming anomaly detection over per-device time windows.

    Parameters
    ----------
    window : duration, default="1min"
        Tumbling window length ("5min", "30s", int ns, timedelta).
    lateness : duration, default="0s"
        Allowed lateness: the watermark is the device's latest event time minus this; events
        behind it are late (counted in ``stats``, skipped).
    aggregations : dict
        Field -> aggregation(s) among mean, sum, min, max, first, last, count, e.g.
        ``{"temp": ["mean", "max"], "hum": "mean"}``. The keys fix the field order of
        ``push_many``'s value columns.
    features : dict, optional
        ``{"aggregates": True, "lags": [1, 2], "rolling": [3], "calendar": ["hour_sin",
        "hour_cos"]}``; default: the aggregates alone (none when a ``builder`` is given).
    builder : oddkit.FeatureBuilder, optional
        Features of each device's resampled frame (columns named ``"<field>_<aggregation>"``,
        see ``aggregate_names``; rows are the closed windows, timed by their start), appended
        after the ``features`` ones. Computed incrementally per window from a bounded
        history; equal to ``builder.transform`` of the resampled frame. Lags, differences and
        rolling windows must look back (no negative periods, no ``center``).
    detector : fitted oddkit.IsolationForest, oddkit.stream online detector, or None
        None collects feature rows (``feature_rows()``) to fit a batch detector on. An online
        detector is copied per device; each device's copy scores then learns its windows.
    threshold : float, optional
        Anomaly when score > threshold. None: the batch detector's own (``-offset_``);
        required with an online detector.
    max_devices : int, optional
        Events of new devices beyond this many are counted and skipped.
    top_features : int, default=3
        Driving features reported per anomaly.
    """

    def __init__(self, *, window="1min", lateness="0s", aggregations, features=None, builder=None,
                 detector=None, threshold=None, max_devices=None, top_features=3):
        self.window = window
        self.lateness = lateness
        self.aggregations = aggregations
        self.features = features
        self.builder = builder
        self.detector = detector
        self.threshold = threshold
        self.max_devices = max_devices
        self.top_features = top_features
        params = _params_json(window, lateness, aggregations, features, threshold, max_devices, top_features,
                              builder)
        self._core = _core.Pipeline(params, _core_detector(detector))
        self._names = list(self._core.feature_names)

    # Events ------------------------------------------------------------------------------

    def push(self, device, timestamp, values) -> list[Anomaly]:
        """One event: ``values`` a dict of field -> number (None or NaN: no value; unknown
        fields counted and skipped) or a sequence of one value per field. Returns the
        anomalies of the windows the event closed."""
        if not isinstance(device, str):
            raise ValueError(f"device: expected a string id, got {type(device).__name__}")
        t = to_nanoseconds(timestamp)
        if isinstance(values, dict):
            found = self._core.push(device, t, values)
        else:
            found = self._core.push_values(device, t, np.asarray(values, dtype=np.float64))
        return self._anomalies(found)

    def push_many(self, devices, timestamps, values) -> list[Anomaly]:
        """Many events in order. ``devices``: one id or a sequence; ``timestamps``: int ns or
        datetime64 array-like; ``values``: a 2-D array with one column per field (in the
        ``aggregations`` order), a DataFrame (columns matched by name) or a list of dicts."""
        ts = np.asarray(timestamps)
        if np.issubdtype(ts.dtype, np.datetime64):
            if np.isnat(ts).any():
                raise ValueError("timestamps: contain NaT")
            ts = ts.astype("datetime64[ns]").astype(np.int64)
        elif ts.dtype == object:
            ts = np.array([to_nanoseconds(t, "timestamps") for t in ts], dtype=np.int64)
        elif not np.issubdtype(ts.dtype, np.integer):
            raise ValueError(f"timestamps: expected int ns or datetime64, got dtype {ts.dtype}")
        ts = np.ascontiguousarray(ts, dtype=np.int64).reshape(-1)
        devices = [devices] * len(ts) if isinstance(devices, str) else [str(d) for d in devices]
        if isinstance(values, (list, tuple)) and values and isinstance(values[0], dict):
            if len(values) != len(ts) or len(devices) != len(ts):
                raise ValueError("push_many: devices, timestamps and values differ in length")
            found = []
            for d, t, v in zip(devices, ts, values):
                found += self._core.push(d, int(t), v)
            return self._anomalies(found)
        if hasattr(values, "columns") and hasattr(values, "to_numpy"):
            missing = [f for f in self._core.fields if f not in values.columns]
            if missing:
                raise ValueError(f"values: missing columns {missing}")
            values = values[list(self._core.fields)].to_numpy(dtype=np.float64)
        X = np.ascontiguousarray(values, dtype=np.float64)
        return self._anomalies(self._core.push_many(devices, ts, X))

    def flush(self) -> list[Anomaly]:
        """End of stream: closes every open window (devices in first-seen order)."""
        return self._anomalies(self._core.flush())

    def feature_rows(self):
        """(devices, window_starts, X) collected by a pipeline without a detector since the
        last call: fit a batch detector on X and pass it to a new Pipeline."""
        devices, starts, X = self._core.take_feature_rows()
        return list(devices), starts, X

    def _anomalies(self, found) -> list[Anomaly]:
        names = self._names
        return [Anomaly(device, start, end, n, score, dict(zip(names, features.tolist())),
                        [(names[j], w) for j, w in drivers])
                for device, start, end, n, score, features, drivers in found]

    # State -------------------------------------------------------------------------------

    @property
    def stats(self) -> dict:
        """Counters (see docs/pipeline.md) plus ``late_by_device``."""
        stats = json.loads(self._core.stats)
        stats["late_by_device"] = {d: self._core.late_events(d) for d in self._core.devices}
        return stats

    @property
    def devices(self) -> list[str]:
        return list(self._core.devices)

    @property
    def fields(self) -> list[str]:
        return list(self._core.fields)

    @property
    def aggregate_names(self) -> list[str]:
        """The resampled frame's columns, ``"<field>_<aggregation>"``: what a builder names."""
        return list(self._core.aggregate_names)

    @property
    def feature_names(self) -> list[str]:
        return list(self._names)

    @property
    def threshold_(self) -> float:
        """The threshold in use (+inf without a detector)."""
        return self._core.threshold

    def watermark(self, device) -> int:
        return self._core.watermark(device)

    def save(self, path):
        """Writes the whole state (open windows, feature history, detectors) atomically; a
        loaded pipeline, in Python or C++ (``oddkit::Pipeline::load``), continues identically."""
        self._core.save(os.fspath(path))

    def to_bytes(self) -> bytes:
        return self._core.to_bytes()

    @classmethod
    def _from_core(cls, core):
        params = json.loads(core.params_json)
        self = cls.__new__(cls)
        self.window = params["windows"]["window"]
        self.lateness = params["windows"]["lateness"]
        self.aggregations = {a["field"]: list(a["aggregations"]) for a in params["windows"]["aggregations"]}
        self.features = dict(params["features"])
        self.builder = None
        if params.get("builder") is not None:
            from .features import FeatureBuilder

            self.builder = FeatureBuilder.__new__(FeatureBuilder)
            self.builder.__setstate__({"document": json.dumps(params["builder"]).encode()})
        self.detector = None  # restored inside the C++ state
        t = params["threshold"]
        self.threshold = None if t == "detector" else float(t) if t is not None else float("nan")
        self.max_devices = params["max_devices"] or None
        self.top_features = params["top_features"]
        self._core = core
        self._names = list(core.feature_names)
        return self

    @classmethod
    def load(cls, path):
        return cls._from_core(_core.Pipeline.load(check_load_path(path)))

    @classmethod
    def from_bytes(cls, data: bytes):
        return cls._from_core(_core.Pipeline.from_bytes(bytes(data)))

    def __getstate__(self):
        return {"document": self.to_bytes()}

    def __setstate__(self, state):
        self.__dict__.update(self.from_bytes(state["document"]).__dict__)

    def __copy__(self):
        return self.from_bytes(self.to_bytes())

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __repr__(self):
        return (f"Pipeline(window={self.window!r}, lateness={self.lateness!r}, aggregations={self.aggregations!r}, "
                f"features={self.features!r}, builder={self.builder!r}, detector={self.detector!r}, threshold={self.threshold!r})")
