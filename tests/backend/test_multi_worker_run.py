"""A real multi-worker run through the studio: the real server on 127.0.0.1, a real Socket.IO client,
two TensorFlow worker processes on digits. Both workers' events reach the client tagged with their
index; SIGKILLing one training worker mid-run restarts the cluster from the last checkpoint and the
run still completes, with the restart in its final result and a "resumed from checkpoint" log.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from backend_testutil import MLP, check, validate_schema, wait_for
from test_server_integration import QUIET, TERMINAL, Listener, Server, _alive, _free_port

from backend.runs.columns import from_columns


def _events(lst: Listener, name: str) -> list[dict]:
    with lst.lock:
        return [d for n, d, _ in lst.events if n == name]


def _points(d: dict) -> list[dict]:
    """A live ``run.metrics`` message's points (columnar on the wire, docs/protocol.md)."""
    return from_columns(d.get("columns") or {}) + list(d.get("points") or [])


def _max_step(lst: Listener) -> int:
    return max((p["step"] for d in _events(lst, "run.metrics") for p in _points(d) if p.get("split") == "train"), default=0)


@pytest.mark.slow
def test_two_workers_live_kill_one_resume_complete(tmp_path):
    data_dir = tmp_path / "var"
    t0 = time.monotonic()
    srv = Server(data_dir, _free_port())
    watch = None
    try:
        cfg = {"strategy": "multi_worker", "workers": 2, "epochs": 3, "batch_size": 32, "checkpoint_every": 6, "observers": QUIET}
        r = srv.api("POST", "/api/runs", json={"graph": MLP, "config": cfg, "name": "two workers"})
        assert r.status_code == 201, r.text
        rid = check(r, "post", "/api/runs")["id"]
        assert srv.api("GET", f"/api/runs/{rid}").json()["target"] == "local"
        watch = Listener(srv.url, rid)
        assert watch.ack["ok"]

        # the launcher reports its workers' pids; both workers' events arrive, tagged
        started = wait_for(lambda: next((d for d in _events(watch, "run.log") if "pids" in d), None), 90, what="workers started")
        pids = started["pids"]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        ckpts = data_dir / "runs" / rid / "checkpoints"
        wait_for(lambda: _max_step(watch) >= 8 and list(ckpts.glob("ckpt-*.index")), 90, what="training past a checkpoint")
        workers_seen = {p.get("worker") for d in _events(watch, "run.metrics") for p in _points(d)}
        assert workers_seen == {0, 1}, workers_seen
        print(f"\n[{time.monotonic() - t0:5.1f}s] step {_max_step(watch)}: killing worker 1 (pid {pids[1]})", flush=True)

        os.kill(pids[1], signal.SIGKILL)
        wait_for(lambda: watch.state() in TERMINAL, 110 - (time.monotonic() - t0), what="the run to end")
        print(f"[{time.monotonic() - t0:5.1f}s] run ended: {watch.state()}", flush=True)
        run = check(srv.api("GET", f"/api/runs/{rid}"), "get", f"/api/runs/{rid}")
        assert run["status"] == "completed", run.get("reason")
        assert run["final"]["restarts"] >= 1
        logs = _events(watch, "run.log")
        restart = next(d for d in logs if d.get("restarts") == 1 and "lost_steps" in d)
        assert "worker 1 died" in restart["message"]
        resumed = [d for d in logs if d["message"].startswith("resumed from checkpoint")]
        assert {d.get("worker") for d in resumed} == {0, 1}  # both restarted workers say so
        # after the restart both workers report again
        after = [d for d in _events(watch, "run.metrics") if d["seq"] > restart["seq"]]
        assert {p.get("worker") for d in after for p in _points(d)} == {0, 1}
        assert run["final"]["steps"] == run["final"]["total_steps"]
        assert [w["index"] for w in run["final"]["workers"]] == [0, 1]

        schemas = {
            f"run.{k}": f"#/components/schemas/{k.capitalize()}Event"
            for k in ("status", "metrics", "histograms", "images", "log", "error")
        }
        with watch.lock:
            for name, data, _ in watch.events:
                validate_schema(data, schemas[name])
        assert not any(_alive(p) for p in pids)
        assert time.monotonic() - t0 < 120
    finally:
        if watch is not None:
            watch.close()
        srv.stop()
