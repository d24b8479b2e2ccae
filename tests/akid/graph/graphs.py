"""Small builders for graph documents used across the graph tests."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import FIXTURES

GOLDEN = ("sequential", "residual", "two_in_two_out", "feedback", "composite")


def golden(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "graphs" / f"{name}.json").read_text())


def node(nid: str, type_: str, **params: Any) -> dict[str, Any]:
    return {"id": nid, "type": type_, "params": params}


def edge(src: str, tgt: str, sp: str = "out", tp: str = "in", feedback: bool = False, eid: str | None = None) -> dict[str, Any]:
    e = {"id": eid or f"{src}.{sp}->{tgt}.{tp}", "source": src, "source_port": sp, "target": tgt, "target_port": tp}
    if feedback:
        e["feedback"] = True
    return e


def doc(nodes: list, edges: list, **extra: Any) -> dict[str, Any]:
    return {"format": "akid.graph/v1", "name": "t", "nodes": nodes, "edges": edges, **extra}


def chain(n: int, width: int = 8) -> dict[str, Any]:
    """Input -> n-2 alternating Dense/ReLU -> Output: the scale test's graph."""
    nodes = [node("x", "Input", shape=[width], feature="image")]
    for i in range(n - 2):
        nodes.append(node(f"n{i}", "Dense", units=width) if i % 2 == 0 else node(f"n{i}", "ReLU"))
    nodes.append(node("y", "Output"))
    ids = [nd["id"] for nd in nodes]
    return doc(nodes, [edge(a, b, eid=f"e{i}") for i, (a, b) in enumerate(zip(ids, ids[1:]))])


def codes(report) -> list[str]:
    return [i.code for i in report.errors]
