"""Left-to-right layout for graphs that arrive as text (meta-syntax, Keras JSON).

A small Sugiyama-style pass: layers by longest path over non-feedback edges,
placeholder points on every edge that skips layers, then each layer ordered by
the mean row of its predecessors. Placeholders win ties, which keeps a skip
connection (ResNet's identity path, a branch merging late) on a straight line
instead of running behind the nodes it skips. Positions are layout only: they
never change the model.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

X_STEP, Y_STEP = 220, 110
MAX_PLACEHOLDERS = 20_000  # beyond this, long edges are simply not straightened


def layers(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layer of each node (nodes on a non-feedback cycle stay at 0)."""
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for s, t in edges:
        succ[s].append(t)
        indeg[t] += 1
    layer = dict.fromkeys(ids, 0)
    ready = deque(i for i in ids if indeg[i] == 0)
    while ready:
        nid = ready.popleft()
        for t in succ[nid]:
            layer[t] = max(layer[t], layer[nid] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    return layer


def layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """Set ``position`` on every node in place."""
    ids = [n["id"] for n in nodes]
    known = set(ids)
    fwd = [
        (e["source"], e["target"])
        for e in edges
        if not e.get("feedback") and e["source"] in known and e["target"] in known and e["source"] != e["target"]
    ]
    layer = layers(ids, fwd)
    by_layer: dict[int, list[tuple]] = defaultdict(list)
    preds: dict[tuple, list[tuple]] = defaultdict(list)
    for i, nid in enumerate(ids):
        by_layer[layer[nid]].append(("n", i, nid))
    key = {nid: ("n", i, nid) for i, nid in enumerate(ids)}
    budget = MAX_PLACEHOLDERS
    for k, (s, t) in enumerate(fwd):
        prev = key[s]
        span = layer[t] - layer[s]
        if span > 1 and span - 1 <= budget:
            budget -= span - 1
            for d in range(layer[s] + 1, layer[t]):
                point = ("d", k, d)
                by_layer[d].append(point)
                preds[point].append(prev)
                prev = point
        preds[key[t]].append(prev)
    row: dict[tuple, int] = {}
    for d in sorted(by_layer):

        def order(item: tuple) -> tuple:
            rows = [row[p] for p in preds[item] if p in row]
            mean = sum(rows) / len(rows) if rows else -1.0
            return (mean, item[0] == "n", item[1])

        for r, item in enumerate(sorted(by_layer[d], key=order)):
            row[item] = r
    for n, nid in zip(nodes, ids):
        n["position"] = {"x": layer[nid] * X_STEP, "y": row[key[nid]] * Y_STEP}
