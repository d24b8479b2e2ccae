"""Metric history for charts: series per ``split/name`` with shape-preserving downsampling.

Charts of a 100k-step run cannot take every point, but naive striding hides
spikes (a diverging loss). Buckets keep their min and max, and the first and
last points are always kept, so the picture is the same at a fraction of the size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def series_from_events(events: Iterable[dict[str, Any]]) -> dict[str, list[list[float]]]:
    """``{"train/loss": [[step, value], ...]}`` from stored metrics events, in step order.

    Multi-worker runs: the chief's (worker 0) points; the others measure the same synchronous steps."""
    series: dict[str, list[list[float]]] = {}
    for ev in events:
        for p in ev["payload"].get("points") or []:
            if p.get("value") is None or p.get("name") is None or (p.get("worker") or 0) > 0:
                continue
            key = f"{p.get('split') or 'train'}/{p['name']}"
            series.setdefault(key, []).append([p.get("step", 0), p["value"]])
    for pts in series.values():
        pts.sort(key=lambda sv: sv[0])
    return series


def downsample(points: list[list[float]], max_points: int) -> list[list[float]]:
    """At most ``max_points`` points: first, last, and per bucket the min and max (in step order)."""
    n = len(points)
    if max_points <= 0 or n <= max_points:
        return list(points)
    if max_points < 4:
        return [points[0], points[-1]][: max(max_points, 1)] if max_points > 1 else [points[-1]]
    inner = points[1:-1]
    buckets = (max_points - 2) // 2
    out = [points[0]]
    size = len(inner) / buckets
    for b in range(buckets):
        chunk = inner[int(b * size) : int((b + 1) * size)]
        if not chunk:
            continue
        lo = min(range(len(chunk)), key=lambda i: chunk[i][1])
        hi = max(range(len(chunk)), key=lambda i: chunk[i][1])
        for i in sorted({lo, hi}):
            out.append(chunk[i])
    out.append(points[-1])
    return out
