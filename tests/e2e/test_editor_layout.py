"""Layout (issue 11 "Layout"): chains run left to right (a graph too wide to read whole is cut
into rows, each left to right, read top to bottom); a feedback edge is a back-edge with its ↺
label visible; the minimap is collapsed and off the content."""

from __future__ import annotations

import itertools

from editor_helpers import load, open_editor, ready

N = 9


def _chain_with_loop() -> dict:
    ids = ["x"] + [f"d{i}" for i in range(1, N - 1)] + ["y"]
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [16]}}]
    nodes += [{"id": i, "type": "Dense", "params": {"units": 16}} for i in ids[1:-1]]
    nodes += [{"id": "y", "type": "Output", "params": {}}]
    edges = [{"id": f"e{k}", "source": a, "target": b} for k, (a, b) in enumerate(itertools.pairwise(ids))]
    edges.append({"id": "fb", "source": "d5", "target": "d2", "feedback": True})
    return {"format": "akid.graph/v1", "name": "loop", "params": {"time_steps": 2}, "nodes": nodes, "edges": edges}, ids


def _in_reading_order(page, ids: list[str]) -> None:
    """Each block's successor is to its right in the same row, or starts a row below."""
    pos = {n["id"]: n["position"] for n in page.evaluate("() => window.__akid.store.getState().nodes")}
    for a, b in itertools.pairwise(ids):
        same_row = abs(pos[b]["y"] - pos[a]["y"]) < 80
        assert (same_row and pos[b]["x"] > pos[a]["x"]) or pos[b]["y"] >= pos[a]["y"] + 80, (a, b, pos[a], pos[b])


def test_layered_left_to_right_with_a_visible_back_edge(page, shot):
    open_editor(page)
    doc, ids = _chain_with_loop()
    load(page, doc)  # no positions: laid out on load
    _in_reading_order(page, ids)
    # shown whole at a legible zoom (test_editor_fit.py checks every node box)
    zoom = page.evaluate("() => document.querySelector('.react-flow__viewport').style.transform")
    assert float(zoom.split("scale(")[1].rstrip(")")) >= 0.45, zoom
    assert page.get_by_test_id("node-x").is_visible() and page.get_by_test_id("node-y").is_visible()
    label = page.get_by_test_id("edge-label-fb")
    assert label.is_visible() and "↺" in label.inner_text()
    # the back-edge's label sits below the row, not on top of a block
    lb = label.bounding_box()
    d3 = page.get_by_test_id("node-d3").bounding_box()
    assert lb["y"] > d3["y"] + d3["height"] - 2, (lb, d3)
    # the minimap is collapsed by default, and can be shown
    assert page.locator(".react-flow__minimap").count() == 0
    shot("layout")
    page.get_by_test_id("minimap-toggle").click()
    assert page.locator(".react-flow__minimap").count() == 1


def test_layout_button_keeps_the_graph_left_to_right(page):
    open_editor(page)
    doc, ids = _chain_with_loop()
    for k, n in enumerate(doc["nodes"]):  # scrambled positions
        n["position"] = {"x": (k * 7919) % 900, "y": (k * 104729) % 600}
    load(page, doc)
    page.get_by_test_id("layout-button").click()
    page.wait_for_timeout(600)
    ready(page)
    _in_reading_order(page, ids)
