"""Request budgets checked on raw input *before* any work: JSON depth, graph size, composite expansion.

Why before: the validator, the meta-syntax builder and the Keras importer do work
proportional to what the input *expands to*, not to its length (composites nested 10
deep with fan-out 4 are a 7 KB body and a million layers). So the expanded size is
computed here arithmetically, with one pass over the document, and a body over a
limit is refused with ``budget_exceeded`` naming the limit and the received value.
Nothing here imports TensorFlow or the block registry.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from akid.errors import AkidError, Issue
from akid.settings import Limits

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# Up to this many brackets, a C-level accumulate is a few ms; beyond it NumPy is faster. NumPy
# is imported only then, so the web process does not load it (~80 ms) at start or per request.
_VECTOR_FROM = 200_000


class BudgetError(AkidError):
    """An input asks for more work than a limit allows (a 4xx, never a 500)."""

    status = 413


def over(limit: str, allowed: int | float, received: int | float, what: str, path: str | None = "$") -> BudgetError:
    """The error for ``what`` (e.g. "graph nodes") exceeding ``limit`` (a :class:`Limits` field)."""
    return BudgetError(
        [
            Issue(
                "budget_exceeded",
                f"{what}: {received:,} exceeds the limit {limit}={allowed:,} "
                f"(set AKID_{limit.upper()} to change it). Received: {received}",
                param=limit,
                path=path,
            )
        ]
    )


def json_depth(raw: bytes) -> int:
    """Deepest ``[``/``{`` nesting of a JSON text, in C-level passes (strings are skipped).

    Runs before ``json.loads`` so a 10,000-deep body is refused without recursion.
    """
    if not raw:
        return 0
    text = raw
    if b'"' in text:
        import re

        text = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', text, flags=re.S)
    brackets = text.translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    if len(brackets) < _VECTOR_FROM:
        return max(0, max(accumulate(map(_STEP.__getitem__, brackets))))
    import numpy as np

    table = np.zeros(256, dtype=np.int64)
    for b, step in _STEP.items():
        table[b] = step
    return max(0, int(np.cumsum(table[np.frombuffer(brackets, dtype=np.uint8)]).max()))


def check_json(raw: bytes, limits: Limits) -> None:
    """Size and nesting of a request body."""
    if len(raw) > limits.max_request_bytes:
        raise over("max_request_bytes", limits.max_request_bytes, len(raw), "request body bytes")
    if len(raw) > limits.max_json_bytes:
        raise over("max_json_bytes", limits.max_json_bytes, len(raw), "JSON body bytes")
    depth = json_depth(raw)
    if depth > limits.max_json_depth:
        raise over("max_json_depth", limits.max_json_depth, depth, "JSON nesting depth")


def _counts(doc: dict[str, Any], path: str, totals: list[int]) -> None:
    nodes, edges = doc.get("nodes"), doc.get("edges")
    totals[0] += len(nodes) if isinstance(nodes, list) else 0
    totals[1] += len(edges) if isinstance(edges, list) else 0
    blocks = doc.get("blocks")
    if isinstance(blocks, dict):
        for name, inner in blocks.items():
            if isinstance(inner, dict):
                _counts(inner, f"{path}.blocks.{name}", totals)


def expanded_size(doc: dict[str, Any]) -> int:
    """Nodes the validator builds for ``doc``: the graph with every composite expanded, plus
    every definition checked on its own. Computed arithmetically (memoised per definition),
    never by expanding; a recursive composite counts as one node (the validator refuses it)."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(graph: dict[str, Any], scope: list[dict[str, Any]]) -> int:
        key = id(graph)
        if key in memo:
            return memo[key]
        if key in active:
            return 1
        active.add(key)
        blocks = graph.get("blocks") if isinstance(graph.get("blocks"), dict) else {}
        inner_scope = [blocks, *scope]
        total = 0
        for node in graph.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            definition = next(
                (
                    s[node.get("type")]
                    for s in inner_scope
                    if isinstance(node.get("type"), str) and isinstance(s.get(node.get("type")), dict)
                ),
                None,
            )
            total += size(definition, inner_scope) if definition is not None else 1
            if total > 2**62:
                break
        active.discard(key)
        memo[key] = total
        return total

    def definitions(graph: dict[str, Any], scope: list[dict[str, Any]]) -> int:
        blocks = graph.get("blocks") if isinstance(graph.get("blocks"), dict) else {}
        inner_scope = [blocks, *scope]
        return sum(size(d, inner_scope) + definitions(d, inner_scope) for d in blocks.values() if isinstance(d, dict))

    return size(doc, []) + definitions(doc, [])


def check_graph(doc: Any, limits: Limits, path: str = "$") -> None:
    """Nodes, edges and expanded size of a graph document (anything else is the schema's job)."""
    if not isinstance(doc, dict):
        return
    totals = [0, 0]
    _counts(doc, path, totals)
    if totals[0] > limits.max_graph_nodes:
        raise over("max_graph_nodes", limits.max_graph_nodes, totals[0], "graph nodes (composite definitions included)", path)
    if totals[1] > limits.max_graph_edges:
        raise over("max_graph_edges", limits.max_graph_edges, totals[1], "graph edges (composite definitions included)", path)
    expanded = expanded_size(doc)
    if expanded > limits.max_expanded_nodes:
        raise over("max_expanded_nodes", limits.max_expanded_nodes, expanded, "nodes after expanding composites", path)


class RangeError(BudgetError):
    """An integer outside what the store or an index can hold."""

    status = 400


def check_int(value: int, limits: Limits, name: str) -> None:
    """Integers that reach SQLite or array indexing must fit in 64 bits (we allow 2^53)."""
    if abs(value) > limits.max_int_param:
        text = str(value) if len(str(value)) <= 40 else f"a {len(str(value))}-digit number"
        raise RangeError(
            [
                Issue(
                    "out_of_range",
                    f"{name} must be at most {limits.max_int_param} in magnitude (limit max_int_param). Received: {text}",
                    param=name,
                )
            ]
        )
