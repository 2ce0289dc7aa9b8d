"""Helpers shared by the benchmark suites."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _shared_data() -> Path:
    """The real datasets: $ODDKIT_SHARED_DATA, else ../shared/data beside the project root."""
    if os.environ.get("ODDKIT_SHARED_DATA"):
        return Path(os.environ["ODDKIT_SHARED_DATA"])
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


DATA = _shared_data()


def best_time(fn, repeat: int = 3) -> tuple[float, object]:
    """The fastest of `repeat` runs of fn() in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def table(header: list[str], rows: list[list]) -> str:
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
