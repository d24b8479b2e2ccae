"""Shared helpers for benchmarks: every figure is a ratio measured side by side in one run.

A result is a dict with the absolute numbers, the ``ratio``, the ``target`` and
``meets_target`` so that a missed target is visible in the JSON itself.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def result(name: str, ratio: float | None, target: str, meets: bool | None, **numbers: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ratio": None if ratio is None else round(float(ratio), 4),
        "target": target,
        "meets_target": meets,
        **numbers,
    }


def best_of(fn: Callable[[], float], repeats: int) -> float:
    """Median of ``repeats`` measurements: robust to a noisy shared machine."""
    return statistics.median(fn() for _ in range(repeats))


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]
