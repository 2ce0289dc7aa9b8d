"""Time-series analysis with pandas' and statsmodels' names over oddkit's C++ kernels.

Every function accepts a pandas Series/DataFrame (a DatetimeIndex is needed for time-based
windows) or NumPy arrays, and returns the same kind: pandas in gives pandas out with the same
index and names; NumPy in gives NumPy out of the same shape.
"""

from __future__ import annotations

import numbers
from collections import namedtuple

import numpy as np

from . import _core

try:  # pandas is optional: only needed to pass or receive pandas objects
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

__all__ = [
    "Rolling", "rolling", "EWM", "ewm", "shift", "diff", "pct_change", "describe", "corr",
    "acf", "ccf", "cross_correlation", "CrossCorrelation", "seasonal_decompose",
    "DecomposeResult", "adfuller",
]


def _is_pandas(obj) -> bool:
    return pd is not None and isinstance(obj, (pd.Series, pd.DataFrame))


def _columns(obj):
    """(columns x rows) float64 C-order array and a function rebuilding the caller's kind.

    The rebuilt pandas object wraps the new result without a copy (pandas 3 copies NumPy input
    unless told not to: a full extra pass and page faults over the output)."""
    if _is_pandas(obj):
        if isinstance(obj, pd.Series):
            values = obj.to_numpy(dtype=np.float64, na_value=np.nan)[None, :]

            def rebuild(out):
                return pd.Series(out[0], index=obj.index, name=obj.name, copy=False)
        else:
            values = np.ascontiguousarray(obj.to_numpy(dtype=np.float64, na_value=np.nan).T)

            def rebuild(out):
                return pd.DataFrame(out.T, index=obj.index, columns=obj.columns, copy=False)
        return np.ascontiguousarray(values), rebuild
    arr = np.asarray(obj, dtype=np.float64)
    if arr.ndim == 1:
        return np.ascontiguousarray(arr[None, :]), lambda out: out[0]
    if arr.ndim == 2:
        return np.ascontiguousarray(arr.T), lambda out: np.ascontiguousarray(out.T)
    raise ValueError(f"obj: expected a 1-D or 2-D array, a Series or a DataFrame, got {arr.ndim}-D")


def _is_oddkit(obj) -> bool:
    from .series import Frame, Series

    return isinstance(obj, (Frame, Series))


def _column_blocks(obj):
    """([(columns x rows) float64 C-order blocks], rebuild(list of results) -> the caller's kind).

    An oddkit Frame or Series gives one (1 x rows) view per column, so float64 columns reach the
    kernels without a copy (int64 and bool columns are converted to float64, as pandas does);
    results come back as the same kind on the same index with the same names.
    """
    if _is_oddkit(obj):
        from .series import Frame

        if isinstance(obj, Frame):
            names = list(obj._columns)
            arrays = list(obj._columns.values())
        else:
            names, arrays = None, [obj.values]
        blocks = [np.ascontiguousarray(a, np.float64)[None, :] for a in arrays]

        def rebuild_oddkit(outs):
            columns = [out[0] for out in outs]
            if names is None:
                return obj._with_values(columns[0])
            return obj._like(obj._times, dict(zip(names, columns)))

        return blocks, rebuild_oddkit
    block, rebuild = _columns(obj)
    return [block], lambda outs: rebuild(outs[0])


def _times_ns(times) -> np.ndarray:
    """int64 nanoseconds since the epoch (UTC) from datetime64, a DatetimeIndex or int64."""
    if pd is not None and isinstance(times, pd.DatetimeIndex):
        from .series import _ns_int64

        return _ns_int64(times)
    arr = np.asarray(times)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise ValueError("times: contains NaT")
        return np.ascontiguousarray(arr.astype("datetime64[ns]", copy=False).view(np.int64))
    if np.issubdtype(arr.dtype, np.integer):
        # an oddkit Frame's own int64 times pass without a copy (astype copies by default)
        return np.ascontiguousarray(arr, dtype=np.int64)
    raise ValueError(f"times: expected datetime64 values or int64 nanoseconds, got dtype {arr.dtype}")


