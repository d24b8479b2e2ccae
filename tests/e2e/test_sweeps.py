"""Sweeps from the studio (issue 15): mark a parameter as a choice on the canvas, launch a grid
sweep, watch the parallel-coordinates plot fill in while the sweep runs, and open the best variant
in the editor as a plain graph."""

from __future__ import annotations

import re

from editor_helpers import errors, graph, load, open_editor
from playwright.sync_api import Page, expect

CNN = {
    "format": "akid.graph/v1",
    "name": "tiny-cnn",
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [8, 8, 1], "feature": "image"}, "position": {"x": 0, "y": 0}},
        {
            "id": "c1",
            "type": "Conv2D",
            "params": {"filters": 8, "kernel_size": 3, "padding": "same"},
            "position": {"x": 200, "y": 0},
        },
        {"id": "r1", "type": "ReLU", "params": {}, "position": {"x": 400, "y": 0}},
        {"id": "f", "type": "Flatten", "params": {}, "position": {"x": 600, "y": 0}},
        {"id": "d", "type": "Dense", "params": {"units": 10}, "position": {"x": 800, "y": 0}},
        {"id": "y", "type": "Output", "params": {"target": "label"}, "position": {"x": 1000, "y": 0}},
    ],
    "edges": [
        {"id": f"e{i}", "source": s, "source_port": "out", "target": t, "target_port": "in"}
        for i, (s, t) in enumerate([("x", "c1"), ("c1", "r1"), ("r1", "f"), ("f", "d"), ("d", "y")])
    ],
}

LINES = "() => +(document.querySelector('[data-testid=sweep-pc]')?.dataset.lines || 0)"
STATUS = "() => document.querySelector('[data-testid=sweep-detail]')?.dataset.status"


def test_sweep_from_the_canvas(page: Page, server, shot):
    open_editor(page)
    load(page, CNN)
    page.get_by_test_id("node-c1").click()
    page.get_by_test_id("sweep-param-filters").click()
    page.get_by_test_id("choice-input-filters").fill("8 | 16")
    expect(page.get_by_test_id("node-c1-swept")).to_be_visible()
    assert graph(page)["nodes"][1]["params"]["filters"] == {"$choice": [8, 16]}
    assert errors(page) == 0  # live validation checks the first variant, not the marker
    shot("swept-node")

    page.get_by_test_id("sweep-button").click()
    dialog = page.get_by_test_id("sweep-dialog")
    expect(dialog).to_be_visible()
    page.get_by_test_id("sweep-lr").fill("0.001 | 0.01")
    expect(page.get_by_test_id("sweep-space-size")).to_have_text("4 variants")
    expect(page.get_by_test_id("sweep-trials")).to_have_value("4")
    page.get_by_test_id("sweep-epochs").fill("1")
    shot("dialog")
    page.get_by_test_id("start-sweep").click()

    expect(page.get_by_test_id("sweeps-view")).to_be_visible()
    page.wait_for_function(f"() => ({LINES})() >= 1", timeout=180_000)
    # the plot fills in live: a line is drawn while later trials still run
    assert page.evaluate(STATUS) == "running", page.evaluate(STATUS)
    shot("filling-in")
    page.wait_for_function(f"() => ({STATUS})() === 'completed'", timeout=300_000)
    expect(page.get_by_test_id("sweep-status")).to_have_text("completed")
    assert page.evaluate(LINES) == 4
    rows = page.locator("[data-testid^=trial-row-]")
    expect(rows).to_have_count(4)
    best = page.locator("tr.best")
    expect(best).to_have_count(1)
    page.get_by_test_id("trial-sort-objective").click()
    expect(rows.first).to_have_class("best")  # sorted best first
    expect(page.locator("path.best")).to_have_count(1)

    sweep_id = server.api("GET", "/api/sweeps")["sweeps"][0]["id"]
    record = server.api("GET", f"/api/sweeps/{sweep_id}")
    for t in record["trials"]:
        run = server.api("GET", f"/api/runs/{t['run_id']}")
        assert run["status"] == "completed"
        conv = next(n for n in run["graph"]["nodes"] if n["id"] == "c1")
        assert conv["params"]["filters"] == t["choices"]["c1.filters"]  # the concrete variant it trained
    shot("completed")

    page.get_by_test_id("sweep-open-best").click()
    page.get_by_test_id("canvas").wait_for()
    expect(page.get_by_test_id("node-c1")).to_be_visible()
    opened = graph(page)
    conv = next(n for n in opened["nodes"] if n["id"] == "c1")
    assert conv["params"]["filters"] == record["best"]["choices"]["c1.filters"]
    assert "$choice" not in str(opened)
    expect(page.get_by_test_id("node-c1-swept")).to_have_count(0)
    shot("best-in-editor")


