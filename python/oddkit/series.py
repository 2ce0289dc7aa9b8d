"""Time-series containers and operations over oddkit's C++ series layer.

A :class:`Frame` is a sorted int64-nanosecond time index (UTC) shared by named 1-D columns of
float64 (NaN = missing), int64 or bool, each one contiguous NumPy array, so pandas and NumPy
columns pass to the C++ kernels without a copy. :class:`Series` is one such column.

Every function here also accepts a pandas DataFrame or Series (with a DatetimeIndex) and then
returns the same kind it was given, with pandas' answers: ``oddkit.resample(df, "1D").mean()``
equals ``df.resample("1D").mean()``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from . import _core

__all__ = [
    "Frame",
    "Resampler",
    "Series",
    "align",
    "bfill",
    "deduplicate",
    "dropna",
    "ffill",
    "interpolate",
    "join",
    "merge_asof",
    "read_csv",
    "read_json",
    "resample",
]

_AGGREGATIONS = ("mean", "sum", "min", "max", "first", "last", "count", "median", "std", "var")


def _pandas():
    import pandas as pd

    return pd


def _is_pandas(obj) -> bool:
    mod = type(obj).__module__
    return mod.startswith("pandas") and type(obj).__name__ in ("DataFrame", "Series")


def _column_array(values, name) -> np.ndarray:
    """A 1-D float64, int64 or bool array for a column (views where the dtype already fits)."""
    pd = None
    if hasattr(values, "dtype") and not isinstance(values, np.ndarray):
        pd = _pandas()
        dtype = values.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "fiub":
            # nullable Int64/Float64/boolean: missing values become NaN
            values = values.to_numpy(dtype="float64", na_value=np.nan)
        else:
            values = values.to_numpy()
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"values: column {name!r} must be 1-D, got {arr.ndim}-D")
    kind = arr.dtype.kind
    if kind == "f":
        return (
            arr
            if arr.dtype == np.float64 and arr.flags.c_contiguous
            else np.ascontiguousarray(arr, np.float64)
        )
    if kind in "iu":
        return np.ascontiguousarray(arr, np.int64)
    if kind == "b":
        return np.ascontiguousarray(arr, np.bool_)
    raise ValueError(
        f"column {name!r} has dtype {arr.dtype}; oddkit frames hold float64, int64 or bool columns"
    )


def _ns_int64(index) -> np.ndarray:
    """A DatetimeIndex's int64 nanoseconds: its own buffer when it is already in ns (pandas'
    as_unit copies even then, 12 ms for 10 million rows). A shared buffer is made read-only
    here, so nothing in oddkit can write into the caller's index through it."""
    if getattr(index, "unit", None) == "ns":
        view = index.asi8.view()
        view.flags.writeable = False
        return view if view.flags.c_contiguous else np.ascontiguousarray(view)
    return np.ascontiguousarray(index.as_unit("ns").asi8)


def _time_array(index, name="index") -> np.ndarray:
    """int64 ns since the epoch (UTC) from a DatetimeIndex, datetime64 array or int64 array."""
    pd = None
    if hasattr(index, "tz") and getattr(index, "tz", None) is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    if hasattr(index, "as_unit"):
        return _ns_int64(index)
    arr = np.asarray(index)
    if arr.dtype.kind == "M":
        return np.ascontiguousarray(arr.astype("datetime64[ns]", copy=False).view(np.int64))
    if arr.dtype.kind in "iu":
        return np.ascontiguousarray(arr, np.int64)
    pd = _pandas()
    try:
        return np.ascontiguousarray(pd.DatetimeIndex(arr).as_unit("ns").asi8)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name}: expected timestamps (datetime64 or int64 ns), got {arr.dtype}"
        ) from error


