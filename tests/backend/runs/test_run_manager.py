"""Runs through the REST API with real worker processes (fake trainer): lifecycle, crash, cancel, resume."""

import os
import signal

from backend_testutil import check, wait_for


def _launch(client, mlp, **config):
    r = client.post("/api/runs", json={"graph": mlp, "config": config, "name": "t"})
    assert r.status_code == 201, r.get_json()
    body = check(r, "post", "/api/runs")
    assert body["status"] == "queued"
    return body["id"]


def _status(client, rid):
    return client.get(f"/api/runs/{rid}").get_json()["status"]


def _done(client, rid, timeout=40):
    return wait_for(
        lambda: _status(client, rid) not in ("queued", "running") and _status(client, rid), timeout, what=f"run {rid} to end"
    )


def test_run_completes_with_ordered_events(client, mlp):
    rid = _launch(client, mlp, steps=30, delay=0.005, images_at=10)
    assert _done(client, rid) == "completed"
    run = check(client.get(f"/api/runs/{rid}"), "get")
    assert run["step"] == 30 and run["final"]["steps"] == 30 and run["graph"]["name"] == "mlp"
    evs = check(client.get(f"/api/runs/{rid}/events"), "get")["events"]
    seqs = [e["seq"] for e in evs]
    assert seqs == list(range(1, len(evs) + 1))
    states = [e["payload"]["state"] for e in evs if e["kind"] == "status"]
    assert states[0] == "queued" and states[1] == "running" and states[-1] == "completed"
    assert states.count("completed") == 1
    steps = [p["step"] for e in evs if e["kind"] == "metrics" for p in e["payload"]["points"]]
    assert steps == list(range(1, 31))  # batched, but none lost and in order
    img = next(e for e in evs if e["kind"] == "images")
    assert len(img["images"]) == 2
    png = client.get(f"/api/runs/{rid}/images/{img['images'][1]}")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    later = check(client.get(f"/api/runs/{rid}/events?since_seq={seqs[-3]}"), "get")
    assert [e["seq"] for e in later["events"]] == seqs[-2:] and later["last_seq"] == seqs[-1]
    body = check(client.get(f"/api/runs/{rid}/metrics"), "get")
    series = body["series"]
    assert body["last_seq"] == seqs[-1]
    assert [s for s, _ in series["train/loss"]] == list(range(1, 31))
    small = check(client.get(f"/api/runs/{rid}/metrics?max_points=8"), "get")["series"]["train/loss"]
    assert len(small) <= 8 and small[0][0] == 1 and small[-1][0] == 30
    listing = check(client.get("/api/runs"), "get")["runs"]
    assert rid in [r["id"] for r in listing]
    assert check(client.delete(f"/api/runs/{rid}"), "delete")["deleted"]
    assert client.get(f"/api/runs/{rid}").status_code == 404


def test_crashing_worker_fails_run_and_next_run_works(client, mlp):
    rid = _launch(client, mlp, steps=50, delay=0.01, crash="exit", crash_at=3)
    assert _done(client, rid) == "failed"
    run = client.get(f"/api/runs/{rid}").get_json()
    assert "exited with code 3" in run["reason"]
    rid2 = _launch(client, mlp, steps=10, delay=0.005, crash="raise", crash_at=4)
    assert _done(client, rid2) == "failed"
    assert "boom at step 4" in client.get(f"/api/runs/{rid2}").get_json()["reason"]
    errs = [e for e in client.get(f"/api/runs/{rid2}/events").get_json()["events"] if e["kind"] == "error"]
    assert len(errs) == 1 and "boom" in errs[0]["payload"]["message"]
    rid3 = _launch(client, mlp, steps=5, delay=0.001)
    assert _done(client, rid3) == "completed"


def test_sigkill_worker(client, app, mlp):
    rid = _launch(client, mlp, steps=10_000, delay=0.01)
    manager = app.extensions["akid"].manager
    wait_for(lambda: _status(client, rid) == "running" and manager.worker_pid(rid), what="worker start")
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["step"] >= 5, what="progress")
    os.kill(manager.worker_pid(rid), signal.SIGKILL)
    assert _done(client, rid) == "failed"
    assert "SIGKILL" in client.get(f"/api/runs/{rid}").get_json()["reason"]
    assert client.get("/api/graphs").status_code == 200


