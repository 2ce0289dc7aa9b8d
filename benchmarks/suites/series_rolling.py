"""1-hour time-based rolling mean over irregular timestamps: oddkit vs pandas vs polars
(rolling_mean_by), answers checked against pandas in the same run."""

from __future__ import annotations

import numpy as np
import pandas as pd

import oddkit

from _common import best_time, memory_note, peak_extra_bytes, table

TITLE = "Rolling mean, 1-hour time window"


def make_data(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    steps = rng.integers(1, 3, n) * 1_000_000_000  # 1-2 s apart: ~2,400 rows per window
    times = pd.DatetimeIndex(np.cumsum(steps) + 1_700_000_000_000_000_000)
    values = rng.normal(size=n)
    values[rng.random(n) < 0.01] = np.nan
    return pd.Series(values, index=times, name="x")


# Every library's time is the best of this many runs (the machine's speed varies from moment to
# moment; series_data takes the same number).
REPEAT = 7


def run(quick: bool) -> str:
    n = 200_000 if quick else 10_000_000
    s = make_data(n)
    rows = []
    extra, _ = peak_extra_bytes(lambda: oddkit.rolling(s, "1h").mean())
    memory = memory_note("oddkit.rolling(s, '1h').mean()", extra, s.index.asi8.nbytes + s.to_numpy().nbytes)
    frame = oddkit.Frame.from_pandas(s.to_frame())
    t_ok, ours = best_time(lambda: oddkit.rolling(s, "1h").mean(), REPEAT)
    t_frame, _ = best_time(lambda: frame.rolling("1h").mean(), REPEAT)
    t_threads, threaded = best_time(lambda: oddkit.rolling(s, "1h", n_jobs=-1).mean(), REPEAT)
    same_bits = np.array_equal(threaded.to_numpy().view(np.int64), ours.to_numpy().view(np.int64))
    t_pd, ref = best_time(lambda: s.rolling("1h").mean(), REPEAT)
    agree = np.allclose(ours.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)
    rows.append(["oddkit.rolling(s, '1h').mean()", t_ok, 1.0, "reference"])
    rows.append(["oddkit.Frame.rolling('1h').mean()", t_frame, "-", "same kernel"])
    rows.append(["oddkit.rolling(s, '1h', n_jobs=-1).mean()", t_threads, "-",
                 "same bits as 1 thread" if same_bits else "DIFFER from 1 thread"])
    rows.append(["pandas s.rolling('1h').mean()", t_pd, f"{t_pd / t_ok:.2f} ({t_pd / t_threads:.2f} vs n_jobs=-1)",
                 "agree" if agree else "DIFFER"])
    try:
        import polars as pl

        df = pl.DataFrame({"t": s.index.to_numpy(), "x": s.to_numpy()})
        # polars' rolling_mean_by skips nulls; NaN would propagate, so pass missing values as null.
        df = df.with_columns(pl.col("x").fill_nan(None))
        t_pl, res = best_time(lambda: df.select(pl.col("x").rolling_mean_by("t", window_size="1h")), REPEAT)
        got = res.to_series().to_numpy().astype(float)
        agree_pl = np.allclose(got, ref.to_numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)
        rows.append(["polars rolling_mean_by('t', '1h')", t_pl, t_pl / t_ok, "agree" if agree_pl else "DIFFER"])
    except ImportError:
        rows.append(["polars", "not installed", "", ""])
    header = f"{n:,} rows, timestamps 1-2 s apart, 1% NaN; times in seconds (best of {REPEAT}); ratio = peer / oddkit"
    return (header + "\n\n" + table(["implementation", "time (s)", "ratio", "answer vs pandas"], rows)
            + "\n\n" + memory + " (the rise of the peak resident memory during one call)\n")