def _duration_ns(value, name) -> int:
    """ns of a Timedelta-like (pd.Timedelta, datetime.timedelta, np.timedelta64 or '5min')."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        raise ValueError(
            f"{name}: expected a duration (pandas Timedelta, datetime.timedelta, numpy.timedelta64 or "
            f"a string such as '5min'), got {type(value).__name__} {value!r}"
        )
    if isinstance(value, str):
        value = _pandas().Timedelta(value)
    if isinstance(value, _dt.timedelta) and not hasattr(value, "value"):
        return (
            value.days * 86_400_000_000_000
            + value.seconds * 1_000_000_000
            + value.microseconds * 1000
        )
    if isinstance(value, np.timedelta64):
        return int(value.astype("timedelta64[ns]").astype(np.int64))
    if hasattr(value, "value") and hasattr(value, "as_unit"):
        return int(value.as_unit("ns").value)
    raise ValueError(f"{name}: expected a duration, got {type(value).__name__}")


class _IndexMeta:
    """What to restore when turning results back into pandas: name, unit and zone of the index."""

    def __init__(self, name=None, unit="ns", tz=None):
        self.name, self.unit, self.tz = name, unit, tz

    def to_index(self, times: np.ndarray):
        pd = _pandas()
        idx = pd.DatetimeIndex(times.view("datetime64[ns]"), name=self.name)
        if self.unit != "ns":
            idx = idx.as_unit(self.unit)
        if self.tz is not None:
            idx = idx.tz_localize("UTC").tz_convert(self.tz)
        return idx


class Frame:
    """Named columns sharing one sorted time index (int64 ns since the epoch, UTC)."""

    def __init__(
        self,
        index=None,
        data: dict | None = None,
        *,
        _meta: _IndexMeta | None = None,
        _checked: bool = False,
    ):
        times = np.empty(0, np.int64) if index is None else _time_array(index)
        if not _checked:
            _core.check_sorted_times(times, "index")
        self._times = times
        self._columns: dict[Any, np.ndarray] = {}
        self._meta = _meta or _IndexMeta()
        for name, values in (data or {}).items():
            arr = _column_array(values, name)
            if len(arr) != len(times):
                raise ValueError(
                    f"values: column {name!r} has {len(arr)} rows but the index has {len(times)}"
                )
            self._columns[name] = arr

    # ---- pandas ----------------------------------------------------------------------------
    @classmethod
    def from_pandas(cls, df) -> Frame:
        """A Frame over a pandas DataFrame (or Series) with a DatetimeIndex; columns are shared
        without a copy when they are float64."""
        pd = _pandas()
        if isinstance(df, pd.Series):
            df = df.to_frame(name=df.name if df.name is not None else 0)
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
        if not isinstance(df.index, pd.DatetimeIndex):
            raise ValueError(
                f"df: the index must be a DatetimeIndex, got {type(df.index).__name__}; "
                "use df.set_index(<time column>)"
            )
        if not df.columns.is_unique:
            raise ValueError("df: column names must be unique")
        meta = _IndexMeta(df.index.name, df.index.unit, df.index.tz)
        data = {name: df[name] for name in df.columns}
        return cls(df.index, data, _meta=meta)

    def to_pandas(self):
        """A pandas DataFrame indexed by time (tuple column names become a MultiIndex). Columns are
        shared with this frame, not copied (oddkit never writes into a frame's arrays)."""
        pd = _pandas()
        index = self._meta.to_index(self._times)
        columns = list(self._columns)
        if columns and all(isinstance(c, tuple) for c in columns):
            out = pd.DataFrame(
                dict(zip(range(len(columns)), self._columns.values())), index=index, copy=False
            )
            out.columns = pd.MultiIndex.from_tuples(columns)
            return out
        return pd.DataFrame(self._columns, index=index, columns=columns, copy=False)

    # ---- container ---------------------------------------------------------------------------
    @property
    def index(self) -> np.ndarray:
        """The time index as datetime64[ns] (a view, no copy)."""
        return self._times.view("datetime64[ns]")

    @property
    def times(self) -> np.ndarray:
        """The time index as int64 ns since the epoch (UTC)."""
        return self._times

    @property
    def columns(self) -> list:
        return list(self._columns)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self._times), len(self._columns))

    @property
    def is_unique(self) -> bool:
        return bool(len(self._times) < 2 or np.all(self._times[1:] != self._times[:-1]))

    def __len__(self) -> int:
        return len(self._times)

    def __contains__(self, name) -> bool:
        return name in self._columns

    def __getitem__(self, name) -> Series:
        if name not in self._columns:
            raise KeyError(f"column: no column named {name!r}")
        return Series(self._times, self._columns[name], name=name, _meta=self._meta, _checked=True)

    def __setitem__(self, name, values) -> None:
        arr = _column_array(values, name)
        if len(arr) != len(self._times):
            raise ValueError(
                f"values: column {name!r} has {len(arr)} rows but the index has {len(self._times)}"
            )
        self._columns[name] = arr

    def __repr__(self) -> str:
        return (
            f"oddkit.Frame({len(self)} rows x {len(self._columns)} columns: {list(self._columns)})"
        )

    def _like(self, times, columns: dict) -> Frame:
        out = Frame.__new__(Frame)
        out._times, out._columns, out._meta = times, dict(columns), self._meta
        return out

    # ---- operations (methods mirror the module functions) ---------------------------------------
    def resample(
        self, rule: str, closed=None, label=None, origin="start_day", offset=None, n_jobs=1
    ) -> Resampler:
        return Resampler(
            self, rule, closed=closed, label=label, origin=origin, offset=offset, n_jobs=n_jobs
        )

    def ffill(self, limit=None) -> Frame:
        return self._fill("ffill", limit)

    def bfill(self, limit=None) -> Frame:
        return self._fill("bfill", limit)

    def interpolate(self, method="linear", limit=None) -> Frame:
        if method not in ("linear", "time"):
            raise ValueError(f"method: expected 'linear' or 'time', got {method!r}")
        return self._fill(method, limit)

    def _fill(self, method, limit) -> Frame:
        limit = _limit(limit)
        cols = {
            name: (_core.fill(v, self._times, method, limit) if v.dtype.kind == "f" else v)
            for name, v in self._columns.items()
        }
        return self._like(self._times, cols)

    def dropna(self, how="any", subset=None) -> Frame:
        if how not in ("any", "all"):
            raise ValueError(f"how: expected 'any' or 'all', got {how!r}")
        names = list(self._columns) if subset is None else list(subset)
        for name in names:
            if name not in self._columns:
                raise ValueError(f"subset: no column named {name!r}")
        masks = [np.isnan(self._columns[n]) for n in names if self._columns[n].dtype.kind == "f"]
        if not names:
            keep = np.ones(len(self), bool)
        elif how == "any":
            keep = ~np.logical_or.reduce(masks) if masks else np.ones(len(self), bool)
        else:
            keep = (
                ~np.logical_and.reduce(masks)
                if len(masks) == len(names)
                else np.ones(len(self), bool)
            )
        return self._like(self._times[keep], {n: v[keep] for n, v in self._columns.items()})

    def deduplicate(self, keep="first") -> Frame:
        names = list(self._columns)
        if not all(isinstance(n, str) for n in names):
            raise ValueError("deduplicate: column names must be strings")
        times, out_names, cols = _core.deduplicate(
            self._times, names, list(self._columns.values()), keep
        )
        return self._like(times, dict(zip(out_names, cols)))

    # ---- windows and row offsets (oddkit.analysis over this object; same kind comes back) ---
    def rolling(self, window, min_periods=None, center=False, closed=None, n_jobs=1):
        """pandas' ``rolling``: window is a row count (int) or a duration ('1h', a Timedelta);
        ``.mean() .sum() .var() .std() .min() .max() .median() .quantile(q) .count()`` give
        the same kind of object on the same index. ``n_jobs`` threads share the rows of long
        columns (same answer for any count)."""
        from .analysis import Rolling

        return Rolling(self, window, min_periods=min_periods, center=center, closed=closed, n_jobs=n_jobs)

    def ewm(
        self, com=None, span=None, halflife=None, alpha=None, min_periods=0, adjust=True, ignore_na=False
    ):
        """pandas' ``ewm`` (row-based decay): ``.mean() .var(bias) .std(bias)``."""
        from .analysis import EWM

        return EWM(
            self,
            com=com,
            span=span,
            halflife=halflife,
            alpha=alpha,
            min_periods=min_periods,
            adjust=adjust,
            ignore_na=ignore_na,
        )

    def shift(self, periods=1):
        """Values ``periods`` rows earlier (later when negative); NaN where there is none."""
        from .analysis import shift

        return shift(self, periods)

    def diff(self, periods=1):
        """``self - self.shift(periods)``."""
        from .analysis import diff

        return diff(self, periods)

    def pct_change(self, periods=1):
        """``self / self.shift(periods) - 1``, without filling missing values (pandas 3)."""
        from .analysis import pct_change

        return pct_change(self, periods)

    def to_json(
        self, path, orient="records", time_column="timestamp", date_format="epoch", date_unit="ms"
    ) -> None:
        _core.write_json(
            str(path),
            self._times,
            [str(n) for n in self._columns],
            list(self._columns.values()),
            orient,
            time_column,
            date_format,
            date_unit,
        )

    def to_csv(
        self, path, time_column="timestamp", sep=",", date_format="iso", date_unit="ms"
    ) -> None:
        if date_format not in ("iso", "epoch"):
            raise ValueError(f"date_format: expected 'iso' or 'epoch', got {date_format!r}")
        _core.write_csv(
            str(path),
            self._times,
            [str(n) for n in self._columns],
            list(self._columns.values()),
            time_column,
            sep,
            date_format == "iso",
            date_unit,
        )


