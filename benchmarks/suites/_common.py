"""Helpers shared by the benchmark suites."""

from __future__ import annotations

import ctypes
import gc
import os
import time
from pathlib import Path


def _shared_data() -> Path:
    """The real datasets: $ODDKIT_SHARED_DATA, else ../shared/data beside the project root."""
    if os.environ.get("ODDKIT_SHARED_DATA"):
        return Path(os.environ["ODDKIT_SHARED_DATA"])
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


DATA = _shared_data()


def best_time(fn, repeat: int = 3, min_seconds: float = 0.0, max_repeat: int = 50) -> tuple[float, object]:
    """The fastest of `repeat` runs of fn() in seconds, and the last result. With min_seconds,
    runs go on (up to max_repeat) until that much time has been spent: a call of a few
    milliseconds is otherwise at the mercy of one slow moment of the machine."""
    best, result = float("inf"), None
    spent, runs = 0.0, 0
    while runs < repeat or (spent < min_seconds and runs < max_repeat):
        start = time.perf_counter()
        result = fn()
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best, result


def table(header: list[str], rows: list[list]) -> str:
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_extra_bytes(fn) -> tuple[int | None, object]:
    """Bytes by which the process's peak resident memory rose above its resident memory before
    fn() (Linux: the peak is reset through /proc/self/clear_refs), and fn's result. Counts every
    allocation (C++ buffers too, which tracemalloc does not see); None where unsupported."""
    gc.collect()
    try:  # give freed heap pages back first, so that reusing them counts as a rise too
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current VmRSS
    except OSError:
        return None, fn()
    before = _status_kb("VmRSS")
    result = fn()
    peak = _status_kb("VmHWM")
    if before is None or peak is None:
        return None, result
    return max(peak - before, 0) * 1024, result


def memory_note(label: str, extra: int | None, input_bytes: int) -> str:
    """One line: the peak extra memory of a call in copies of its input (the issue's limit: 2)."""
    if extra is None:
        return f"{label}: peak memory not measurable here"
    copies = extra / input_bytes
    verdict = "within" if copies <= 2 else "OVER"
    return (f"{label}: peak extra memory {extra / 2**20:.1f} MiB = {copies:.2f} x the input "
            f"({input_bytes / 2**20:.1f} MiB; {verdict} the limit of 2 copies)")
