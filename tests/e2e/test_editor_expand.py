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
