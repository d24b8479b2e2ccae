"""Runs and stored data under hostile use: the queue cap, provenance of a run's graph,
NaN in stored documents, and the one-line log of every run, upload and refusal."""

from __future__ import annotations

import json
import math

from hostile_server import fake_graph, wait_run


def test_queued_runs_are_capped_with_a_clear_error(hostile):
    long = hostile.api("POST", "/api/runs", json={"graph": fake_graph(steps=2000, delay=0.01), "config": {}}).json()["id"]
    started = [long]
    try:
        for _ in range(2):  # AKID_MAX_QUEUED_RUNS=2 on this server, one run at a time
            resp = hostile.api("POST", "/api/runs", json={"graph": fake_graph(steps=2), "config": {}})
            assert resp.status_code == 201, resp.text
            started.append(resp.json()["id"])
        before = hostile.snapshot()
        resp = hostile.api("POST", "/api/runs", json={"graph": fake_graph(steps=2), "config": {}})
        assert resp.status_code == 429
        issue = resp.json()["errors"][0]
        assert issue["code"] == "queue_full" and issue["param"] == "max_queued_runs" and "Received:" in issue["message"]
        assert hostile.snapshot() == before  # nothing stored for the refused run
    finally:
        for run_id in started:
            hostile.api("POST", f"/api/runs/{run_id}/cancel")
        for run_id in started:
            wait_run(hostile, run_id)


def test_a_run_records_exactly_the_graph_that_trains(hostile):
    saved = hostile.api("GET", f"/api/graphs/{hostile.graph_id}").json()
    run = hostile.api("POST", "/api/runs", json={"graph_id": hostile.graph_id, "config": {}}).json()
    stored = hostile.api("GET", f"/api/runs/{run['id']}").json()
    assert stored["graph"] == saved["graph"] and stored["graph_id"] == hostile.graph_id
    assert stored["graph_version"] == saved["version"]
    same = hostile.api("POST", "/api/runs", json={"graph_id": hostile.graph_id, "graph": saved["graph"], "config": {}})
    assert same.status_code == 201  # the same graph twice is consistent
    wait_run(hostile, run["id"])
    wait_run(hostile, same.json()["id"])


def test_nan_and_infinity_never_reach_the_client_as_bare_nan(hostile):
    g = fake_graph(steps=1)
    g["nodes"][0]["position"] = {"x": float("nan"), "y": float("inf")}
    body = json.dumps({"graph": g}, allow_nan=True)  # NaN/Infinity literals, as a buggy client might send
    resp = hostile.api("POST", "/api/graphs", data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code in (201, 400), resp.text
    if resp.status_code == 201:
        got = hostile.api("GET", f"/api/graphs/{resp.json()['id']}")
        assert "NaN" not in got.text and "Infinity" not in got.text
        position = json.loads(got.text)["graph"]["nodes"][0].get("position") or {}
        assert all(v is None or math.isfinite(v) for v in position.values())
        hostile.api("DELETE", f"/api/graphs/{resp.json()['id']}")


def test_the_server_logs_runs_uploads_and_refusals_without_secrets(hostile):
    resp = hostile.api(
        "POST", "/api/datasets", files={"file": ("ok.csv", b"a,label\n1,0\n2,1\n3,0\n4,1\n")}, data={"name": "logged_set"}
    )
    assert resp.status_code == 201, resp.text
    hostile.api("POST", "/api/graphs/parse", json={"text": "x: Input(" + "9" * 100 + ")\n"})
    log = hostile.log_text()
    assert f"run {hostile.run_id} started" in log and f"run {hostile.run_id} ended: completed" in log
    assert "data set 'logged_set' uploaded" in log
    assert "refused POST /api/graphs/parse: budget_exceeded" in log
    from hostile_server import TOKEN

    assert TOKEN not in log
