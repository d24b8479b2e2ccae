"""akid.graph.budget: limits computed on raw input before any work."""

from __future__ import annotations

import json

import pytest

from akid.graph import budget
from akid.graph.budget import BudgetError, RangeError, check_graph, check_int, check_json, expanded_size, json_depth
from akid.settings import Limits


def chain(kind: str, n: int) -> dict:
    ids = [f"c{i}" for i in range(n)]
    nodes = (
        [{"id": "in", "type": "Input", "params": {"shape": [4]}}]
        + [{"id": i, "type": kind, "params": {}} for i in ids]
        + [{"id": "out", "type": "Output", "params": {}}]
    )
    return {"nodes": nodes, "edges": []}


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth(b'{"a": "[[[[[[", "b": [[1]]}') == 3
    assert json_depth(b'{"a": "\\"[[[", "b": 1}') == 1
    assert json_depth(b"[" * 10_000 + b"]" * 10_000) == 10_000


def test_json_depth_is_the_same_on_the_small_and_the_vectorised_path(monkeypatch):
    bodies = [b"[]", b"{}", b"1", b'[{"a": [1, {"b": []}]}, [[[]]]]', b"]]]" + b"[" * 5, b"[" * 300 + b"]" * 300]
    small = [json_depth(b) for b in bodies]
    monkeypatch.setattr(budget, "_VECTOR_FROM", 0)  # every body through NumPy
    assert [json_depth(b) for b in bodies] == small == [1, 1, 0, 5, 2, 300]


def test_check_json_refuses_depth_and_size_naming_the_limit():
    with pytest.raises(BudgetError) as info:
        check_json(b"[" * 65 + b"]" * 65, Limits())
    issue = info.value.issues[0]
    assert issue.code == "budget_exceeded" and issue.param == "max_json_depth" and "Received: 65" in issue.message
    with pytest.raises(BudgetError, match="max_request_bytes"):
        check_json(b" " * 11, Limits(max_request_bytes=10))
    check_json(json.dumps({"a": [[1]]}).encode(), Limits())


def test_expanded_size_is_arithmetic():
    blocks = {"B0": chain("ReLU", 1)}
    for k in range(1, 12):
        blocks[f"B{k}"] = chain(f"B{k - 1}", 4)
    doc = {"blocks": blocks, "nodes": [{"id": "b", "type": "B11"}]}
    size = expanded_size(doc)
    # each level: Input + 4 x previous + Output; plus every definition counted on its own
    assert size > 4**11
    with pytest.raises(BudgetError, match="max_expanded_nodes"):
        check_graph(doc, Limits())


def test_recursive_composite_counts_once_and_is_left_to_the_validator():
    doc = {"blocks": {"R": {"nodes": [{"id": "r", "type": "R"}]}}, "nodes": [{"id": "x", "type": "R"}]}
    assert expanded_size(doc) == 2
    check_graph(doc, Limits())


def test_nodes_and_edges_count_composite_definitions():
    doc = {"blocks": {"A": chain("ReLU", 3)}, "nodes": chain("ReLU", 3)["nodes"], "edges": [{}] * 5}
    with pytest.raises(BudgetError, match="max_graph_nodes"):
        check_graph(doc, Limits(max_graph_nodes=9))
    with pytest.raises(BudgetError, match="max_graph_edges"):
        check_graph(doc, Limits(max_graph_edges=4))


def test_check_int():
    check_int(2**53, Limits(), "version")
    with pytest.raises(RangeError) as info:
        check_int(10**20, Limits(), "version")
    assert info.value.issues[0].code == "out_of_range" and info.value.status == 400
