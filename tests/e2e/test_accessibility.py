"""Accessibility (issue 11): axe-core finds no serious or critical violations on the editor, the
Train dialog and the run view; every control has a name and can be reached with the keyboard."""

from __future__ import annotations

import time

from a11y import describe, violations
from editor_helpers import load, open_editor
from playwright.sync_api import expect
from test_runs import CNN


def test_editor_and_train_dialog_have_no_serious_violations(page):
    open_editor(page)
    load(page, CNN)
    page.get_by_test_id("node-c1").click()  # the inspector shows a block's form
    vs = violations(page)
    assert not vs, describe(vs)
    page.get_by_test_id("toggle-meta").click()
    page.get_by_test_id("meta-text").wait_for()
    vs = violations(page)
    assert not vs, describe(vs)
    page.get_by_test_id("train-button").click()
    expect(page.get_by_test_id("dataset-samples")).to_be_visible()
    vs = violations(page, "[data-testid=train-dialog]")
    assert not vs, describe(vs)


def test_run_view_has_no_serious_violations(page, server):
    res = server.api("POST", "/api/runs", {"graph": CNN, "name": "e2e-a11y", "config": {"epochs": 1, "batch_size": 32}})
    deadline = time.time() + 180
    while server.api("GET", f"/api/runs/{res['id']}").get("status") not in ("completed", "failed") and time.time() < deadline:
        time.sleep(0.5)
    page.goto("/#runs")
    page.locator(f"[data-testid=run-row][data-run-id='{res['id']}'] .runs-list-open").click()
    expect(page.get_by_test_id("confusion-table").first).to_be_visible(timeout=30000)
    vs = violations(page)
    assert not vs, describe(vs)


def test_toolbar_is_reachable_with_the_keyboard(page):
    open_editor(page)
    page.get_by_test_id("graph-name").focus()
    seen = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.add(
            page.evaluate(
                "() => document.activeElement?.dataset?.testid || document.activeElement?.getAttribute('aria-label') || ''"
            )
        )
    for tid in ("template-menu", "open-button", "save-button", "train-button"):
        assert tid in seen, seen
