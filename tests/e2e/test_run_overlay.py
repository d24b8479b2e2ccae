"""Run statistics belong to a run (issue 11 "Stale statistics on new graphs").

After a run, `∇ 0.28` marks appeared on the nodes of a brand-new graph whose ids happened to
match the run's (`conv2d1`, `dense1`): statistics were matched by node id across graphs.
"""

from __future__ import annotations

import copy
import time

from editor_helpers import graph, load, open_editor
from test_runs import CNN

STATS = ".react-flow__node [data-testid^=node-stats-]"


def _wait_run(server, run_id: str, timeout: float = 180) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = server.api("GET", f"/api/runs/{run_id}")
        if run.get("status") in ("completed", "failed", "cancelled"):
            return run
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish: {run}")


def test_a_new_graph_after_a_run_shows_no_run_statistics(page, server, shot):
    open_editor(page)
    load(page, CNN)
    res = server.api(
        "POST",
        "/api/runs",
        {
            "graph": graph(page),
            "name": "e2e-overlay",
            "config": {"epochs": 1, "batch_size": 32, "observers": {"histograms_every": 5}},
        },
    )
    assert "id" in res, res
    run = _wait_run(server, res["id"])
    assert run["status"] == "completed", run

    # The graph the run trained carries its statistics ...
    page.evaluate("id => window.__akidRuns.store.getState().setActiveRun(id)", res["id"])
    page.locator(STATS).first.wait_for(timeout=30000)
    shot("same-graph")

    # ... a new graph with the same node ids but another model does not.
    other = copy.deepcopy(CNN)
    other["name"] = "same-ids-other-model"
    next(n for n in other["nodes"] if n["id"] == "d")["params"]["units"] = 32
    load(page, other)
    page.wait_for_timeout(600)
    assert page.locator(STATS).count() == 0
    shot("other-graph")

    # Editing the trained graph into another model drops them too; undoing brings them back.
    load(page, CNN)
    page.locator(STATS).first.wait_for(timeout=10000)
    page.evaluate("() => window.__akid.store.getState().setParam('c1', 'filters', 4)")
    page.wait_for_function(f"() => document.querySelectorAll('{STATS}').length === 0")
    page.evaluate("() => window.__akid.store.getState().undo()")
    page.locator(STATS).first.wait_for(timeout=10000)
