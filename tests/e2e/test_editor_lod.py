"""Level of detail on big graphs: far out, boxes and one edge canvas; zoomed in, the full editor."""

from __future__ import annotations

from editor_helpers import graph, load, open_editor


def _chain(n: int, cols: int = 25) -> dict:
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [16], "feature": "image"}, "position": {"x": 0, "y": 0}}]
    edges, prev = [], "x"
    for i in range(1, n - 1):
        nodes.append(
            {"id": f"d{i}", "type": "Dense", "params": {"units": 16}, "position": {"x": (i % cols) * 240, "y": (i // cols) * 160}}
        )
        edges.append({"id": f"e{i}", "source": prev, "target": f"d{i}"})
        prev = f"d{i}"
    nodes.append({"id": "y", "type": "Output", "params": {}, "position": {"x": 0, "y": (n // cols + 1) * 160}})
    edges.append({"id": "ey", "source": prev, "target": "y"})
    return {"format": "akid.graph/v1", "name": f"lod{n}", "nodes": nodes, "edges": edges}


def test_big_graph_draws_boxes_far_out_and_full_nodes_zoomed_in(page, shot):
    open_editor(page)
    load(page, _chain(300))  # fitted: zoom ~0.2, under the box threshold
    assert page.locator("[data-lod=box]").count() == 300
    canvas = page.get_by_test_id("lod-edges")
    assert canvas.get_attribute("data-edges") == "299"
    assert page.locator(".react-flow__edge").count() == 0 and page.locator(".react-flow__minimap").count() == 0
    assert page.locator(".react-flow__handle[data-handleid='out']").count() >= 299  # edges still know their ports
    shot("boxes")

    # a box can still be dragged; the move lands in the graph
    before = next(n for n in graph(page)["nodes"] if n["id"] == "d30")["position"]
    box = page.get_by_test_id("node-d30").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for dx in range(4, 44, 4):
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx)
    page.mouse.up()
    after = next(n for n in graph(page)["nodes"] if n["id"] == "d30")["position"]
    assert after["x"] > before["x"] + 50 and after["y"] > before["y"] + 50
    shot("dragged")  # the edge canvas redraws only around the moved node: no stale lines left behind

    # zoomed in: the full editor comes back (text, handles, SVG edges, the minimap toggle)
    for _ in range(4):
        page.locator(".react-flow__controls-zoomin").click()
    page.wait_for_function("() => !document.querySelector('[data-lod=box]')")
    assert page.locator(".react-flow__edge").count() > 0
    page.get_by_test_id("minimap-toggle").click()  # the minimap is collapsed by default (issue 11)
    assert page.locator(".react-flow__minimap").count() == 1
    assert page.get_by_test_id("lod-edges").count() == 0
    assert page.locator(".akid-node-type").count() > 0
    shot("zoomed-in")
