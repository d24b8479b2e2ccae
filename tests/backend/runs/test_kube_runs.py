"""Runs with target "kubernetes": availability, refusal, submission, following the Job's workers'
event files into the normal event path, Job state → run status, cancel → Job deletion.
Fake CoreV1Api/BatchV1Api objects stand in for the cluster (there is none here)."""

from __future__ import annotations

import json
import pathlib
import threading
from types import SimpleNamespace

import pytest
from backend_testutil import check, wait_for

from akid.deploy import k8s


class FakeCluster:
    """CoreV1Api + BatchV1Api in one: records calls; the Job status is whatever the test sets."""

    def __init__(self):
        self.calls: list[tuple[str, tuple, dict]] = []
        self.job = {"active": 0, "succeeded": 0, "failed": 0, "conditions": []}
        self.lock = threading.Lock()

    def __getattr__(self, method):
        def call(*args, **kwargs):
            with self.lock:
                self.calls.append((method, args, kwargs))
            if method == "read_namespaced_job_status":
                st = SimpleNamespace(**self.job)
                return SimpleNamespace(status=st)
            return SimpleNamespace(metadata=SimpleNamespace(uid="uid-1"))

        return call

    def methods(self) -> list[str]:
        with self.lock:
            return [c[0] for c in self.calls]

    def set(self, **status):
        self.job = {"active": 0, "succeeded": 0, "failed": 0, "conditions": [], **status}


def _cond(type_, reason="", message=""):
    return SimpleNamespace(type=type_, status="True", reason=reason, message=message)


@pytest.fixture
def kube(make_app):
    app = make_app(K8S_POLL_S=0.05)
    cluster = FakeCluster()
    kr = app.extensions["akid"].manager.kube
    kr.api_factory = lambda: (cluster, cluster)
    kr.available = lambda: (True, "fake cluster")
    kr.settings = lambda: {"image": "akid:test", "namespace": "ml", "shared_pvc": "shared"}
    return app, cluster


def _events(client, rid):
    return client.get(f"/api/runs/{rid}/events").get_json()["events"]


def _write(path: pathlib.Path, *records):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")


def test_targets_lists_local_and_kubernetes_with_reason(client):
    body = check(client.get("/api/runs/targets"), "get")
    by_id = {t["id"]: t for t in body["targets"]}
    assert by_id["local"]["available"] is True
    ok, reason = k8s.kubernetes_available()
    assert by_id["kubernetes"]["available"] is ok and by_id["kubernetes"]["reason"] == reason