class Series:
    """One column on a sorted time index."""

    def __init__(self, index, values, name=None, *, _meta=None, _checked=False):
        times = _time_array(index)
        if not _checked:
            _core.check_sorted_times(times, "index")
        self._times = times
        self.values = _column_array(values, name)
        if len(self.values) != len(times):
            raise ValueError(f"values: has {len(self.values)} rows but the index has {len(times)}")
        self.name = name
        self._meta = _meta or _IndexMeta()

    @classmethod
    def from_pandas(cls, s) -> Series:
        frame = Frame.from_pandas(s)
        return frame[frame.columns[0]]

    def to_pandas(self):
        return _pandas().Series(
            self.values, index=self._meta.to_index(self._times), name=self.name, copy=False
        )

    def to_frame(self) -> Frame:
        return Frame(
            self._times,
            {self.name if self.name is not None else 0: self.values},
            _meta=self._meta,
            _checked=True,
        )

    @property
    def index(self) -> np.ndarray:
        return self._times.view("datetime64[ns]")

    @property
    def times(self) -> np.ndarray:
        return self._times

    def __len__(self) -> int:
        return len(self._times)

    def __repr__(self) -> str:
        return f"oddkit.Series({self.name!r}, {len(self)} rows, {self.values.dtype})"

    def _from_frame(self, frame: Frame) -> Series:
        return Series(
            frame._times,
            next(iter(frame._columns.values())),
            name=self.name,
            _meta=self._meta,
            _checked=True,
        )

    def resample(self, rule, **kwargs) -> Resampler:
        return Resampler(self.to_frame(), rule, _series_name=self.name, _series=True, **kwargs)

    def _with_values(self, values) -> Series:
        return Series(self._times, values, name=self.name, _meta=self._meta, _checked=True)

    rolling = Frame.rolling
    ewm = Frame.ewm
    shift = Frame.shift
    diff = Frame.diff
    pct_change = Frame.pct_change

    def ffill(self, limit=None):
        return self._from_frame(self.to_frame().ffill(limit))

    def bfill(self, limit=None):
        return self._from_frame(self.to_frame().bfill(limit))

    def interpolate(self, method="linear", limit=None):
        return self._from_frame(self.to_frame().interpolate(method, limit))

    def dropna(self):
        return self._from_frame(self.to_frame().dropna())

    def deduplicate(self, keep="first"):
        f = self.to_frame()
        name = next(iter(f._columns))
        renamed = f._like(f._times, {"value": f._columns[name]}).deduplicate(keep)
        return Series(
            renamed._times,
            renamed._columns["value"],
            name=self.name,
            _meta=self._meta,
            _checked=True,
        )


