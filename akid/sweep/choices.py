"""The choice markers of the sweep extension of ``akid.graph/v1`` (pure data, no TensorFlow).

A value that is swept is a small JSON object instead of the value itself, so
that a graph with choices is still one JSON document, readable by the editor
and storable like any other:

- ``{"$choice": [16, 32, 64]}`` — one of the listed values;
- ``{"$range": [0.1, 0.5], "log": false}`` — a number between the bounds
  (integers when both bounds are integers; ``"log": true`` samples on a log scale);
- a node flag ``"$optional": true`` — the node may be left out (its input goes straight on);
- ``"$repeats": [{"id", "nodes", "times"}]`` at the top of the document — the listed
  chain of nodes is repeated in series ``times`` times, ``times`` being a ``$choice``.

These markers are resolved (by :func:`akid.sweep.space.concretize`) before the
plain-graph loader and validator ever see the graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

CHOICE, RANGE, OPTIONAL, REPEATS = "$choice", "$range", "$optional", "$repeats"


def is_choice(value: Any) -> bool:
    """True for ``{"$choice": [...]}`` or ``{"$range": [lo, hi], ...}``."""
    return isinstance(value, dict) and (CHOICE in value or RANGE in value)


def is_range(value: Any) -> bool:
    return isinstance(value, dict) and RANGE in value


def has_choices(doc: Any) -> bool:
    """Whether a graph document (or config) uses any sweep marker anywhere."""
    if isinstance(doc, dict):
        if is_choice(doc) or doc.get(OPTIONAL) is True or REPEATS in doc:
            return True
        return any(has_choices(v) for v in doc.values())
    if isinstance(doc, list):
        return any(has_choices(v) for v in doc)
    return False


def choice_values(value: dict[str, Any]) -> list[Any] | None:
    """The finite list of values a marker stands for (an integer range is finite), else None."""
    if CHOICE in value:
        return list(value[CHOICE])
    lo, hi = value[RANGE]
    if _is_int(lo) and _is_int(hi) and not value.get("log"):
        step = int(value.get("step") or 1)
        return list(range(lo, hi + 1, step))
    return None


def first_value(value: dict[str, Any]) -> Any:
    """The value used for every other dimension while one dimension is checked (the first choice, the low bound)."""
    return value[CHOICE][0] if CHOICE in value else value[RANGE][0]


def check_marker(value: Any, where: str) -> str | None:
    """A message when a marker is malformed (empty choice, reversed range...), else None."""
    if CHOICE in value:
        vals = value[CHOICE]
        extra = set(value) - {CHOICE}
        if extra:
            return f"{where}: a $choice takes no other keys. Received: {sorted(extra)}"
        if not isinstance(vals, list) or not vals:
            return f"{where}: $choice must be a non-empty list of values. Received: {vals!r}"
        if any(is_choice(v) for v in vals):
            return f"{where}: choices cannot be nested"
        if len({json.dumps(v, sort_keys=True) for v in vals}) != len(vals):
            return f"{where}: $choice lists a value twice. Received: {vals!r}"
        return None
    extra = set(value) - {RANGE, "log", "step"}
    if extra:
        return f"{where}: a $range takes only 'log' and 'step'. Received: {sorted(extra)}"
    bounds = value[RANGE]
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
    ):
        return f"{where}: $range must be [low, high] numbers. Received: {bounds!r}"
    lo, hi = bounds
    if not lo < hi:
        return f"{where}: a $range needs low < high. Received: [{lo}, {hi}]"
    if value.get("log") and lo <= 0:
        return f"{where}: a log $range needs low > 0. Received: [{lo}, {hi}]"
    return None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def format_marker(value: dict[str, Any], fmt_value: Callable[[Any], str]) -> str:
    """Meta-syntax for a marker: ``{16|32|64}``, ``0.1..0.5``, ``0.0001..0.1 log``."""
    if CHOICE in value:
        return "{" + "|".join(fmt_value(v) for v in value[CHOICE]) + "}"
    lo, hi = value[RANGE]
    if value.get("step"):
        raise ValueError("a $range with a step has no meta-syntax form; use a $choice")
    return f"{fmt_value(lo)}..{fmt_value(hi)}" + (" log" if value.get("log") else "")


def without_structure(doc: Any) -> Any:
    """``doc`` without the structural marks (``$repeats``, node ``$optional``), for the plain loader's
    format check; param choices stay (the loader does not read param values)."""
    if not isinstance(doc, dict) or not (
        REPEATS in doc or any(isinstance(n, dict) and OPTIONAL in n for n in doc.get("nodes") or [])
    ):
        return doc
    out = {k: v for k, v in doc.items() if k != REPEATS}
    if isinstance(doc.get("nodes"), list):
        out["nodes"] = [{k: v for k, v in n.items() if k != OPTIONAL} if isinstance(n, dict) else n for n in doc["nodes"]]
    return out
