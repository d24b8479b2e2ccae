"""Dragging: a multi-selection moves together, the graph changes once at the drag's end (one undo
step, one draft write), and nothing in the document moves while the drag is in progress."""

from __future__ import annotations

from editor_helpers import center, graph, load, open_editor


def _chain() -> dict:
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [8], "feature": "image"}, "position": {"x": 0, "y": 0}}]
    edges, prev = [], "x"
    for i in range(1, 4):
        nodes.append({"id": f"d{i}", "type": "Dense", "params": {"units": 8}, "position": {"x": i * 260, "y": 0}})
        edges.append({"id": f"e{i}", "source": prev, "target": f"d{i}"})
        prev = f"d{i}"
    nodes.append({"id": "y", "type": "Output", "params": {}, "position": {"x": 4 * 260, "y": 0}})
    edges.append({"id": "ey", "source": prev, "target": "y"})
    return {"format": "akid.graph/v1", "name": "drag", "nodes": nodes, "edges": edges}


def _pos(g: dict, node_id: str) -> tuple[float, float]:
    p = next(n for n in g["nodes"] if n["id"] == node_id)["position"]
    return p["x"], p["y"]


def _draft_pos(page, node_id: str):
    return page.evaluate(
        """id => { const d = JSON.parse(localStorage.getItem('akid.editor.draft') || 'null');
        const n = d && d.doc.nodes.find((m) => m.id === id); return n ? [n.position.x, n.position.y] : null; }""",
        node_id,
    )


def test_multi_select_drag_is_one_change(page, shot):
    open_editor(page)
    load(page, _chain())
    before = graph(page)
    page.wait_for_timeout(700)  # the draft of the loaded graph is written
    page.get_by_test_id("node-d1").click()
    page.get_by_test_id("node-d2").click(modifiers=["Control"])

    x, y = center(page.get_by_test_id("node-d1").locator(".akid-node-title").bounding_box())
    page.mouse.move(x, y)
    page.mouse.down()
    for d in range(6, 90, 6):
        page.mouse.move(x + d, y + d)
    # mid-drag: both nodes are drawn moved, but the document has not changed yet
    shot("mid-drag")
    assert graph(page) == before
    moved_box = page.get_by_test_id("node-d2").bounding_box()
    page.mouse.up()

    after = graph(page)
    dx1, dy1 = (a - b for a, b in zip(_pos(after, "d1"), _pos(before, "d1")))
    dx2, dy2 = (a - b for a, b in zip(_pos(after, "d2"), _pos(before, "d2")))
    assert dx1 > 30 and dy1 > 30
    assert abs(dx1 - dx2) < 0.01 and abs(dy1 - dy2) < 0.01  # moved together
    assert _pos(after, "d3") == _pos(before, "d3")
    assert abs(page.get_by_test_id("node-d2").bounding_box()["x"] - moved_box["x"]) < 8  # no jump on commit
    page.wait_for_timeout(900)
    assert _draft_pos(page, "d2") == list(_pos(after, "d2"))  # the draft follows the committed drag
    shot("dropped")

    page.keyboard.press("Escape")
    page.get_by_test_id("undo-button").click()  # one step takes both back
    g = graph(page)
    assert _pos(g, "d1") == _pos(before, "d1") and _pos(g, "d2") == _pos(before, "d2")
    page.keyboard.press("Control+Shift+z")
    g = graph(page)
    assert _pos(g, "d1") == _pos(after, "d1") and _pos(g, "d2") == _pos(after, "d2")