def _limit(limit):
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)):
        raise ValueError(f"limit: expected a positive int or None, got {limit!r}")
    if limit <= 0:
        raise ValueError(f"limit: must be greater than 0, got {limit}")
    return int(limit)


class Resampler:
    """frame.resample(rule, ...): call an aggregation (mean(), sum(), ..., agg({...}))."""

    def __init__(
        self,
        frame: Frame,
        rule,
        closed=None,
        label=None,
        origin="start_day",
        offset=None,
        n_jobs=1,
        _to_pandas=False,
        _series=False,
        _series_name=None,
    ):
        if not isinstance(rule, str):
            raise ValueError(
                f"rule: expected a string such as '15min' or '1D', got {type(rule).__name__}"
            )
        for arg, value in (("closed", closed), ("label", label)):
            if value not in (None, "left", "right"):
                raise ValueError(f"{arg}: expected 'left' or 'right', got {value!r}")
        if isinstance(origin, str):
            if origin not in ("epoch", "start", "start_day"):
                raise ValueError(
                    f"origin: expected 'epoch', 'start', 'start_day' or a timestamp, got {origin!r}"
                )
        else:
            ts = _pandas().Timestamp(origin)
            if ts.tz is not None:
                ts = ts.tz_convert("UTC").tz_localize(None)
            origin = int(ts.as_unit("ns").value)
        self._frame, self._rule, self._closed, self._label = frame, rule, closed, label
        self._origin, self._offset = origin, _duration_ns(offset, "offset") or 0
        self._n_jobs, self._to_pandas, self._series, self._series_name = (
            n_jobs,
            _to_pandas,
            _series,
            _series_name,
        )

    def _run(self, specs: list[tuple[Any, str, float]]):
        """specs: (column name, aggregation, q) -> output column names are decided by the caller."""
        f = self._frame
        names = list(f._columns)
        positions = {n: i for i, n in enumerate(names)}
        for col, _, _ in specs:
            if col not in positions:
                raise ValueError(f"column: no column named {col!r}")
        labels, outs = _core.resample_columns(
            f._times,
            list(f._columns.values()),
            [(positions[c], a, q) for c, a, q in specs],
            self._rule,
            self._closed,
            self._label,
            self._origin,
            self._offset,
            self._n_jobs,
        )
        return labels, outs

    def _finish(self, labels, columns: dict):
        out = Frame.__new__(Frame)
        out._times, out._columns, out._meta = labels, columns, self._frame._meta
        if self._series:
            series = Series(
                labels,
                next(iter(columns.values())),
                name=self._series_name,
                _meta=out._meta,
                _checked=True,
            )
            return series.to_pandas() if self._to_pandas else series
        return out.to_pandas() if self._to_pandas else out

    def _same_for_all(self, agg: str, q: float = 0.5):
        names = list(self._frame._columns)
        labels, outs = self._run([(n, agg, q) for n in names])
        return self._finish(labels, dict(zip(names, outs)))

    def mean(self):
        return self._same_for_all("mean")

    def sum(self):
        return self._same_for_all("sum")

    def min(self):
        return self._same_for_all("min")

    def max(self):
        return self._same_for_all("max")

    def first(self):
        return self._same_for_all("first")

    def last(self):
        return self._same_for_all("last")

    def count(self):
        return self._same_for_all("count")

    def median(self):
        return self._same_for_all("median")

    def std(self, ddof=1):
        if ddof != 1:
            raise ValueError(f"ddof: only ddof=1 is supported, got {ddof}")
        return self._same_for_all("std")

    def var(self, ddof=1):
        if ddof != 1:
            raise ValueError(f"ddof: only ddof=1 is supported, got {ddof}")
        return self._same_for_all("var")

    def quantile(self, q=0.5):
        if (
            isinstance(q, bool)
            or not isinstance(q, (int, float, np.floating, np.integer))
            or not 0 <= q <= 1
        ):
            raise ValueError(f"q: expected a number in [0, 1], got {q!r}")
        return self._same_for_all("quantile", float(q))

    def agg(self, func):
        """pandas' vocabulary: "mean"; ["mean", "max"] (columns (name, agg)); {"a": "mean",
        "b": ["min", "max"]} (a str keeps the column name, a list gives (name, agg) columns)."""
        names = list(self._frame._columns)

        def check(agg):
            if not isinstance(agg, str) or agg not in _AGGREGATIONS:
                raise ValueError(
                    f"aggregation: unknown {agg!r} (expected one of {', '.join(_AGGREGATIONS)})"
                )
            return agg

        outputs, specs = [], []
        if isinstance(func, str):
            return self._same_for_all(check(func))
        if isinstance(func, (list, tuple)):
            for n in names:
                for a in func:
                    specs.append((n, check(a), 0.5))
                    outputs.append((n, a))
        elif isinstance(func, dict):
            for n, aggs in func.items():
                if n not in self._frame._columns:
                    raise ValueError(f"column: no column named {n!r}")
                if isinstance(aggs, str):
                    specs.append((n, check(aggs), 0.5))
                    outputs.append(n)
                else:
                    for a in aggs:
                        specs.append((n, check(a), 0.5))
                        outputs.append((n, a))
            if any(isinstance(o, tuple) for o in outputs):
                outputs = [
                    o if isinstance(o, tuple) else (o, specs[i][1]) for i, o in enumerate(outputs)
                ]
        else:
            raise ValueError(f"func: expected a str, a list or a dict, got {type(func).__name__}")
        if self._series and isinstance(func, (list, tuple)):
            outputs = [a for _, a in outputs]
            self._series = False
        labels, outs = self._run(specs)
        return self._finish(labels, dict(zip(outputs, outs)))

    aggregate = agg


