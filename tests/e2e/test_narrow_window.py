"""Narrow windows (issue 11): at 1024x700 the toolbar stays on one line (Train included), what
does not fit is in a "More" menu, and nothing overlaps."""

from __future__ import annotations

from editor_helpers import load
from test_runs import CNN


def _overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


def test_editor_at_1024x700(browser, server, request):
    ctx = browser.new_context(viewport={"width": 1024, "height": 700}, base_url=server.url)
    try:
        page = ctx.new_page()
        page.goto("/")
        page.get_by_test_id("palette-Input").wait_for()
        page.wait_for_function("() => !!window.__akid")
        load(page, CNN)
        bar = page.get_by_test_id("toolbar").bounding_box()
        assert bar["height"] < 48, bar  # one line
        items = page.locator("[data-testid=toolbar] > *:visible, [data-testid=toolbar] > .tb-narrow > *:visible")
        boxes = [b for b in (items.nth(i).bounding_box() for i in range(items.count())) if b and b["width"] > 0]
        for b in boxes:
            assert b["x"] >= 0 and b["x"] + b["width"] <= 1024 + 0.5, b
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _overlap(a, b), (a, b)
        train = page.get_by_test_id("train-button").bounding_box()
        assert abs(train["y"] - page.get_by_test_id("template-menu").bounding_box()["y"]) < 4
        # the hidden commands are in "More"
        page.get_by_test_id("more-menu").click()
        page.get_by_test_id("more-layout").click()
        # panels and canvas side by side, nothing under anything else
        panels = [page.locator(s).bounding_box() for s in (".palette", "[data-testid=canvas]", ".editor-right")]
        for i, a in enumerate(panels):
            for b in panels[i + 1 :]:
                assert not _overlap(a, b), (a, b)
        assert panels[1]["width"] > 500
        page.screenshot(
            path=str(__import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts" / "narrow-editor.png")
        )
    finally:
        ctx.close()
