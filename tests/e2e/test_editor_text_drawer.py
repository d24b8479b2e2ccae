"""The meta-syntax pane is a resizable bottom drawer under the canvas; applying its text keeps
the blocks that are still there in place (issue 11 "applying the Text pane lays everything in
one row off-screen"), and the text leaves defaults out."""

from __future__ import annotations

from editor_helpers import load, open_editor, ready
from test_runs import CNN


def test_text_drawer_resizes_and_apply_keeps_positions(page, shot):
    open_editor(page)
    load(page, CNN)
    before = page.evaluate("() => Object.fromEntries(window.__akid.store.getState().nodes.map(n => [n.id, n.position]))")
    page.get_by_test_id("toggle-meta").click()
    pane = page.get_by_test_id("meta-pane")
    canvas = page.get_by_test_id("canvas").bounding_box()
    box = pane.bounding_box()
    assert box["y"] >= canvas["y"] + canvas["height"] - 1  # under the canvas, full width of it
    assert box["width"] > 600
    page.wait_for_function("() => document.querySelector('[data-testid=meta-text]').value.includes('Conv2D')")
    text = page.get_by_test_id("meta-text").input_value()
    assert "use_bias" not in text and "activation=linear" not in text, text  # defaults left out

    handle = page.get_by_test_id("meta-resize").bounding_box()
    page.mouse.move(handle["x"] + 200, handle["y"] + 4)
    page.mouse.down()
    page.mouse.move(handle["x"] + 200, handle["y"] - 120, steps=5)
    page.mouse.up()
    assert pane.bounding_box()["height"] > box["height"] + 100
    page.get_by_test_id("meta-resize").focus()
    h = pane.bounding_box()["height"]
    page.keyboard.press("ArrowDown")
    assert pane.bounding_box()["height"] < h

    # change one block in the text: every other block stays where it was
    page.get_by_test_id("meta-text").fill(text.replace("Dense(10)", "Dense(12)"))
    page.get_by_test_id("meta-apply").click()
    page.wait_for_function("() => window.__akid.graph().nodes.find(n => n.id === 'd').params.units === 12")
    ready(page)
    after = page.evaluate("() => Object.fromEntries(window.__akid.store.getState().nodes.map(n => [n.id, n.position]))")
    for nid, p in before.items():
        assert after[nid] == p, (nid, before, after)
    shot("drawer")