# ---- module-level functions: accept Frame/Series or pandas, return the same kind -----------------


def _as_frame(obj, name="frame"):
    """(Frame, to_pandas flag, is_series, series name)."""
    if isinstance(obj, Frame):
        return obj, False, False, None
    if isinstance(obj, Series):
        return obj.to_frame(), False, True, obj.name
    if _is_pandas(obj):
        pd = _pandas()
        if isinstance(obj, pd.Series):
            return Frame.from_pandas(obj.to_frame(name=0)), True, True, obj.name
        return Frame.from_pandas(obj), True, False, None
    raise ValueError(
        f"{name}: expected an oddkit Frame or Series or a pandas DataFrame or Series, "
        f"got {type(obj).__name__}"
    )


def _give_back(frame: Frame, to_pandas: bool, is_series: bool, series_name):
    if is_series:
        values = next(iter(frame._columns.values()))
        s = Series(frame._times, values, name=series_name, _meta=frame._meta, _checked=True)
        return s.to_pandas() if to_pandas else s
    return frame.to_pandas() if to_pandas else frame


def resample(
    obj, rule, closed=None, label=None, origin="start_day", offset=None, n_jobs=1
) -> Resampler:
    """pandas' obj.resample(rule, closed, label, origin, offset); aggregate with .mean(), .agg(...)."""
    frame, to_pd, is_series, name = _as_frame(obj, "obj")
    return Resampler(
        frame,
        rule,
        closed=closed,
        label=label,
        origin=origin,
        offset=offset,
        n_jobs=n_jobs,
        _to_pandas=to_pd,
        _series=is_series,
        _series_name=name,
    )


