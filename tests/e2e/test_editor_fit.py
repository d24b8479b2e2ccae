"""Readable fit (issue 11): loading a graph of typical size (a 12-block chain, every template)
shows all of it inside the canvas at 1600x1000 and 1024x700, at a zoom where labels are legible
(a too-wide graph is laid out in rows); edges draw under nodes; docstrings show ``code``."""

from __future__ import annotations

import itertools
import re

import pytest
from editor_helpers import load, open_editor, ready

SIZES = [(1600, 1000), (1024, 700)]


def _chain(n: int = 12) -> dict:
    ids = ["x"] + [f"d{i}" for i in range(1, n - 1)] + ["y"]
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [16]}}]
    nodes += [{"id": i, "type": "Dense", "params": {"units": 16, "activation": "relu"}} for i in ids[1:-1]]
    nodes += [{"id": "y", "type": "Output", "params": {}}]
    edges = [{"id": f"e{k}", "source": a, "target": b} for k, (a, b) in enumerate(itertools.pairwise(ids))]
    return {"format": "akid.graph/v1", "name": "chain12", "nodes": nodes, "edges": edges}


def _zoom(page) -> float:
    t = page.evaluate("() => document.querySelector('.react-flow__viewport').style.transform")
    return float(re.search(r"scale\(([\d.]+)\)", t).group(1))


def _all_nodes_inside(page) -> None:
    canvas = page.get_by_test_id("canvas").bounding_box()
    nodes = page.locator(".react-flow__node")
    assert nodes.count() > 0
    for i in range(nodes.count()):
        b = nodes.nth(i).bounding_box()
        name = nodes.nth(i).get_attribute("data-id")
        assert b["x"] >= canvas["x"] - 0.5 and b["y"] >= canvas["y"] - 0.5, (name, b, canvas)
        assert b["x"] + b["width"] <= canvas["x"] + canvas["width"] + 0.5, (name, b, canvas)
        assert b["y"] + b["height"] <= canvas["y"] + canvas["height"] + 0.5, (name, b, canvas)


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def sized_page(request, browser, server):
    w, h = request.param
    ctx = browser.new_context(viewport={"width": w, "height": h}, base_url=server.url)
    page = ctx.new_page()
    page.size = (w, h)
    yield page
    ctx.close()


def test_a_12_block_chain_fits_whole_and_readable(sized_page, shot):
    page = sized_page
    open_editor(page)
    load(page, _chain())
    _all_nodes_inside(page)
    assert _zoom(page) >= 0.5  # labels legible: a 14 px title is at least 7 px tall
    title = page.get_by_test_id("node-d5").locator(".title, .node-title, header").first
    if title.count():
        assert title.bounding_box()["height"] >= 7
    # rows, each left to right: a block's successor is to its right or starts the next row below
    pos = {n["id"]: n["position"] for n in page.evaluate("() => window.__akid.store.getState().nodes")}
    ids = ["x"] + [f"d{i}" for i in range(1, 11)] + ["y"]
    for a, b in itertools.pairwise(ids):
        assert pos[b]["x"] > pos[a]["x"] or pos[b]["y"] > pos[a]["y"] + 80, (a, b, pos[a], pos[b])
    # the fit button shows it whole too, after panning away
    page.mouse.move(*_canvas_point(page, 0.5, 0.5))
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(150)
    if page.get_by_test_id("fit-button").is_visible():
        page.get_by_test_id("fit-button").click()
    else:  # narrow window: the same action in the More menu
        page.get_by_test_id("more-menu").click()
        page.get_by_test_id("more-fit").click()
    page.wait_for_timeout(400)
    _all_nodes_inside(page)
    shot(page, f"fit-chain12-{page.size[0]}")


def _canvas_point(page, fx: float, fy: float):
    c = page.get_by_test_id("canvas").bounding_box()
    return c["x"] + c["width"] * fx, c["y"] + c["height"] * fy


def test_every_template_fits_whole(sized_page, server):
    page = sized_page
    open_editor(page)
    for t in server.api("GET", "/api/templates")["templates"]:
        load(page, t["graph"])
        _all_nodes_inside(page)
        assert _zoom(page) >= 0.5, t["id"]


def test_edges_draw_under_nodes(page):
    open_editor(page)
    doc = {
        "format": "akid.graph/v1",
        "name": "skip",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [16]}, "position": {"x": 0, "y": 0}},
            {"id": "d1", "type": "Dense", "params": {"units": 16}, "position": {"x": 260, "y": 0}},
            {"id": "s", "type": "Add", "params": {}, "position": {"x": 520, "y": 0}},
            {"id": "y", "type": "Output", "params": {}, "position": {"x": 780, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "x", "target": "d1"},
            {"id": "e2", "source": "d1", "target": "s"},
            {"id": "skip", "source": "x", "target": "s"},
            {"id": "e3", "source": "s", "target": "y"},
        ],
    }
    load(page, doc)
    ready(page)
    # a point of the skip edge x -> s that lies inside d1's box, in page coordinates
    spot = page.evaluate(
        """() => {
          const path = document.querySelector('.react-flow__edge[data-id="skip"] path');
          const node = document.querySelector('.react-flow__node[data-id="d1"]').getBoundingClientRect();
          const m = path.getScreenCTM();
          const len = path.getTotalLength();
          for (let i = 0; i <= 200; i++) {
            const p = path.getPointAtLength((len * i) / 200);
            const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
            if (x > node.left + 8 && x < node.right - 8 && y > node.top + 8 && y < node.bottom - 8) return {x, y};
          }
          return null;
        }"""
    )
    assert spot, "the skip edge should pass behind d1"
    hit = page.evaluate(
        "p => document.elementFromPoint(p.x, p.y)?.closest('.react-flow__node')?.getAttribute('data-id') ?? null", spot
    )
    assert hit == "d1", hit  # the node, not the edge, is on top


def test_inspector_renders_docstring_literals_as_code(page):
    open_editor(page)
    page.get_by_test_id("palette-Conv2D").click()
    ready(page)
    page.locator(".react-flow__node").last.click()
    doc = page.locator("[data-testid=inspector-node] .doc")
    doc.wait_for()
    assert "``" not in doc.inner_text()
    assert doc.locator("code", has_text="groups").count() == 1
    tip = page.get_by_test_id("palette-Conv2D").get_attribute("title") or ""
    assert "groups" in tip and "``" not in tip