def test_cancel_keeps_measurements_and_resume_continues(client, mlp):
    rid = _launch(client, mlp, steps=10_000, delay=0.01)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["step"] >= 10, what="progress")
    r = client.post(f"/api/runs/{rid}/cancel")
    assert check(r, "post")["id"] == rid
    assert _done(client, rid) == "cancelled"
    evs = client.get(f"/api/runs/{rid}/events").get_json()["events"]
    measured = [p["step"] for e in evs if e["kind"] == "metrics" for p in e["payload"]["points"]]
    assert measured and measured == list(range(1, measured[-1] + 1))
    assert client.post(f"/api/runs/{rid}/cancel").status_code == 409
    body = check(client.post(f"/api/runs/{rid}/resume"), "post")
    assert body["status"] in ("queued", "running")
    wait_for(
        lambda: any(
            p["step"] > measured[-1]
            for e in client.get(f"/api/runs/{rid}/events").get_json()["events"]
            if e["kind"] == "metrics"
            for p in e["payload"]["points"]
        ),
        what="resumed metrics",
    )
    client.post(f"/api/runs/{rid}/cancel")
    assert _done(client, rid) == "cancelled"
    evs = client.get(f"/api/runs/{rid}/events").get_json()["events"]
    logs = [e["payload"]["message"] for e in evs if e["kind"] == "log"]
    start = int(logs[-1].rsplit(" ", 1)[-1])
    assert start > 0 and start % 5 == 0 and start <= measured[-1]  # resumed from its checkpoint
    assert client.get(f"/api/runs/{rid}").get_json()["resumes"] == 1
    assert [e["seq"] for e in evs] == list(range(1, len(evs) + 1))


def test_queue_limits_concurrency_and_cancel_queued(make_app, mlp):
    app = make_app(MAX_CONCURRENT_RUNS=1)
    client = app.test_client()
    a = _launch(client, mlp, steps=10_000, delay=0.01)
    b = _launch(client, mlp, steps=5, delay=0.001)
    wait_for(lambda: _status(client, a) == "running", what="a running")
    assert _status(client, b) == "queued"
    assert check(client.post(f"/api/runs/{b}/cancel"), "post")["status"] == "cancelled"
    assert client.delete(f"/api/runs/{a}").status_code == 409
    client.post(f"/api/runs/{a}/cancel")
    assert _done(client, a) == "cancelled"


def test_hung_worker_is_terminated_after_grace(make_app, mlp):
    app = make_app(CANCEL_GRACE_S=0.5)
    client = app.test_client()
    rid = _launch(client, mlp, steps=10_000, delay=0.01, hang=True)
    wait_for(lambda: _status(client, rid) == "running", what="running")
    client.post(f"/api/runs/{rid}/cancel")
    assert _done(client, rid) == "cancelled"
    assert "grace" in client.get(f"/api/runs/{rid}").get_json()["reason"]


def test_restart_marks_interrupted_and_resume(make_app, mlp, tmp_path):
    from backend.app import shutdown

    app = make_app()
    client = app.test_client()
    rid = _launch(client, mlp, steps=10_000, delay=0.01)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["step"] >= 5, what="progress")
    before = client.get(f"/api/runs/{rid}/events").get_json()["events"]
    shutdown(app)
    app2 = make_app()
    c2 = app2.test_client()
    run = c2.get(f"/api/runs/{rid}").get_json()
    assert run["status"] == "interrupted"
    after = c2.get(f"/api/runs/{rid}/events").get_json()["events"]
    assert after[: len(before)] == before
    assert after[-1]["payload"]["state"] == "interrupted"
    check(c2.post(f"/api/runs/{rid}/resume"), "post")
    wait_for(lambda: _status(c2, rid) == "running", what="resumed")
    c2.post(f"/api/runs/{rid}/cancel")
    assert _done(c2, rid) == "cancelled"
    evs = c2.get(f"/api/runs/{rid}/events").get_json()["events"]
    assert [e["seq"] for e in evs] == list(range(1, len(evs) + 1))


def test_run_launch_validation(make_app, mlp):
    app = make_app(VALIDATE_RUNS=True, CONVERT_CONFIG=True, MAX_MODEL_PARAMS=500)
    client = app.test_client()
    r = client.post("/api/runs", json={"graph": mlp, "config": {"epochs": 1}})
    assert r.status_code == 400
    errs = check(r, "post", "/api/runs")["errors"]
    assert any("param" in e["message"].lower() for e in errs)
    r = client.post("/api/runs", json={"graph": mlp, "config": {"epochz": 1}})
    assert r.status_code == 400 and check(r, "post", "/api/runs")["errors"][0]["code"] == "unknown_key"
    broken = {**mlp, "edges": mlp["edges"][:1]}
    r = client.post("/api/runs", json={"graph": broken, "config": {}})
    assert r.status_code == 400 and any(e["node_id"] for e in check(r, "post", "/api/runs")["errors"])
    r = client.post("/api/runs/zzz/resume")
    assert r.status_code == 404 and check(r, "post")


def test_double_resume_starts_one_worker(client, mlp):
    rid = _launch(client, mlp, steps=10_000, delay=0.01)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["step"] >= 5, what="progress")
    client.post(f"/api/runs/{rid}/cancel")
    assert _done(client, rid) == "cancelled"
    codes = sorted(client.post(f"/api/runs/{rid}/resume").status_code for _ in range(2))
    assert codes == [200, 409]
    client.post(f"/api/runs/{rid}/cancel")
    assert _done(client, rid) == "cancelled"
    assert client.get(f"/api/runs/{rid}").get_json()["resumes"] == 1