def ffill(obj, limit=None):
    f, pd_, s, n = _as_frame(obj, "obj")
    return _give_back(f.ffill(limit), pd_, s, n)


def bfill(obj, limit=None):
    f, pd_, s, n = _as_frame(obj, "obj")
    return _give_back(f.bfill(limit), pd_, s, n)


def interpolate(obj, method="linear", limit=None):
    f, pd_, s, n = _as_frame(obj, "obj")
    return _give_back(f.interpolate(method, limit), pd_, s, n)


def dropna(obj, how="any", subset=None):
    f, pd_, s, n = _as_frame(obj, "obj")
    return _give_back(f.dropna(how, subset), pd_, s, n)


def deduplicate(obj, keep="first"):
    """One row per timestamp: keep="first", "last", or "mean" (average each column)."""
    f, pd_, s, n = _as_frame(obj, "obj")
    if s:
        only = next(iter(f._columns))
        f = f._like(f._times, {"value": f._columns[only]})
    return _give_back(f.deduplicate(keep), pd_, s, n)


def _take_all(frame: Frame, rows: np.ndarray, skip=()) -> dict:
    return {n: _core.take(v, rows) for n, v in frame._columns.items() if n not in skip}


def _side_frame(df, side) -> Frame:
    try:
        return Frame.from_pandas(df)
    except ValueError as error:
        raise ValueError(f"{side}: {error}") from None


