"""Distributed training from the UI (issue 7): the Train dialog's "Run on" choice and a 2-worker run.

On this machine there is no kube config, so Kubernetes is offered disabled, with the server's
reason beside it and as its tooltip. A run with strategy multi_worker and 2 workers shows both
workers in the run view: one line per worker (its step and samples/s; worker-tagged log lines are covered by the
backend test's restart, where each worker logs its resume). Once it has ended, its Logs panel
reads the log files: the run's, and one per worker, picked in a list.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_runs import CNN


def open_train_dialog(page: Page) -> None:
    page.goto("/#editor")
    page.wait_for_function("() => !!window.__akid")
    page.evaluate("doc => window.__akid.load(doc)", CNN)
    expect(page.locator(".react-flow__node").first).to_be_visible()
    page.get_by_test_id("train-button").click()
    expect(page.get_by_test_id("train-dialog")).to_be_visible()
    page.get_by_test_id("dataset-select").select_option("digits")


def test_kubernetes_is_disabled_with_its_reason(page: Page, server, shot):
    targets = {t["id"]: t for t in server.api("GET", "/api/runs/targets")["targets"]}
    assert targets["local"]["available"] is True
    k8s = targets["kubernetes"]
    assert k8s["available"] is False and k8s["reason"]  # no kube config on the test machine

    open_train_dialog(page)
    picker = page.get_by_test_id("run-targets")
    expect(picker).to_be_visible()
    expect(picker.locator("input[value=local]")).to_be_checked()
    expect(picker.locator("input[value=kubernetes]")).to_be_disabled()
    expect(page.get_by_test_id("target-kubernetes-reason")).to_contain_text(k8s["reason"])
    expect(page.get_by_test_id("target-kubernetes")).to_have_attribute("title", f"Unavailable: {k8s['reason']}")
    shot("run-on")

    # the server refuses it too, naming the field
    res = server.api("POST", "/api/runs", {"graph": CNN, "config": {"epochs": 1}, "target": "kubernetes"})
    assert res["errors"][0]["param"] == "target"


def test_two_worker_run_shows_both_workers(page: Page, server, shot):
    open_train_dialog(page)
    page.get_by_test_id("field-strategy").select_option("multi_worker")
    page.get_by_test_id("field-workers").fill("2")
    page.get_by_test_id("field-epochs").fill("1")
    page.get_by_test_id("field-batch_size").fill("32")
    page.get_by_test_id("run-name-input").fill("e2e-two-workers")
    start = page.get_by_test_id("start-run")
    expect(start).to_be_enabled()
    start.click()

    expect(page.get_by_test_id("run-detail")).to_be_visible()
    rows = page.get_by_test_id("worker-row")
    expect(rows.filter(has_text="worker 0")).to_be_visible(timeout=90000)
    expect(rows.filter(has_text="worker 1")).to_be_visible(timeout=30000)
    for w in (0, 1):  # each worker's own step and samples/s
        expect(page.locator(f"[data-testid=worker-row][data-worker='{w}']")).to_contain_text(
            re.compile(r"step \d+ · \d+ samples/s")
        )
    expect(page.get_by_test_id("run-logs")).to_contain_text("started 2 workers")
    shot("two-workers")
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "completed", timeout=90000)
    run_id = page.get_by_test_id("run-detail").get_attribute("data-run-id")
    run = server.api("GET", f"/api/runs/{run_id}")
    assert run["config"]["strategy"] == "multi_worker" and run["config"]["workers"] == 2
    assert [w["index"] for w in run["final"]["workers"]] == [0, 1]
    # once ended, the Logs panel reads the log files: the run's, and one per worker, to pick from
    logs = page.get_by_test_id("run-logs")
    expect(logs).to_have_attribute("data-source", "file")
    expect(page.get_by_test_id("run-log-text")).to_contain_text("started 2 workers")
    expect(page.get_by_test_id("run-log-text")).to_contain_text("run ended: completed")
    pick = page.get_by_test_id("log-file")
    names = [o.split(" (")[0] for o in pick.locator("option").all_inner_texts()]
    assert names == ["worker.log", "workers/worker_0.log", "workers/worker_1.log"], names
    pick.select_option("workers/worker_1.log")
    expect(pick).to_have_value("workers/worker_1.log")
    expect(page.get_by_test_id("run-log-text")).not_to_contain_text("run ended: completed")
    logs.scroll_into_view_if_needed()
    shot("worker-logs")
