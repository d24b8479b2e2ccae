"""The tour's screenshots (docs/images/, see docs/tour.md): the editor, a finished run and the
compare view at 1600x1000 and 1024x700 — and at both sizes nothing spills out of the window."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from test_runs import CNN

SIZES = [(1600, 1000), (1024, 700)]


@pytest.fixture(scope="module")
def two_runs(server):
    ids = []
    for name, lr in (("lenet-lr-0.003", 0.003), ("lenet-lr-0.03", 0.03)):
        res = server.api(
            "POST",
            "/api/runs",
            {
                "graph": CNN,
                "name": name,
                "config": {
                    "epochs": 3,
                    "batch_size": 32,
                    "optimizer": {"name": "adam", "learning_rate": lr},
                    "observers": {"histograms_every": 10, "images_every": 10},
                },
            },
        )
        ids.append(res["id"])
    deadline = time.time() + 300
    for rid in ids:
        while server.api("GET", f"/api/runs/{rid}").get("status") not in ("completed", "failed") and time.time() < deadline:
            time.sleep(0.5)
    return ids


def _no_horizontal_spill(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tour_screenshots(browser, server, two_runs, size, shot):
    w, h = size
    ctx = browser.new_context(viewport={"width": w, "height": h}, base_url=server.url)
    try:
        page = ctx.new_page()
        page.goto("/")
        page.get_by_test_id("palette-Input").wait_for()
        page.wait_for_function("() => !!window.__akid")
        templates = server.api("GET", "/api/templates").get("templates") or []
        page.get_by_test_id("template-menu").click()
        tid = "lenet" if any(t["id"] == "lenet" for t in templates) else templates[0]["id"]
        page.get_by_test_id(f"template-{tid}").click()
        page.evaluate("() => window.__akid.ready()")
        page.locator(".react-flow__node").nth(1).click()
        _no_horizontal_spill(page)
        shot(page, f"editor-{w}")

        page.get_by_test_id("view-runs").click()
        page.locator(f"[data-testid=run-row][data-run-id='{two_runs[0]}'] .runs-list-open").click()
        expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "completed", timeout=30000)
        page.wait_for_function("() => +document.querySelector('[data-testid=loss-chart]')?.dataset.points > 3")
        page.wait_for_timeout(300)
        _no_horizontal_spill(page)
        shot(page, f"run-{w}")
        page.get_by_test_id("confusion-matrix").scroll_into_view_if_needed()
        shot(page, f"run-confusion-{w}")

        for rid in two_runs:
            page.locator(f"[data-testid=run-row][data-run-id='{rid}'] [data-testid=compare-check]").check()
        page.get_by_test_id("compare-runs").click()
        expect(page.get_by_test_id("compare-view")).to_be_visible()
        page.wait_for_function(
            "() => +document.querySelector('[data-testid=compare-view] [data-testid=loss-chart]')?.dataset.points > 3"
        )
        page.wait_for_timeout(300)
        _no_horizontal_spill(page)
        shot(page, f"compare-{w}")
    finally:
        ctx.close()