DONE_WHEN = "Input(8,8,1) > [Conv2D({8|16},3,padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)"


def test_sweep_of_a_metasyntax_family(page: Page, server, shot):
    """The issue's family typed in the Text pane: 4 variants (filters x repeat count), a grid sweep
    from the studio, every trial a concrete variant, the best opened as a plain graph."""
    open_editor(page)
    page.get_by_test_id("toggle-meta").click()
    page.get_by_test_id("meta-text").fill(DONE_WHEN)
    page.get_by_test_id("meta-apply").click()
    expect(page.get_by_test_id("node-conv2d1")).to_be_visible()
    for nid in ("conv2d1", "relu1"):  # a param choice, and both nodes of the repeat group
        expect(page.get_by_test_id(f"node-{nid}-swept")).to_be_visible()
    doc = graph(page)
    assert doc["$repeats"] == [{"id": "repeat1", "nodes": ["conv2d1", "relu1"], "times": {"$choice": [1, 2]}}]
    assert errors(page) == 0
    expect(page.get_by_test_id("meta-text")).to_have_value(
        "Input(8, 8, 1) > [Conv2D({8|16}, 3, padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)\n"
    )
    page.get_by_test_id("node-relu1").click()
    expect(page.get_by_test_id("sweep-repeat")).to_have_value("1 | 2")
    shot("family")

    page.get_by_test_id("sweep-button").click()
    expect(page.get_by_test_id("sweep-space-size")).to_have_text("4 variants")
    page.get_by_test_id("start-sweep").click()
    page.wait_for_function(f"() => ({STATUS})() === 'completed'", timeout=300_000)
    expect(page.locator("[data-testid^=trial-row-]")).to_have_count(4)
    sweep_id = server.api("GET", "/api/sweeps")["sweeps"][0]["id"]
    record = server.api("GET", f"/api/sweeps/{sweep_id}")
    assert {(t["choices"]["conv2d1.filters"], t["choices"]["repeat1*"]) for t in record["trials"]} == {
        (8, 1),
        (8, 2),
        (16, 1),
        (16, 2),
    }
    for t in record["trials"]:
        run = server.api("GET", f"/api/runs/{t['run_id']}")
        convs = [n for n in run["graph"]["nodes"] if n["type"] == "Conv2D"]
        assert len(convs) == t["choices"]["repeat1*"] and {n["params"]["filters"] for n in convs} == {
            t["choices"]["conv2d1.filters"]
        }
    shot("completed")

    page.get_by_test_id("sweep-open-best").click()
    expect(page.get_by_test_id("node-conv2d1")).to_be_visible()
    opened = graph(page)
    assert "$repeats" not in opened and "$choice" not in str(opened)
    assert len([n for n in opened["nodes"] if n["type"] == "Conv2D"]) == record["best"]["choices"]["repeat1*"]
    assert errors(page) == 0
    expect(page.get_by_test_id("meta-text")).not_to_have_value(re.compile(r"[{}]"))  # the text pane shows the plain variant
    shot("best-in-editor")
