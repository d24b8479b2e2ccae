"""Columnar ``run.metrics`` payloads: one step array plus one value array per series.

Why: a batch of per-point objects repeats ``step``/``epoch``/``split``/``name``/``wall``
for every value (~110 bytes a point); the columnar form sends each row's step once and each
series' name once, so a batch is several times smaller to encode, send and decode at every
client. The store keeps the per-point form (``GET /api/runs/<id>/events`` and ``/metrics``
are unchanged); the conversion happens once per message, for live and replayed events alike.

Shape (see docs/protocol.md)::

    {"step": [s0, s1, ...],          # one row per (step, epoch, wall, worker)
     "epoch": [...], "wall": [...], "worker": [...],   # only when some point has one
     "series": {"train/loss": [v0, null, ...], ...}}   # null: no point in that row

Points that do not fit a column (a value that is not a number, a split with ``/``, an
unknown key, a second value for the same series and row) are kept as-is in ``points``, so
the conversion loses nothing.
"""

from __future__ import annotations

from typing import Any

_KEYS = frozenset(("step", "epoch", "split", "name", "value", "wall", "worker"))
_OPTIONAL = ("epoch", "wall", "worker")


def _fits(p: Any) -> bool:
    if not isinstance(p, dict) or not _KEYS.issuperset(p):
        return False
    step, value, split, name = p.get("step"), p.get("value"), p.get("split"), p.get("name")
    return (
        isinstance(step, int | float)
        and not isinstance(step, bool)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and isinstance(split, str)
        and "/" not in split
        and isinstance(name, str)
    )


def to_columns(points: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """``(columns, rest)``: the points as columns, and those that do not fit (in order)."""
    rows: dict[tuple[Any, ...], int] = {}
    steps: list[Any] = []
    extra: dict[str, list[Any]] = {k: [] for k in _OPTIONAL}
    series: dict[str, list[Any]] = {}
    rest: list[Any] = []
    for p in points:
        if not _fits(p):
            rest.append(p)
            continue
        key = (p["step"], p.get("epoch"), p.get("wall"), p.get("worker"))
        i = rows.get(key)
        if i is None:
            i = rows[key] = len(steps)
            steps.append(p["step"])
            for k in _OPTIONAL:
                extra[k].append(p.get(k))
            for col in series.values():
                col.append(None)
        name = f"{p['split']}/{p['name']}"
        col = series.get(name)
        if col is None:
            col = series[name] = [None] * len(steps)
        if col[i] is not None:
            rest.append(p)  # a second value for the same series in the same row keeps its order as a point
            continue
        col[i] = p["value"]
    columns: dict[str, Any] = {"step": steps}
    for k in _OPTIONAL:
        if any(v is not None for v in extra[k]):
            columns[k] = extra[k]
    columns["series"] = series
    return columns, rest


def from_columns(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-point form of ``columns`` (the inverse of :func:`to_columns`, row by row)."""
    steps = columns.get("step") or []
    out: list[dict[str, Any]] = []
    for i, step in enumerate(steps):
        for key, col in (columns.get("series") or {}).items():
            v = col[i] if i < len(col) else None
            if v is None:
                continue
            split, _, name = key.partition("/")
            p: dict[str, Any] = {"step": step, "split": split, "name": name, "value": v}
            for k in _OPTIONAL:
                vals = columns.get(k)
                if vals is not None and i < len(vals) and vals[i] is not None:
                    p[k] = vals[i]
            out.append(p)
    return out


def metrics_message(payload: dict[str, Any]) -> dict[str, Any]:
    """A stored ``metrics`` payload (``{"points": [...]}``) as its columnar socket form."""
    msg = {k: v for k, v in payload.items() if k != "points"}
    columns, rest = to_columns(list(payload.get("points") or []))
    msg["columns"] = columns
    if rest:
        msg["points"] = rest
    return msg