def _window(window) -> tuple[str, int]:
    if isinstance(window, bool):
        raise ValueError("window: expected an int row count or a duration such as '1h'")
    if isinstance(window, numbers.Integral):
        if window < 1:
            raise ValueError(f"window: a row-count window must be >= 1, got {window}")
        return "rows", int(window)
    if isinstance(window, str):
        return "time", int(_core.parse_duration(window))
    if pd is not None and isinstance(window, pd.Timedelta):
        return "time", int(window.value)
    if isinstance(window, np.timedelta64):
        return "time", int(window.astype("timedelta64[ns]").astype(np.int64))
    if hasattr(window, "total_seconds"):
        return "time", int(round(window.total_seconds() * 1e9))
    raise ValueError(f"window: expected an int row count or a duration such as '1h', got {window!r}")


class Rolling:
    """Rolling-window statistics of a Series, DataFrame or array (see ``oddkit.rolling``)."""

    def __init__(self, obj, window, min_periods=None, center=False, closed=None, times=None, n_jobs=1):
        self._obj = obj
        self._n_jobs = 1 if n_jobs is None else n_jobs
        self._blocks, self._rebuild = _column_blocks(obj)
        self._kind, self._size = _window(window)
        if min_periods is not None and (isinstance(min_periods, bool) or not isinstance(min_periods, numbers.Integral)):
            raise ValueError(f"min_periods: expected an int or None, got {min_periods!r}")
        self._min_periods = None if min_periods is None else int(min_periods)
        self._center = bool(center)
        self._closed = "right" if closed is None else closed
        self._times = None
        if self._kind == "time":
            if times is None:
                if _is_oddkit(obj):
                    times = obj._times
                elif _is_pandas(obj) and isinstance(obj.index, pd.DatetimeIndex):
                    times = obj.index
                else:
                    raise ValueError("window: a time window needs a DatetimeIndex or the times= argument")
            self._times = _times_ns(times)

    def _run(self, stat, **extra):
        extra["n_jobs"] = self._n_jobs
        outs = [_core.rolling(block, self._times, self._kind, self._size, self._min_periods, self._closed,
                              self._center, stat, **extra) for block in self._blocks]
        if not self._blocks:  # still validate the window and its parameters
            _core.rolling(np.empty((0, len(self._times) if self._times is not None else 0)), self._times,
                          self._kind, self._size, self._min_periods, self._closed, self._center, stat, **extra)
        return self._rebuild(outs)

    def mean(self):
        return self._run("mean")

    def sum(self):
        return self._run("sum")

    def var(self, ddof=1):
        return self._run("var", ddof=int(ddof))

    def std(self, ddof=1):
        return self._run("std", ddof=int(ddof))

    def min(self):
        return self._run("min")

    def max(self):
        return self._run("max")

    def median(self):
        return self._run("median")

    def quantile(self, q, interpolation="linear"):
        return self._run("quantile", q=float(q), interpolation=interpolation)

    def count(self):
        return self._run("count")

    def agg(self, func):
        """Statistics by name ("mean", "sum", "var", "std", "min", "max", "median", "count"), as
        pandas and as ``Frame.resample(...).agg``: a str gives the same kind back; a list gives
        columns named (column, stat) for a frame (a MultiIndex in pandas) and named by stat for
        a series; a dict {column: str or list} keeps a column's name for a str and gives
        (column, stat) for a list (all (column, stat) as soon as one list is given)."""
        if isinstance(func, str):
            return getattr(self, _rolling_stat(func))()
        if not isinstance(func, (list, tuple, dict)):
            raise ValueError(f"func: expected a str, a list or a dict, got {type(func).__name__}")
        obj = self._obj
        is_frame = _is_oddkit_frame(obj) or (pd is not None and isinstance(obj, pd.DataFrame))
        is_series = not is_frame and (_is_oddkit(obj) or (pd is not None and isinstance(obj, pd.Series)))
        if not (is_frame or is_series):
            raise ValueError("func: a list or dict of statistics needs a Frame, Series or pandas object")
        names = list(obj._columns) if _is_oddkit_frame(obj) else list(obj.columns) if is_frame else [None]
        picks = []  # (column, stat, output name)
        if isinstance(func, dict):
            if is_series:
                raise ValueError("func: a dict of statistics per column needs a frame")
            tuples = any(not isinstance(v, str) for v in func.values())
            for col, stats in func.items():
                if col not in names:
                    raise ValueError(f"column: no column named {col!r}")
                for stat in [stats] if isinstance(stats, str) else list(stats):
                    picks.append((col, _rolling_stat(stat), (col, stat) if tuples else col))
        else:
            if not func:
                raise ValueError("func: at least one statistic is needed")
            stats = [_rolling_stat(stat) for stat in func]
            if len(set(stats)) != len(stats):
                raise ValueError(f"func: a statistic is named twice in {list(func)!r}")
            for col in names:
                for stat in stats:
                    picks.append((col, stat, stat if is_series else (col, stat)))
        results = {stat: getattr(self, stat)() for stat in dict.fromkeys(p[1] for p in picks)}

        def column(result, col):
            if is_series:
                return result.values if _is_oddkit(result) else result
            return result._columns[col] if _is_oddkit(result) else result[col]

        out = {name: column(results[stat], col) for col, stat, name in picks}
        if _is_oddkit(obj):
            from .series import Frame

            return Frame(obj._times, out, _meta=obj._meta, _checked=True)
        if all(isinstance(n, tuple) for n in out):
            frame = pd.DataFrame(dict(enumerate(out.values())), index=obj.index, copy=False)
            frame.columns = pd.MultiIndex.from_tuples(list(out))
            return frame
        return pd.DataFrame(out, index=obj.index, copy=False)

    aggregate = agg


