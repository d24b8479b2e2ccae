"""Readable dashboards (issue 11 "Dashboards are unlabelled"): the confusion matrix names its
classes, has axis titles, counts and a colour scale; epochs count from 1; names show in full."""

from __future__ import annotations

import time

from playwright.sync_api import expect
from test_runs import CNN


def _finished_run(server, name: str) -> dict:
    res = server.api(
        "POST",
        "/api/runs",
        {
            "graph": CNN,
            "name": name,
            "config": {
                "epochs": 2,
                "batch_size": 32,
                "data": {"source": "digits", "params": {}},
                "observers": {"histograms_every": 10, "images_every": 10},
            },
        },
    )
    assert "id" in res, res
    deadline = time.time() + 180
    while time.time() < deadline:
        run = server.api("GET", f"/api/runs/{res['id']}")
        if run.get("status") in ("completed", "failed", "cancelled"):
            assert run["status"] == "completed", run
            return run
        time.sleep(0.5)
    raise AssertionError(f"run {res['id']} did not finish")


def test_confusion_matrix_shows_class_names(page, server, shot):
    run = _finished_run(server, "e2e-dashboards-a-long-run-name-that-is-cut-in-the-list")
    page.goto("/#runs")
    row = page.locator(f"[data-testid=run-row][data-run-id='{run['id']}']")
    name = row.locator(".runs-list-name")
    assert name.get_attribute("title") == run["name"]  # full name on hover
    row.locator(".runs-list-open").click()
    detail = page.get_by_test_id("run-detail")
    expect(detail).to_have_attribute("data-run-id", run["id"])
    table = page.get_by_test_id("confusion-table").first
    expect(table).to_be_visible(timeout=30000)
    classes = [c.strip() for c in table.get_by_test_id("cm-class").all_inner_texts()]
    assert classes == [str(i) for i in range(10)], classes  # digits' class names
    expect(page.get_by_test_id("confusion-matrix")).to_contain_text("true class")
    expect(page.get_by_test_id("confusion-matrix")).to_contain_text("predicted class")
    expect(page.get_by_test_id("confusion-matrix")).to_contain_text("100% of the true class")
    assert table.get_by_test_id("cm-cell").count() == 100
    page.get_by_test_id("cm-raw").click()
    counts = [int(t) for t in table.get_by_test_id("cm-cell").all_inner_texts() if t.strip()]
    assert sum(counts) > 0
    # epochs are counted from 1
    expect(page.get_by_test_id("run-epoch")).to_have_text("2 / 2")
    expect(page.get_by_test_id("run-logs")).not_to_contain_text("yet")
    page.get_by_test_id("confusion-matrix").scroll_into_view_if_needed()
    shot("confusion")
    # histograms: axes and a step slider; filters enlarge on click
    hist = page.get_by_test_id("histogram").first
    if hist.count():
        expect(hist.locator("svg text", has_text="count")).to_have_count(1)
    zoom = page.get_by_test_id("filters-zoom").first
    expect(zoom).to_be_visible()
    w = zoom.bounding_box()["width"]
    zoom.click()
    assert zoom.bounding_box()["width"] > w * 2
    # the zoomed grid still numbers its channels, on their tiles, larger
    grid = zoom.get_by_test_id("channel-grid")
    n = int(grid.get_attribute("data-channels"))
    assert n > 1, n
    nums = grid.get_by_test_id("channel-number")
    assert nums.all_inner_texts() == [str(i) for i in range(n)]
    gb, first = grid.bounding_box(), nums.first.bounding_box()
    assert gb["x"] <= first["x"] < gb["x"] + gb["width"] / 4 and gb["y"] <= first["y"] < gb["y"] + gb["height"] / 4
    assert nums.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12
    zoom.scroll_into_view_if_needed()
    shot("filters-numbered")
    # feature maps of a conv layer: numbered, and they enlarge on click with their numbers
    conv = next(n["id"] for n in run["graph"]["nodes"] if n["type"] == "Conv2D")
    page.get_by_test_id("layer-select").select_option(conv)
    fm = page.get_by_test_id("fmap-zoom").first
    expect(fm).to_be_visible()
    assert int(fm.get_by_test_id("channel-grid").get_attribute("data-channels")) > 1
    fw = fm.bounding_box()["width"]
    fm.click()
    assert fm.bounding_box()["width"] > fw * 1.5
    expect(fm.get_by_test_id("channel-number").first).to_have_text("0")
    # the log of a finished run: the worker's log file, from its first line to how it ended
    logs = page.get_by_test_id("run-logs")
    expect(logs).to_have_attribute("data-source", "file")
    text = page.get_by_test_id("run-log-text").inner_text()
    assert f"run {run['id']} started" in text and "run ended: completed" in text, text[-500:]
    assert text.count("run ended: completed") == 1  # the live lines are not shown twice
    logs.scroll_into_view_if_needed()
    shot("logs")