def _pandas_on(df, on, side):
    """A pandas frame with its `on` column moved into the index (or as it is when on is None)."""
    if on is None:
        return df
    if on not in df.columns:
        raise ValueError(f"on: no column {on!r} in {side}")
    return df.set_index(on)


def merge_asof(
    left,
    right,
    on=None,
    by=None,
    direction="backward",
    tolerance=None,
    allow_exact_matches=True,
    suffixes=("_x", "_y"),
    n_jobs=1,
):
    """pandas.merge_asof on time: for each left row the right row nearest in `direction`.

    Frames match on their time index; pandas DataFrames on the column `on` (or their index when
    on is None). `by` names a key column in both (any dtype for pandas: keys are factorized).
    `tolerance` is a duration (pd.Timedelta, datetime.timedelta, numpy.timedelta64 or '5min').
    `n_jobs` threads share the left rows (the answer does not depend on it).
    """
    if direction not in ("backward", "forward", "nearest"):
        raise ValueError(
            f"direction: expected 'backward', 'forward' or 'nearest', got {direction!r}"
        )
    if not isinstance(allow_exact_matches, (bool, np.bool_)):
        raise ValueError(f"allow_exact_matches: expected a bool, got {allow_exact_matches!r}")
    tol = _duration_ns(tolerance, "tolerance")
    if tol is not None and tol < 0:
        raise ValueError(f"tolerance: must be a non-negative duration, got {tolerance!r}")
    to_pandas = _is_pandas(left)
    if to_pandas != _is_pandas(right):
        raise ValueError("right: pass both frames as pandas DataFrames or both as oddkit Frames")
    left_by_values = None
    if to_pandas:
        pd = _pandas()
        lp, rp = _pandas_on(left, on, "left"), _pandas_on(right, on, "right")
        if by is not None:
            for side, df in (("left", lp), ("right", rp)):
                if by not in df.columns:
                    raise ValueError(f"by: no column {by!r} in {side}")
            codes, _ = pd.factorize(
                pd.concat([lp[by], rp[by]], ignore_index=True), use_na_sentinel=True
            )
            left_codes, right_codes = (
                codes[: len(lp)].astype(np.int64),
                codes[len(lp) :].astype(np.int64),
            )
            left_by_values = lp[by]
            lp, rp = lp.drop(columns=[by]), rp.drop(columns=[by])
        lf, rf = _side_frame(lp, "left"), _side_frame(rp, "right")
    else:
        lf, rf = _as_frame(left, "left")[0], _as_frame(right, "right")[0]
        if by is not None:
            for side, f in (("left", lf), ("right", rf)):
                if by not in f._columns:
                    raise ValueError(f"by: no column {by!r} in {side}")
                if f._columns[by].dtype.kind not in "iub":
                    raise ValueError(
                        f"by: column {by!r} of {side} must hold integer keys in an oddkit Frame"
                    )
            left_codes = np.ascontiguousarray(lf._columns[by], np.int64)
            right_codes = np.ascontiguousarray(rf._columns[by], np.int64)
    skip = (by,) if by is not None and not to_pandas else ()
    right_names = [n for n in rf._columns if n not in skip]
    # float64 right columns are gathered during the merge walk (no indexer is written); int64
    # and bool columns are taken through the indexer afterwards
    fused = [n for n in right_names if rf._columns[n].dtype == np.float64]
    others = [n for n in right_names if rf._columns[n].dtype != np.float64]
    gathered, rows = _core.asof_gather(
        lf._times,
        rf._times,
        [rf._columns[n] for n in fused],
        direction,
        tol,
        bool(allow_exact_matches),
        left_codes if by is not None else None,
        right_codes if by is not None else None,
        bool(others),
        1 if n_jobs is None else n_jobs,
    )
    taken = dict(zip(fused, gathered))
    taken.update({n: _core.take(rf._columns[n], rows) for n in others})
    lcols = dict(lf._columns)  # shared, not copied: the left columns come back unchanged
    rcols = {n: taken[n] for n in right_names}
    out = {}
    for n, v in lcols.items():
        out[(f"{n}{suffixes[0]}" if n in rcols and n != by else n)] = v
    for n, v in rcols.items():
        out[(f"{n}{suffixes[1]}" if n in lcols else n)] = v
    result = lf._like(lf._times, out)
    if not to_pandas:
        return result
    df = result.to_pandas()
    if by is not None:
        df[by] = left_by_values.to_numpy()
    if on is not None:
        df = df.reset_index()
    # pandas' column order: the left frame's columns as they were, then the right's new ones
    clash = set(lp.columns) & set(rp.columns)
    left_names = [f"{n}{suffixes[0]}" if n in clash else n for n in left.columns]
    df = df[left_names + [c for c in df.columns if c not in left_names]]
    return df