_ROLLING_STATS = ("mean", "sum", "var", "std", "min", "max", "median", "count")


def _rolling_stat(name):
    if not isinstance(name, str) or name not in _ROLLING_STATS:
        raise ValueError(f"func: unknown rolling statistic {name!r} (expected one of {', '.join(_ROLLING_STATS)})")
    return name


def _is_oddkit_frame(obj) -> bool:
    from .series import Frame

    return isinstance(obj, Frame)


def rolling(obj, window, min_periods=None, center=False, closed=None, *, times=None, n_jobs=1) -> Rolling:
    """Rolling windows as ``obj.rolling(window, ...)`` in pandas.

    window: an int (rows) or a duration ('1h', '15min', a Timedelta); time windows use the
    DatetimeIndex of a pandas object or ``times`` (datetime64 or int64 ns) for arrays.
    n_jobs: threads that share the rows of a long column (-1 = all cores); the answer does not
    depend on it.
    """
    return Rolling(obj, window, min_periods=min_periods, center=center, closed=closed, times=times, n_jobs=n_jobs)


class EWM:
    """Exponentially weighted statistics (see ``oddkit.ewm``)."""

    def __init__(self, obj, com=None, span=None, halflife=None, alpha=None, min_periods=0, adjust=True,
                 ignore_na=False):
        given = [v is not None for v in (com, span, halflife, alpha)]
        if sum(given) > 1:
            raise ValueError("com, span, halflife, and alpha are mutually exclusive")
        if not any(given):
            raise ValueError("Must pass one of com, span, halflife, or alpha")
        if com is not None:
            if com < 0:
                raise ValueError(f"com: must be >= 0, got {com}")
            a = 1.0 / (1.0 + com)
        elif span is not None:
            if span < 1:
                raise ValueError(f"span: must be >= 1, got {span}")
            a = 2.0 / (span + 1.0)
        elif halflife is not None:
            if isinstance(halflife, str) or halflife <= 0:
                raise ValueError(f"halflife: must be a positive number, got {halflife!r}")
            a = 1.0 - np.exp(np.log(0.5) / halflife)
        else:
            if not 0 < alpha <= 1:
                raise ValueError(f"alpha: must be in (0, 1], got {alpha}")
            a = float(alpha)
        if min_periods is None:
            min_periods = 0
        if min_periods < 0:
            raise ValueError(f"min_periods: must be >= 0, got {min_periods}")
        self._blocks, self._rebuild = _column_blocks(obj)
        self._args = (float(a), bool(adjust), bool(ignore_na), int(min_periods))

    def _run(self, stat, bias=False):
        return self._rebuild([_core.ewm(b, stat, *self._args, bias=bool(bias)) for b in self._blocks])

    def mean(self):
        return self._run("mean")

    def var(self, bias=False):
        return self._run("var", bias)

    def std(self, bias=False):
        return self._run("std", bias)


