"""A composite expands in place (view only) and collapses again; the graph is unchanged by viewing."""

from __future__ import annotations

import json
import pathlib

from editor_helpers import graph, load, open_editor

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "graphs"


def _inner(page, comp: str):
    return page.locator(f".react-flow__node[data-id^='{comp}::']")


def test_composite_expands_in_place_and_collapses(page, shot):
    open_editor(page)
    doc = json.loads((FIXTURES / "composite.json").read_text())
    load(page, doc)
    comp = next(n["id"] for n in doc["nodes"] if n["type"] == "ResUnit")
    inner_ids = {n["id"] for n in doc["blocks"]["ResUnit"]["nodes"]}
    before = graph(page)
    outer_edges = page.locator(".react-flow__edge").count()
    assert _inner(page, comp).count() == 0  # collapsed by default
    shot("collapsed")

    page.get_by_test_id(f"expand-{comp}").click()
    frame = page.get_by_test_id(f"node-{comp}")
    page.wait_for_function(
        "n => { const els = [...document.querySelectorAll(`.react-flow__node[data-id^='${n}::']`)];"
        " return els.length > 0 && els.every((e) => e.style.visibility !== 'hidden'); }",
        arg=comp,
    )
    assert frame.get_attribute("data-expanded") == "true"
    assert {e.get_attribute("data-id").split("::", 1)[1] for e in _inner(page, comp).all()} == inner_ids
    # the inner blocks lie inside the frame, and the inner wiring is drawn
    fb = frame.bounding_box()
    for el in _inner(page, comp).all():
        b = el.bounding_box()
        assert fb["x"] <= b["x"] and b["x"] + b["width"] <= fb["x"] + fb["width"] + 1
        assert fb["y"] <= b["y"] and b["y"] + b["height"] <= fb["y"] + fb["height"] + 1
    assert page.locator(f"[data-testid^='wire-{comp}-']").count() == len(doc["blocks"]["ResUnit"]["edges"])
    assert page.locator(".react-flow__edge").count() == outer_edges  # outer edges end on the frame's ports
    assert graph(page) == before  # viewing changes nothing in the document
    shot("expanded")

    # the frame drags like the block it is; its inner blocks go with it
    title = frame.locator(".akid-expanded-title").bounding_box()
    inner0 = _inner(page, comp).first.bounding_box()
    x, y = title["x"] + 20, title["y"] + title["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for d in range(5, 65, 5):
        page.mouse.move(x + d, y + d / 2)
    page.mouse.up()
    moved = _inner(page, comp).first.bounding_box()
    # (React Flow starts the drag after the first move: 55-60 px of the 60 reach the node)
    assert 50 <= moved["x"] - inner0["x"] <= 62 and 25 <= moved["y"] - inner0["y"] <= 32
    pos = lambda g: next(n for n in g["nodes"] if n["id"] == comp).get("position")
    assert pos(graph(page)) != pos(before)
    after_drag = graph(page)

    page.get_by_test_id(f"collapse-{comp}").click()
    page.wait_for_function("n => !document.querySelector(`.react-flow__node[data-id^='${n}::']`)", arg=comp)
    assert frame.get_attribute("data-expanded") is None
    assert page.locator(".react-flow__edge").count() == outer_edges
    assert graph(page) == after_drag
    shot("collapsed-again")

    # a newly loaded graph starts collapsed
    page.get_by_test_id(f"expand-{comp}").click()
    _inner(page, comp).first.wait_for()
    load(page, doc)
    assert _inner(page, comp).count() == 0


def _units(n: int, per: int = 6, cols: int = 10) -> dict:
    inner = [{"id": "in", "type": "Input", "params": {"shape": [8]}}]
    inner += [{"id": f"d{j}", "type": "Dense", "params": {"units": 8}} for j in range(per)]
    inner.append({"id": "out", "type": "Output", "params": {}})
    ids = [b["id"] for b in inner]
    inner_edges = [{"id": f"e{j}", "source": a, "target": b} for j, (a, b) in enumerate(zip(ids, ids[1:]))]
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [8], "feature": "image"}, "position": {"x": 0, "y": 0}}]
    nodes += [
        {"id": f"u{i}", "type": "Unit", "params": {}, "position": {"x": (i % cols) * 240, "y": (i // cols) * 160}}
        for i in range(1, n + 1)
    ]
    nodes.append({"id": "y", "type": "Output", "params": {}, "position": {"x": 0, "y": (n // cols + 1) * 160}})
    chain = [n_["id"] for n_ in nodes]
    edges = [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(zip(chain, chain[1:]))]
    return {
        "format": "akid.graph/v1",
        "name": "units",
        "blocks": {"Unit": {"name": "Unit", "nodes": inner, "edges": inner_edges}},
        "nodes": nodes,
        "edges": edges,
    }


def test_big_graph_of_composites_opens_collapsed_and_expands_where_it_stands(page, shot):
    open_editor(page)
    doc = _units(200)  # 1,200 Dense blocks, 202 nodes on the canvas
    load(page, doc)
    assert page.locator(".react-flow__node[data-id*='::']").count() == 0
    assert page.locator("[data-lod=box]").count() == 202  # far out: one box per composite
    before = graph(page)
    for _ in range(10):  # zoom in on the middle just until blocks show their expand buttons
        page.locator(".react-flow__controls-zoomin").click()
        page.wait_for_timeout(150)
        if page.locator("[data-testid^='expand-']").count() > 0:
            break
    page.wait_for_function("() => !document.querySelector('[data-lod=box]')")
    # the leftmost composite on screen: its frame (8 columns wide) stays in view, none culled
    comp = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid^='expand-']")]
        .map((b) => [b.getBoundingClientRect().x, b.dataset.testid.slice(7), b.getBoundingClientRect().y])
        .filter(([x, , y]) => x > 200 && y > 250).sort((a, b) => a[0] - b[0] || a[2] - b[2])[0][1]"""
    )
    button = page.get_by_test_id(f"expand-{comp}")
    box = page.get_by_test_id(f"node-{comp}").bounding_box()
    button.click()
    page.wait_for_function("c => document.querySelectorAll(`.react-flow__node[data-id^='${c}::']`).length === 8", arg=comp)
    frame = page.get_by_test_id(f"node-{comp}").bounding_box()
    assert abs(frame["x"] - box["x"]) < 2 and abs(frame["y"] - box["y"]) < 2  # opened where it stood
    assert page.locator(f"[data-testid^='wire-{comp}-']").count() == 7
    assert graph(page) == before
    shot("expanded-in-big-graph")
