"""Resampling and as-of joins: oddkit vs pandas and polars on the same data, same process."""

from __future__ import annotations

import numpy as np
from _common import best_time, memory_note, peak_extra_bytes, table

TITLE = "Time series: resample and merge_asof (series_data)"


def _times(rng, n, mean_step_ns):
    """Sorted, unevenly spaced ns timestamps (exponential gaps) from 2024-01-01."""
    start = np.datetime64("2024-01-01", "ns").astype(np.int64)
    return start + np.cumsum(rng.exponential(mean_step_ns, n).astype(np.int64) + 1)


def _agree(a, b) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))


def _ratios(peer: float, one_thread: float, all_threads: float) -> str:
    """Peer time over oddkit's one-thread time, and over its n_jobs=-1 time in brackets."""
    return f"{peer / one_thread:.2f} ({peer / all_threads:.2f} vs n_jobs=-1)"


def run(quick: bool) -> str:
    import oddkit
    import pandas as pd

    try:
        import polars as pl
    except ImportError:  # polars is optional: report it missing
        pl = None

    scale = 50 if quick else 1
    rng = np.random.default_rng(0)
    rows = []

    # ---- resample: n rows x 4 columns to 1-minute means ----
    n = 10_000_000 // scale
    t = _times(rng, n, 1e9)
    cols = {f"c{j}": rng.normal(size=n) for j in range(4)}
    df = pd.DataFrame(cols, index=pd.DatetimeIndex(t.view("datetime64[ns]"), name="time"))
    frame = oddkit.Frame.from_pandas(df)  # zero-copy: the float64 columns are shared
    t_pd, r_pd = best_time(lambda: df.resample("1min").mean(), repeat=7)
    t_ok, r_ok = best_time(lambda: frame.resample("1min").mean(), repeat=7)
    t_ok2, _ = best_time(lambda: frame.resample("1min", n_jobs=-1).mean(), repeat=7)
    input_bytes = t.nbytes + sum(c.nbytes for c in cols.values())
    extra, _ = peak_extra_bytes(lambda: frame.resample("1min").mean())
    memory = [memory_note("resample 1min mean", extra, input_bytes)]
    ok_vals = np.column_stack([r_ok[c].values for c in cols])
    agree_pd = _agree(ok_vals, r_pd.to_numpy())
    row = ["resample 1min mean", f"{n:,} x 4", t_ok, t_ok2, t_pd, _ratios(t_pd, t_ok, t_ok2)]
    if pl is not None:
        pdf = pl.from_pandas(df.reset_index()).set_sorted("time")
        t_pl, r_pl = best_time(
            lambda: pdf.group_by_dynamic("time", every="1m").agg(pl.all().mean()), repeat=7
        )
        # polars leaves out empty bins: compare on the bins it has
        labels = r_pl["time"].cast(pl.Int64).to_numpy()
        pos = np.searchsorted(r_ok.times, labels)
        agree_pl = bool(np.all(r_ok.times[pos] == labels)) and _agree(
            ok_vals[pos], r_pl.select(list(cols)).to_numpy()
        )
        row += [t_pl, _ratios(t_pl, t_ok, t_ok2), f"pandas {agree_pd}, polars {agree_pl}"]
    else:
        row += ["-", "-", f"pandas {agree_pd}, polars not installed"]
    rows.append(row)

    # ---- merge_asof: n left rows onto n/10 right rows, backward ----
    nl, nr = 10_000_000 // scale, 1_000_000 // scale
    tl = _times(rng, nl, 1e9)
    tr = _times(rng, nr, 1e10)
    left = pd.DataFrame(
        {"a": rng.normal(size=nl)}, index=pd.DatetimeIndex(tl.view("datetime64[ns]"), name="time")
    )
    right = pd.DataFrame(
        {"b": rng.normal(size=nr), "c": rng.normal(size=nr)},
        index=pd.DatetimeIndex(tr.view("datetime64[ns]"), name="time"),
    )
    lf, rf = oddkit.Frame.from_pandas(left), oddkit.Frame.from_pandas(right)
    extra, _ = peak_extra_bytes(lambda: oddkit.merge_asof(lf, rf))
    asof_input = tl.nbytes + tr.nbytes + nl * 8 + 2 * nr * 8
    memory.append(memory_note("merge_asof", extra, asof_input))
    t_pd, m_pd = best_time(lambda: pd.merge_asof(left, right, left_index=True, right_index=True), repeat=7)
    t_ok, m_ok = best_time(lambda: oddkit.merge_asof(lf, rf), repeat=7)
    t_ok2, m_ok2 = best_time(lambda: oddkit.merge_asof(lf, rf, n_jobs=-1), repeat=7)
    agree_pd = (
        _agree(m_ok["b"].values, m_pd["b"].to_numpy())
        and _agree(m_ok["c"].values, m_pd["c"].to_numpy())
        and _agree(m_ok2["b"].values, m_pd["b"].to_numpy())
    )
    row = ["merge_asof backward", f"{nl:,} onto {nr:,}", t_ok, t_ok2, t_pd, _ratios(t_pd, t_ok, t_ok2)]
    if pl is not None:
        pl_left = pl.from_pandas(left.reset_index()).set_sorted("time")
        pl_right = pl.from_pandas(right.reset_index()).set_sorted("time")
        t_pl, m_pl = best_time(lambda: pl_left.join_asof(pl_right, on="time", strategy="backward"), repeat=7)
        agree_pl = _agree(m_ok["b"].values, m_pl["b"].fill_null(np.nan).to_numpy())
        row += [t_pl, _ratios(t_pl, t_ok, t_ok2), f"pandas {agree_pd}, polars {agree_pl}"]
    else:
        row += ["-", "-", f"pandas {agree_pd}, polars not installed"]
    rows.append(row)

    header = [
        "task",
        "size",
        "oddkit s",
        "oddkit n_jobs=-1 s",
        "pandas s",
        "pandas/oddkit",
        "polars s",
        "polars/oddkit",
        "answers agree",
    ]
    note = (
        "Data: uneven timestamps (exponential gaps), float64 columns without NaN (polars treats "
        "NaN as a value, not a gap). oddkit runs on an oddkit.Frame made from the pandas frame "
        "without a copy; polars' group_by_dynamic leaves out empty bins, so it is compared on "
        "the bins it returns. Writing fresh output memory costs page faults, which vary between "
        "runs here (a first one-thread merge_asof took up to 0.5 s); with n_jobs=-1 one thread "
        "faults merge_asof's outputs block by block while the other walks the blocks already "
        "faulted, as two threads faulting at once were measured up to 5x slower."
    )
    note += (
        " Memory: the rise of the process's peak resident memory during one oddkit call "
        "(/proc/self/clear_refs), against the input's size (index and columns):\n\n"
        + "\n".join(f"- {m}" for m in memory)
    )
    return table(header, rows) + "\n\n" + note + "\n"