def ewm(obj, com=None, span=None, halflife=None, alpha=None, min_periods=0, adjust=True, ignore_na=False) -> EWM:
    """Exponentially weighted windows as ``obj.ewm(...)`` in pandas (row-based decay)."""
    return EWM(obj, com=com, span=span, halflife=halflife, alpha=alpha, min_periods=min_periods,
               adjust=adjust, ignore_na=ignore_na)


def _offset(obj, kind, periods):
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral):
        raise ValueError(f"periods: expected an int, got {periods!r}")
    blocks, rebuild = _column_blocks(obj)
    return rebuild([_core.offset_transform(b, kind, int(periods)) for b in blocks])


def shift(obj, periods=1):
    """Values ``periods`` rows earlier (later for negative periods), NaN where none."""
    return _offset(obj, "shift", periods)


def diff(obj, periods=1):
    """``obj - shift(obj, periods)``."""
    return _offset(obj, "diff", periods)


def pct_change(obj, periods=1):
    """``obj / shift(obj, periods) - 1`` without filling missing values (pandas 3)."""
    return _offset(obj, "pct_change", periods)


_DESCRIBE_INDEX = ["count", "mean", "std", "min", "25%", "50%", "75%", "max", "zeros"]


def describe(obj):
    """pandas' describe() of numeric data plus a count of exact zeros."""
    columns, _ = _columns(obj)
    table = _core.describe(columns)  # columns x 9
    if _is_pandas(obj):
        if isinstance(obj, pd.Series):
            return pd.Series(table[0], index=_DESCRIBE_INDEX, name=obj.name)
        return pd.DataFrame(table.T, index=_DESCRIBE_INDEX, columns=obj.columns)
    arr = np.asarray(obj)
    return table[0] if arr.ndim == 1 else np.ascontiguousarray(table.T)


def corr(obj, method="pearson", min_periods=1):
    """Pairwise-complete correlation matrix of the columns (pandas' DataFrame.corr)."""
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method: expected 'pearson' or 'spearman', got {method!r}")
    if min_periods is None:
        min_periods = 1
    if _is_pandas(obj):
        frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
        values = np.ascontiguousarray(frame.to_numpy(dtype=np.float64, na_value=np.nan))
        result = _core.corr(values, method, int(min_periods))
        return pd.DataFrame(result, index=frame.columns, columns=frame.columns)
    values = np.asarray(obj, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"obj: expected a 2-D array (rows x columns), got {values.ndim}-D")
    return _core.corr(np.ascontiguousarray(values), method, int(min_periods))


def _vector(x, name):
    arr = np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan) if _is_pandas(x) else x, dtype=np.float64)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D series, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def acf(x, adjusted=False, nlags=None):
    """Autocorrelations at lags 0..nlags, as statsmodels.tsa.stattools.acf (no confidence
    intervals); nlags defaults to min(10 log10(n), n - 1)."""
    v = _vector(x, "x")
    if nlags is None:
        nlags = min(int(10 * np.log10(max(v.size, 1))), v.size - 1)
    return _core.acf(v, int(nlags), bool(adjusted))