def test_kubernetes_unavailable_is_a_400_naming_target(app, client, mlp):
    app.extensions["akid"].manager.kube.available = lambda: (False, "no kube config found (/x)")
    r = client.post("/api/runs", json={"graph": mlp, "config": {}, "target": "kubernetes"})
    body = check(r, "post", "/api/runs")
    assert r.status_code == 400
    (issue,) = body["errors"]
    assert issue["param"] == "target" and issue["code"] == "target_unavailable" and "no kube config" in issue["message"]
    r = client.post("/api/runs", json={"graph": mlp, "config": {}, "target": "mars"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "target"
    assert client.get("/api/runs").get_json()["runs"] == []


def test_local_is_the_default_target(client, mlp):
    rid = client.post("/api/runs", json={"graph": mlp, "config": {"epochs": 1}}).get_json()["id"]
    assert check(client.get(f"/api/runs/{rid}"), "get")["target"] == "local"


def test_kubernetes_run_follows_the_job_and_both_workers(kube, mlp):
    app, cluster = kube
    client = app.test_client()
    cfg = {"epochs": 1, "strategy": "multi_worker", "workers": 2}
    r = client.post("/api/runs", json={"graph": mlp, "config": cfg, "target": "kubernetes"})
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
    run = check(client.get(f"/api/runs/{rid}"), "get")
    assert run["target"] == "kubernetes"
    assert cluster.methods()[:3] == ["create_namespaced_config_map", "create_namespaced_service", "create_namespaced_job"]
    job = next(c for c in cluster.calls if c[0] == "create_namespaced_job")
    assert job[1][0] == "ml" and job[1][1]["spec"]["completions"] == 2
    logdir = app.extensions["akid"].manager.logdir(rid)
    spec = json.loads(next(c for c in cluster.calls if c[0] == "create_namespaced_config_map")[1][1]["data"]["job.json"])
    assert spec["logdir"] == str(logdir)  # the workers write where the follower reads

    cluster.set(active=2)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "running", 10, what="running")
    w0, w1 = (logdir / "workers" / f"worker-{i}" / "events.jsonl" for i in (0, 1))
    pt = {"step": 1, "epoch": 0, "split": "train", "name": "samples_per_sec", "value": 100.0}
    _write(
        w0,
        {"seq": 1, "kind": "log", "payload": {"level": "info", "message": "worker 0 of 2 starting"}},
        {"seq": 2, "kind": "metrics", "payload": {"points": [pt], "worker": 0}},
        {
            "seq": 3,
            "kind": "status",
            "payload": {"state": "running", "step": 5, "epoch": 0, "total_steps": 10, "progress": 0.5, "worker": 0},
        },
    )
    _write(w1, {"seq": 1, "kind": "log", "payload": {"level": "info", "message": "worker 1 of 2 starting"}})
    with w1.open("a") as fh:
        fh.write(
            json.dumps({"seq": 2, "kind": "metrics", "payload": {"points": [{**pt, "value": 90.0}], "worker": 1}})[:20]
        )  # half a line
    wait_for(
        lambda: sum(e["kind"] == "log" and "starting" in e["payload"]["message"] for e in _events(client, rid)) == 2,
        10,
        what="both workers' logs",
    )
    evs = _events(client, rid)
    assert {e["payload"].get("worker") for e in evs if e["kind"] == "log" and "starting" in e["payload"]["message"]} == {0, 1}
    assert [p["worker"] for e in evs if e["kind"] == "metrics" for p in e["payload"]["points"]] == [0]
    with w1.open("a") as fh:  # the rest of the line arrives
        fh.write(
            json.dumps({"seq": 2, "kind": "metrics", "payload": {"points": [{**pt, "value": 90.0}], "worker": 1}})[20:] + "\n"
        )
    wait_for(lambda: sum(e["kind"] == "metrics" for e in _events(client, rid)) == 2, 10, what="worker 1 metrics")
    assert client.get(f"/api/runs/{rid}").get_json()["step"] == 5
    assert client.delete(f"/api/runs/{rid}").status_code == 409  # active

    for i in (0, 1):
        (logdir / "workers" / f"worker-{i}" / "result.json").write_text(
            json.dumps({"state": "completed", "metrics": {"steps": 10, "val": {"y/accuracy": 0.9}}})
        )
    _write(
        w0,
        {
            "seq": 4,
            "kind": "status",
            "payload": {"state": "completed", "step": 10, "epoch": 1, "total_steps": 10, "progress": 1.0, "worker": 0},
        },
    )
    cluster.set(succeeded=2, conditions=[_cond("Complete")])
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "completed", 10, what="completed")
    run = client.get(f"/api/runs/{rid}").get_json()
    assert run["step"] == 10 and run["final"]["steps"] == 10 and [w["index"] for w in run["final"]["workers"]] == [0, 1]
    states = [e["payload"]["state"] for e in _events(client, rid) if e["kind"] == "status"]
    assert states[0] == "queued" and states[-1] == "completed" and states.count("completed") == 1


def test_kubernetes_job_failure_fails_the_run(kube, mlp):
    app, cluster = kube
    client = app.test_client()
    rid = client.post("/api/runs", json={"graph": mlp, "config": {"epochs": 1}, "target": "kubernetes"}).get_json()["id"]
    cluster.set(failed=3, conditions=[_cond("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "failed", 10, what="failed")
    assert "BackoffLimitExceeded" in client.get(f"/api/runs/{rid}").get_json()["reason"]
    assert any(e["kind"] == "error" for e in _events(client, rid))


def test_cancel_deletes_the_job(kube, mlp):
    app, cluster = kube
    client = app.test_client()
    rid = client.post("/api/runs", json={"graph": mlp, "config": {"epochs": 1}, "target": "kubernetes"}).get_json()["id"]
    cluster.set(active=1)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "running", 10, what="running")
    assert client.post(f"/api/runs/{rid}/cancel").status_code == 200
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "cancelled", 10, what="cancelled")
    assert "delete_namespaced_job" in cluster.methods()
    name = k8s.job_name_for(rid)
    assert any(c[0] == "delete_namespaced_job" and c[1][:2] == (name, "ml") for c in cluster.calls)
    # resume submits a fresh Job (the old one deleted first)
    n = cluster.methods().count("create_namespaced_job")
    assert client.post(f"/api/runs/{rid}/resume").status_code == 200
    assert cluster.methods().count("create_namespaced_job") == n + 1
    client.post(f"/api/runs/{rid}/cancel")
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "cancelled", 10, what="cancelled again")


def test_submission_error_fails_the_run(kube, mlp):
    app, _cluster = kube

    def boom():
        raise RuntimeError("403 Forbidden: jobs.batch is forbidden")

    app.extensions["akid"].manager.kube.api_factory = boom
    client = app.test_client()
    rid = client.post("/api/runs", json={"graph": mlp, "config": {}, "target": "kubernetes"}).get_json()["id"]
    run = client.get(f"/api/runs/{rid}").get_json()
    assert run["status"] == "failed" and "403 Forbidden" in run["reason"]
