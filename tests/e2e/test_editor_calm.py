"""Building a graph from an empty canvas is calm: an unfinished graph is a normal state.

Reproduces issue 11 "Wiring fails while building": nodes grew with error boxes and covered
their neighbours' handles, so wiring blocks dropped 220 px apart mostly failed.
"""

from __future__ import annotations

import itertools

from editor_helpers import (
    connect,
    drop,
    errors,
    graph,
    open_editor,
    wait_edges,
    wait_validated,
)

CHAIN = ["Input", "Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense", "Output"]


def _boxes(page, ids):
    return {i: page.get_by_test_id(f"node-{i}").bounding_box() for i in ids}


def _overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_seven_blocks_220px_apart_wire_into_six_edges(page, shot):
    open_editor(page)
    # Two rows, 220 px apart both ways (the canvas is ~1100 px wide at 1600x1000).
    spots = [(90 + 220 * (k % 4), 120 + 220 * (k // 4)) for k in range(len(CHAIN))]
    for block, (x, y) in zip(CHAIN, spots):
        drop(page, block, x, y)
    ids = [n["id"] for n in graph(page)["nodes"]]
    assert len(ids) == 7
    wait_validated(page)
    before = _boxes(page, ids)
    # Unwired blocks are incomplete, not wrong: a quiet badge per node and one summary line.
    assert page.get_by_test_id("summary-errors").get_attribute("data-wrong") == "0"
    assert page.get_by_test_id("summary-incomplete").is_visible()
    for i in ids:
        assert page.get_by_test_id(f"node-{i}").get_attribute("data-error") == "false"
    assert page.locator('[data-testid^="node-badge-"]').count() >= 6
    shot("unwired")

    for k, (a, b) in enumerate(itertools.pairwise(ids), start=1):
        connect(page, a, b)
        wait_edges(page, k)
    assert len(graph(page)["edges"]) == 6
    after = _boxes(page, ids)
    for i in ids:  # messages never resize a node
        assert abs(after[i]["height"] - before[i]["height"]) < 1, (i, before[i], after[i])
        assert abs(after[i]["width"] - before[i]["width"]) < 1, (i, before[i], after[i])
    assert errors(page) == 0
    shot("wired")


def test_node_size_does_not_change_when_errors_appear(page, shot):
    open_editor(page)
    for block, x, y in [("Input", 120, 200), ("Conv2D", 400, 200), ("Output", 680, 200)]:
        drop(page, block, x, y)
    connect(page, "input1", "conv2d1")
    connect(page, "conv2d1", "output1")
    wait_edges(page, 2)
    wait_validated(page)
    before = _boxes(page, ["input1", "conv2d1", "output1"])
    page.get_by_test_id("node-conv2d1").click()
    page.get_by_test_id("param-kernel_size").fill("9")  # a 9x9 kernel on an 8x8 image: wrong
    page.wait_for_selector('[data-testid="node-conv2d1"][data-error="true"]')
    assert int(page.get_by_test_id("summary-errors").get_attribute("data-wrong")) >= 1
    assert "Conv2D" in page.get_by_test_id("node-conv2d1-error").inner_text()
    after = _boxes(page, ["input1", "conv2d1", "output1"])
    for i in before:
        assert abs(after[i]["height"] - before[i]["height"]) < 1, (i, before[i], after[i])
        assert abs(after[i]["width"] - before[i]["width"]) < 1, (i, before[i], after[i])
    shot("shape-error")


def test_dropped_blocks_never_overlap(page):
    open_editor(page)
    for _ in range(3):  # three drops on the same spot
        drop(page, "Dense", 300, 300)
    ids = [n["id"] for n in graph(page)["nodes"]]
    boxes = _boxes(page, ids)
    for a in ids:
        for b in ids:
            if a < b:
                assert not _overlap(boxes[a], boxes[b]), (a, b, boxes)


def test_an_edge_end_is_dragged_to_another_port(page, shot):
    open_editor(page)
    for block, x, y in [("Input", 120, 200), ("Dense", 420, 120), ("Dense", 420, 420)]:
        drop(page, block, x, y)
    connect(page, "input1", "dense1")
    wait_edges(page, 1)
    eid = graph(page)["edges"][0]["id"]
    page.get_by_test_id(f"rf__edge-{eid}").click()  # select it: its ends become grabbable
    end = page.locator(f'[data-testid="rf__edge-{eid}"] .react-flow__edgeupdater-target')
    a = end.bounding_box()
    a = (a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    b = page.get_by_test_id("handle-dense2-in-in").bounding_box()
    b = (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, steps=5)
    page.mouse.move(*b, steps=5)
    page.mouse.up()
    page.wait_for_function("id => window.__akid.graph().edges.some(e => e.id === id && e.target === 'dense2')", arg=eid)
    assert len(graph(page)["edges"]) == 1
    shot("reconnected")


def test_palette_is_usable_at_once_on_a_slow_server(browser, server):
    """Issue 11: the cold palette showed "Loading blocks…" for 6.7 s. The last visit's list is shown
    at once while the server answers."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=server.url)
    try:
        pg = ctx.new_page()
        open_editor(pg)  # first visit: the list comes from the server and is kept
        release = []
        pg.route("**/api/blocks*", lambda route: release.append(route))  # the server "is slow"
        pg.reload()
        pg.get_by_test_id("palette-Input").wait_for(timeout=3000)
        assert release, "the page did ask the server"
        for r in release:
            r.continue_()
    finally:
        ctx.close()