def ccf(x, y, adjusted=True, nlags=None):
    """Cross-correlations corr(x[t+k], y[t]) for k = 0..nlags-1, as statsmodels' ccf."""
    vx, vy = _vector(x, "x"), _vector(y, "y")
    if nlags is None:
        nlags = vx.size
    if nlags < 1:
        raise ValueError(f"nlags: must be >= 1, got {nlags}")
    _, values, _, _ = _core.cross_correlation(vx, vy, int(nlags) - 1, bool(adjusted))
    return values[int(nlags) - 1:]


CrossCorrelation = namedtuple("CrossCorrelation", ["lags", "values", "best_lag", "best_value"])


def cross_correlation(x, y, max_lag, adjusted=True) -> CrossCorrelation:
    """Cross-correlations at lags -max_lag..max_lag and the lag of the largest one. A positive
    best lag means x follows y by that many rows."""
    lags, values, best, best_value = _core.cross_correlation(_vector(x, "x"), _vector(y, "y"), int(max_lag),
                                                             bool(adjusted))
    return CrossCorrelation(lags, values, int(best), float(best_value))


class DecomposeResult:
    """observed, trend, seasonal and resid, as statsmodels' DecomposeResult."""

    def __init__(self, observed, trend, seasonal, resid):
        self.observed, self.trend, self.seasonal, self.resid = observed, trend, seasonal, resid

    @property
    def nobs(self):
        return (len(self.observed),)


def seasonal_decompose(x, model="additive", period=None):
    """Classical decomposition as statsmodels.tsa.seasonal.seasonal_decompose (two-sided
    moving average, no trend extrapolation)."""
    if period is None:
        raise ValueError("period: must be given (an int >= 2)")
    if isinstance(period, bool) or not isinstance(period, numbers.Integral):
        raise ValueError(f"period: expected an int, got {period!r}")
    if model not in ("additive", "multiplicative", "add", "mul"):
        raise ValueError(f"model: expected 'additive' or 'multiplicative', got {model!r}")
    observed, trend, seasonal, resid = _core.seasonal_decompose(_vector(x, "x"), int(period), model)
    if _is_pandas(x):
        idx = x.index
        return DecomposeResult(pd.Series(observed, index=idx, name=getattr(x, "name", None)),
                               pd.Series(trend, index=idx, name="trend"),
                               pd.Series(seasonal, index=idx, name="seasonal"),
                               pd.Series(resid, index=idx, name="resid"))
    return DecomposeResult(observed, trend, seasonal, resid)


def adfuller(x, maxlag=None, regression="c", autolag="AIC"):
    """Augmented Dickey-Fuller test with statsmodels' tuple:
    (adf, pvalue, usedlag, nobs, critical_values, icbest), icbest only with autolag."""
    if regression not in ("c", "ct", "n"):
        raise ValueError(f"regression: expected 'c', 'ct' or 'n', got {regression!r}")
    if autolag not in ("AIC", "BIC", None):
        raise ValueError(f"autolag: expected 'AIC', 'BIC' or None, got {autolag!r}")
    if maxlag is not None and (isinstance(maxlag, bool) or not isinstance(maxlag, numbers.Integral)):
        raise ValueError(f"maxlag: expected an int or None, got {maxlag!r}")
    stat, p, used, nobs, crit, icbest = _core.adfuller(_vector(x, "x"), None if maxlag is None else int(maxlag),
                                                       regression, autolag or "none")
    critical = {"1%": crit[0], "5%": crit[1], "10%": crit[2]}
    if autolag is None:
        return stat, p, int(used), int(nobs), critical
    return stat, p, int(used), int(nobs), critical, icbest
