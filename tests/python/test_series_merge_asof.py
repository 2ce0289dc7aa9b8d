"""merge_asof's fused walk-and-gather path against pandas at a size where the left rows are split
over two threads (chunks of 65,536 rows), with float, int and bool right columns."""

from __future__ import annotations

import numpy as np
import oddkit
import pandas as pd
import pytest

N_LEFT, N_RIGHT = 70_000, 6_000  # > 65,536 left rows: two chunks for n_jobs=2


def _frames(seed):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01").value
    # steps of 0 give duplicate timestamps on both sides
    tl = start + np.cumsum(rng.integers(0, 4, N_LEFT)) * 10**9
    tr = start + np.cumsum(rng.integers(0, 60, N_RIGHT)) * 10**9
    left = pd.DataFrame(
        {"a": rng.normal(size=N_LEFT)}, index=pd.DatetimeIndex(tl.view("datetime64[ns]"), name="t")
    )
    right = pd.DataFrame(
        {
            "b": rng.normal(size=N_RIGHT),
            "a": np.where(rng.random(N_RIGHT) < 0.1, np.nan, rng.normal(size=N_RIGHT)),
            "n": rng.integers(-5, 5, N_RIGHT),
            "flag": rng.random(N_RIGHT) < 0.5,
        },
        index=pd.DatetimeIndex(tr.view("datetime64[ns]"), name="t"),
    )
    return left, right


@pytest.mark.parametrize("direction", ["backward", "forward", "nearest"])
@pytest.mark.parametrize("tolerance", [None, pd.Timedelta("5s")])
@pytest.mark.parametrize("exact", [True, False])
def test_merge_asof_threads_match_pandas(direction, tolerance, exact):
    left, right = _frames(3)
    kw = {"direction": direction, "tolerance": tolerance, "allow_exact_matches": exact}
    expected = pd.merge_asof(left, right, left_index=True, right_index=True, **kw)
    # pandas keeps a bool column with gaps as object (True/False/NaN); oddkit gives float64
    if expected["flag"].dtype == object:
        expected["flag"] = expected["flag"].astype(float)
    lf, rf = oddkit.Frame.from_pandas(left), oddkit.Frame.from_pandas(right)
    one = oddkit.merge_asof(lf, rf, **kw).to_pandas()
    two = oddkit.merge_asof(lf, rf, n_jobs=2, **kw).to_pandas()
    pd.testing.assert_frame_equal(one, expected, check_freq=False)
    pd.testing.assert_frame_equal(two, one, check_freq=False)  # same bits for any thread count


def test_merge_asof_by_key_with_threads_matches_pandas():
    left, right = _frames(5)
    rng = np.random.default_rng(6)
    left["key"] = rng.integers(0, 3, len(left))
    right["key"] = rng.integers(0, 4, len(right))
    for direction in ("backward", "forward", "nearest"):
        expected = pd.merge_asof(
            left, right, left_index=True, right_index=True, by="key", direction=direction
        )
        got = oddkit.merge_asof(
            oddkit.Frame.from_pandas(left),
            oddkit.Frame.from_pandas(right),
            by="key",
            direction=direction,
            n_jobs=2,
        ).to_pandas()
        if expected["flag"].dtype == object:
            expected["flag"] = expected["flag"].astype(float)
        pd.testing.assert_frame_equal(got, expected[got.columns], check_freq=False)


def test_merge_asof_left_columns_are_shared_not_copied():
    left, right = _frames(7)
    lf = oddkit.Frame.from_pandas(left)
    out = oddkit.merge_asof(lf, oddkit.Frame.from_pandas(right))
    assert np.shares_memory(out["a_x"].values, left["a"].to_numpy())


def test_merge_asof_unsorted_left_in_a_later_chunk_is_refused():
    left, right = _frames(9)
    times = left.index.asi8.copy()
    times[-5] = times[0]  # disorder inside the second thread's chunk
    with pytest.raises(ValueError, match="left: timestamps are not sorted"):
        oddkit._core.asof_gather(times, right.index.asi8, [], n_jobs=2)
    with pytest.raises(ValueError, match="n_jobs"):
        oddkit.merge_asof(oddkit.Frame.from_pandas(left), oddkit.Frame.from_pandas(right), n_jobs=0)