def join(left, right, how="outer", suffixes=("_x", "_y")):
    """Exact join on the time index: pandas.merge(left, right, left_index=True, right_index=True,
    how=how, suffixes=suffixes). Equal timestamps pair up as a cartesian product."""
    if how not in ("inner", "left", "right", "outer"):
        raise ValueError(f"how: expected 'inner', 'left', 'right' or 'outer', got {how!r}")
    lf, to_pd, _, _ = _as_frame(left, "left")
    rf = _as_frame(right, "right")[0]
    times, li, ri = _core.join_indexers(lf._times, rf._times, how)
    lcols, rcols = _take_all(lf, li), _take_all(rf, ri)
    out = {}
    for n, v in lcols.items():
        out[f"{n}{suffixes[0]}" if n in rcols else n] = v
    for n, v in rcols.items():
        out[f"{n}{suffixes[1]}" if n in lcols else n] = v
    result = lf._like(times, out)
    return result.to_pandas() if to_pd else result


def align(*frames, join="outer"):
    """Every frame reindexed onto one grid: the union ('outer') or intersection ('inner') of their
    indexes, or the first frame's ('left'). Indexes must be unique. Returns a list."""
    if join not in ("inner", "left", "outer"):
        raise ValueError(f"join: expected 'inner', 'left' or 'outer', got {join!r}")
    if not frames:
        raise ValueError("frames: at least one frame is needed")
    wrapped = [_as_frame(f, f"frames[{i}]") for i, f in enumerate(frames)]
    for i, (f, *_rest) in enumerate(wrapped):
        if not f.is_unique:
            raise ValueError(f"frames[{i}]: index: duplicate timestamps; deduplicate first")
    grid = wrapped[0][0]._times
    if join != "left":
        for f, *_rest in wrapped[1:]:
            grid = _core.join_indexers(grid, f._times, join)[0]
    out = []
    for f, to_pd, is_series, name in wrapped:
        _, _gi, fi = _core.join_indexers(grid, f._times, "left")
        g = f._like(grid, _take_all(f, fi))
        out.append(_give_back(g, to_pd, is_series, name))
    return out


def _from_arrays(times, names, cols) -> Frame:
    out = Frame.__new__(Frame)
    out._times, out._columns, out._meta = times, dict(zip(names, cols)), _IndexMeta()
    return out


def read_json(path, orient="records", time_column="timestamp", date_unit="ms") -> Frame:
    """A Frame from JSON written by pandas' to_json(orient=...); rows sorted by time.
    Epoch numbers are in `date_unit` (pandas' default 'ms'); ISO 8601 strings also work."""
    frame = _from_arrays(*_core.read_json(str(path), orient, time_column, date_unit))
    frame._meta = _IndexMeta(time_column if orient in ("records",) else None)
    return frame


def read_csv(path, time_column=None, sep=",", date_unit="ms") -> Frame:
    """A Frame from CSV with a timestamp column (default: the first), as pandas' to_csv writes it."""
    frame = _from_arrays(*_core.read_csv(str(path), time_column or "", sep, date_unit))
    return frame
