"""Training from the UI, watched live (issue 6).

Short runs on the bundled 8x8 digits: start from the editor's Train dialog, watch the loss chart
grow while the run is in progress, see filters and feature maps, the final validation accuracy
and a prediction; reload mid-run (history, then live without gaps or duplicates); a second page
on the same run gets the same events; cancel and resume; compare two runs.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
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
        {
            "id": "y",
            "type": "Output",
            "params": {"target": "label", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
            "position": {"x": 1000, "y": 0},
        },
    ],
    "edges": [
        {"id": f"e{i}", "source": s, "source_port": "out", "target": t, "target_port": "in"}
        for i, (s, t) in enumerate([("x", "c1"), ("c1", "r1"), ("r1", "f"), ("f", "d"), ("d", "y")])
    ],
}

LOSS_POINTS = "+(document.querySelector('[data-testid=loss-chart]')?.dataset.points || 0)"
STATE = "document.querySelector('[data-testid=run-status]')?.dataset.state"
DETAIL = "document.querySelector('[data-testid=run-detail]')"


def points(page: Page) -> int:
    return int(page.evaluate(f"() => {LOSS_POINTS}"))


def detail_seq(page: Page) -> tuple[int, int]:
    """(events applied, highest seq) of the open run: equal means no gap and no duplicate."""
    return tuple(page.evaluate(f"() => [+{DETAIL}.dataset.events, +{DETAIL}.dataset.lastSeq]"))


def load_default_template(page: Page, server) -> None:
    page.goto("/#editor")
    expect(page.get_by_test_id("toolbar")).to_be_visible()
    t = server.api("GET", "/api/templates")
    ids = [x["id"] for x in t.get("templates", [])] if isinstance(t, dict) and "templates" in t else []
    if ids:
        tid = "lenet" if "lenet" in ids else ids[0]
        page.get_by_test_id("template-menu").click()
        page.get_by_test_id(f"template-{tid}").click()
    else:  # templates not shipped in this build: load an equivalent graph through the editor hook
        page.wait_for_function("() => !!window.__akid")
        page.evaluate("doc => window.__akid.load(doc)", CNN)
    expect(page.locator(".react-flow__node").first).to_be_visible()


def start_api_run(server, name: str, **config) -> str:
    cfg = {"epochs": 1, "batch_size": 32, **config}
    res = server.api("POST", "/api/runs", {"graph": CNN, "config": cfg, "name": name})
    assert "id" in res, res
    return res["id"]


def wait_api_state(server, run_id: str, states: tuple[str, ...], timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = server.api("GET", f"/api/runs/{run_id}")
        if run.get("status") in states:
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} not in {states}: {run}")


def test_train_from_editor_watch_live_and_predict(page: Page, server, shot, tmp_path):
    load_default_template(page, server)
    page.get_by_test_id("train-button").click()
    dialog = page.get_by_test_id("train-dialog")
    expect(dialog).to_be_visible()
    page.get_by_test_id("dataset-select").select_option("digits")
    expect(page.get_by_test_id("binding-ok").first).to_be_visible()
    expect(page.get_by_test_id("binding-error")).to_have_count(0)
    expect(page.locator("[data-testid=dataset-samples] img").first).to_be_visible()

    # an uploaded data set joins the picker, with its bindings and samples; then back to digits
    npz = tmp_path / "e2e_tiny.npz"
    rng = np.random.default_rng(0)
    np.savez(npz, x=rng.random((40, 8, 8, 1), dtype=np.float32), y=rng.integers(0, 3, 40))
    page.get_by_text("Upload a data set").click()
    page.get_by_test_id("dataset-file").set_input_files(str(npz))
    page.get_by_test_id("dataset-upload").click()
    expect(page.get_by_test_id("dataset-select")).to_have_value("e2e_tiny", timeout=30000)
    expect(page.get_by_test_id("bindings")).to_contain_text("3 classes")
    page.get_by_test_id("dataset-select").select_option("digits")
    expect(page.get_by_test_id("bindings")).to_contain_text("10 classes")

    # an augmentation joker, configured from its block's parameter schema
    page.get_by_test_id("joker-select").select_option("GaussianNoise")
    page.get_by_test_id("joker-add").click()
    expect(page.get_by_test_id("joker-0")).to_contain_text("GaussianNoise")
    page.get_by_test_id("joker-0").get_by_test_id("field-stddev").fill("0.02")

    start = page.get_by_test_id("start-run")
    # the form is generated from the schema, with its defaults, and validated
    expect(page.get_by_test_id("field-epochs")).to_have_value("5")
    page.get_by_test_id("field-epochs").fill("0")
    expect(page.get_by_test_id("error-epochs")).to_be_visible()
    expect(start).to_be_disabled()
    page.get_by_test_id("field-epochs").fill("2")
    page.get_by_test_id("field-batch_size").fill("8")
    page.get_by_test_id("toggle-observers").click()
    page.get_by_test_id("field-observers.images_every").fill("25")
    page.get_by_test_id("field-observers.histograms_every").fill("25")
    page.get_by_test_id("run-name-input").fill("e2e-digits")
    expect(start).to_be_enabled()
    shot("train-dialog")
    start.click()

    # the app opens the new run; the loss chart grows while the run is in progress
    expect(page.get_by_test_id("run-detail")).to_be_visible()
    page.wait_for_function(f"() => {STATE} === 'running' && {LOSS_POINTS} > 0", timeout=90000)
    first = points(page)
    page.wait_for_function(f"() => {STATE} === 'running' && {LOSS_POINTS} > {first}", timeout=30000)
    shot("running")

    expect(page.locator("[data-testid=filters-grid] img").first).to_be_visible(timeout=60000)
    page.locator("[data-testid^=run-node-]").filter(has_text="Conv2D").first.click()
    expect(page.locator("[data-testid=feature-maps] img").first).to_be_visible(timeout=30000)
    expect(page.get_by_test_id("histogram").first).to_be_visible()

    expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "completed", timeout=120000)
    expect(page.get_by_test_id("val-accuracy")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    expect(page.get_by_test_id("confusion-table").first).to_be_visible()
    events, last = detail_seq(page)
    assert events == last > 0

    # "Try it": draw a one, predict, see ten probabilities
    canvas = page.get_by_test_id("draw-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.85, steps=8)
    page.mouse.up()
    page.get_by_test_id("predict").click()
    expect(page.get_by_test_id("predicted-class")).to_have_text(re.compile(r"^\d$"), timeout=30000)
    expect(page.locator("[data-testid=predictions] .runs-prob")).to_have_count(10)
    shot("completed")

    # back in the editor, the canvas nodes carry the run's live statistics
    page.get_by_test_id("view-editor").click()
    stats = page.locator(".react-flow__node [data-testid^=node-stats-]")
    for _ in range(6):  # nodes show details (and the overlay) once zoomed in far enough
        if stats.count():
            break
        page.locator(".react-flow__controls-zoomin").click()
        page.wait_for_timeout(250)
    expect(stats.first).to_be_visible()
    shot("editor-overlay")


def test_train_dialog_shows_binding_mismatch(page: Page, server, shot):
    page.goto("/#editor")
    page.wait_for_function("() => !!window.__akid")
    wrong = {**CNN, "nodes": [dict(n) for n in CNN["nodes"]]}
    wrong["nodes"][0] = {**wrong["nodes"][0], "params": {"shape": [28, 28, 1], "feature": "image"}}
    wrong["nodes"][-1] = {**wrong["nodes"][-1], "params": {**wrong["nodes"][-1]["params"], "target": "digit"}}
    page.evaluate("doc => window.__akid.load(doc)", wrong)
    page.get_by_test_id("train-button").click()
    expect(page.get_by_test_id("train-dialog")).to_be_visible()
    expect(page.get_by_test_id("binding-error")).to_have_count(2)
    expect(page.get_by_test_id("bindings")).to_contain_text("does not fit data [8, 8, 1]")
    expect(page.get_by_test_id("bindings")).to_contain_text('no target "digit"')
    expect(page.get_by_test_id("start-run")).to_be_disabled()
    expect(page.get_by_test_id("form-invalid")).to_contain_text("x:")
    shot("binding-mismatch")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("train-dialog")).to_have_count(0)


def test_reload_mid_run_second_page_cancel_resume(page: Page, server, browser, shot):
    run_id = start_api_run(server, "e2e-reload", epochs=40, batch_size=8)
    page.goto(f"/?run={run_id}#runs")
    page.wait_for_function(f"() => {STATE} === 'running' && {LOSS_POINTS} > 20", timeout=90000)

    # a second page watching the same run
    ctx2 = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=server.url)
    page2 = ctx2.new_page()
    try:
        page2.goto(f"/?run={run_id}#runs")
        expect(page2.get_by_test_id("run-detail")).to_be_visible()

        # losing the connection: the client re-subscribes with its last seq and misses nothing
        dropped = points(page)
        page.evaluate("() => window.__akidRuns.connection.reconnect()")
        page.wait_for_function(f"() => {STATE} === 'running' && {LOSS_POINTS} > {dropped + 5}", timeout=30000)
        events, last = detail_seq(page)
        assert events == last, f"gaps or duplicates after reconnect: {events} events, last seq {last}"

        before = points(page)
        page.reload()
        # the history is back at once (REST), then live points continue (socket since_seq)
        page.wait_for_function(f"() => {LOSS_POINTS} >= {before}", timeout=20000)
        after_reload = points(page)
        page.wait_for_function(f"() => {STATE} === 'running' && {LOSS_POINTS} > {after_reload + 5}", timeout=30000)
        events, last = detail_seq(page)
        assert events == last, f"gaps or duplicates after reload: {events} events, last seq {last}"
        shot("after-reload")

        page.get_by_test_id("cancel-run").click()
        expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "cancelled", timeout=30000)
        expect(page2.get_by_test_id("run-status")).to_have_attribute("data-state", "cancelled", timeout=30000)
        server_last = server.api("GET", f"/api/runs/{run_id}/events?since_seq=0")["last_seq"]
        for pg in (page, page2):
            pg.wait_for_function(f"() => +{DETAIL}.dataset.lastSeq >= {server_last}", timeout=15000)
            events, last = detail_seq(pg)
            assert events == last >= server_last
        assert points(page) == points(page2)
        shot(page2, "second-page")

        # resume continues from the checkpoint; cancel again to finish quickly
        page.get_by_test_id("resume-run").click()
        page.wait_for_function(f"() => ['queued', 'running'].includes({STATE})", timeout=30000)
        page.wait_for_function(f"() => {STATE} === 'running'", timeout=60000)
        expect(page2.get_by_test_id("run-status")).to_have_attribute("data-state", "running", timeout=30000)
        page.get_by_test_id("cancel-run").click()
        expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "cancelled", timeout=30000)
    finally:
        ctx2.close()


def test_compare_two_runs(page: Page, server, shot):
    # Reuse two finished runs of the tests above (each run costs a worker start); alone, make two.
    runs = [r for r in server.api("GET", "/api/runs")["runs"] if r["status"] in ("completed", "cancelled")]
    if len(runs) < 2:
        ids = [
            start_api_run(server, "e2e-lr-small", optimizer={"name": "adam", "learning_rate": 0.001}),
            start_api_run(server, "e2e-lr-large", optimizer={"name": "adam", "learning_rate": 0.01}),
        ]
        runs = [wait_api_state(server, rid, ("completed",)) for rid in ids]
    a, b = (server.api("GET", f"/api/runs/{r['id']}") for r in runs[:2])
    page.goto("/#runs")
    for r in (a, b):
        page.locator(f"[data-testid=run-row][data-run-id='{r['id']}'] [data-testid=compare-check]").check()
    page.get_by_test_id("runs-filter-status").select_option(a["status"])
    expect(page.locator(f"[data-testid=run-row][data-run-id='{a['id']}']")).to_be_visible()
    page.get_by_test_id("runs-filter-status").select_option("all")
    page.get_by_test_id("compare-runs").click()
    view = page.get_by_test_id("compare-view")
    expect(view).to_be_visible()
    # the hyperparameters that differ, with each run's value
    diff = page.get_by_test_id("hparam-diff")
    differing = [
        k
        for k in ("epochs", "batch_size", "optimizer.learning_rate")
        if a["config"].get(k.split(".")[0]) != b["config"].get(k.split(".")[0])
    ]
    assert differing
    for key in differing:
        expect(diff).to_contain_text(key)
    chart = view.get_by_test_id("loss-chart")
    expect(chart).to_contain_text(f"{a['name']} train")
    expect(chart).to_contain_text(f"{b['name']} train")
    expect(chart).to_contain_text(f"{a['name']} val")
    page.wait_for_function(
        "() => +document.querySelector('[data-testid=compare-view] [data-testid=loss-chart]').dataset.points > 10"
    )
    # final metrics in the table; one legend entry per run, metric and split (no repeated losses)
    expect(page.get_by_test_id("final-metric").first).to_be_visible()
    expect(diff).to_contain_text("final val loss")
    expect(chart.locator(".u-legend .u-series")).to_have_count(1 + 2 * 2)
    shot("compare")


@pytest.fixture(autouse=True)
def _quiet_dialogs(page: Page):
    page.on("dialog", lambda d: d.accept())
