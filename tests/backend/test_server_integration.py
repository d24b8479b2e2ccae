"""The real server (``python -m akid serve`` on 127.0.0.1) with a real Socket.IO WebSocket client
and real training on digits: live events, reconnect with since_seq, SIGKILLed worker, server
restart mid-run and resume from the checkpoint. One test, sequential phases, to pay for TF once.
"""

from __future__ import annotations

import os
import pathlib
import re
import signal
import sys
import threading
import time

import pytest
import socketio
from backend_testutil import MLP, check, validate_schema, wait_for
from server_process import ServerProcess, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
TERMINAL = ("completed", "failed", "cancelled", "interrupted")
QUIET = {"histograms_every": 0, "images_every": 0, "tensorboard": False}


_free_port = free_port  # test_multi_worker_run imports it from here


class Server(ServerProcess):
    """``python -m akid serve`` on 127.0.0.1:``port`` with ``data_dir`` (stop(SIGKILL) simulates a crash)."""

    def __init__(self, data_dir: pathlib.Path, port: int):
        super().__init__(
            [sys.executable, "-m", "akid", "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
            port=port,
            log_path=data_dir.parent / f"server-{port}-{time.time():.0f}.log",
            cwd=ROOT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)},
            timeout=60,
        )

    def api(self, method: str, path: str, **kw):
        return self.request(method, path, **kw)


class Listener:
    """A python-socketio WebSocket client collecting /runs events (handlers may run out of order)."""

    def __init__(self, url: str, run_id: str, since_seq: int = 0):
        self.events: list[tuple[str, dict, float]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        for kind in ("status", "metrics", "histograms", "images", "log", "error"):
            self.sio.on(f"run.{kind}", self._handler(f"run.{kind}"), namespace="/runs")
        self.sio.connect(url, namespaces=["/runs"], transports=["websocket"], wait_timeout=10)
        self.ack = self.sio.call("subscribe", {"run_id": run_id, "since_seq": since_seq}, namespace="/runs", timeout=30)

    def _handler(self, name: str):
        def on(data):
            with self.lock:
                self.events.append((name, data, time.time()))

        return on

    def seqs(self) -> list[int]:
        with self.lock:
            return sorted(d["seq"] for _, d, _ in self.events)

    def state(self) -> str | None:
        with self.lock:
            st = sorted((d["seq"], d["state"]) for n, d, _ in self.events if n == "run.status")
        return st[-1][1] if st else None

    def close(self) -> None:
        self.sio.disconnect()


def _launch(srv: Server, config: dict) -> str:
    r = srv.api("POST", "/api/runs", json={"graph": MLP, "config": config})
    assert r.status_code == 201, r.text
    return check(r, "post", "/api/runs")["id"]


def _train_steps(srv: Server, rid: str) -> list[int]:
    evs = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
    return [
        p["step"]
        for e in evs
        if e["kind"] == "metrics"
        for p in e["payload"]["points"]
        if p["split"] == "train" and p["name"] == "loss"
    ]


def _alive(pid: int) -> bool:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _contiguous_until(seqs: list[int], start: int = 1) -> int:
    """The last seq n such that start..n were all received (handlers may run out of order)."""
    n = start - 1
    for s in sorted(seqs):
        if s != n + 1:
            break
        n = s
    return n


@pytest.mark.slow
def test_real_server_live_runs_crash_restart_resume(tmp_path):
    data_dir = tmp_path / "var"
    t0 = time.monotonic()

    def phase(name: str) -> None:
        print(f"\n[{time.monotonic() - t0:6.1f}s] {name}", flush=True)

    srv = Server(data_dir, _free_port())
    phase("server up")
    try:
        # 1. SIGKILL a worker: the run fails with the reason, the server keeps answering
        rid = _launch(srv, {"epochs": 200, "batch_size": 32, "steps_per_epoch": 8, "observers": QUIET})
        wait_for(lambda: _train_steps(srv, rid), 120, what="training to start")
        phase("run 1 training")
        os.kill(int((data_dir / "runs" / rid / "worker.pid").read_text()), signal.SIGKILL)
        wait_for(lambda: srv.api("GET", f"/api/runs/{rid}").json()["status"] in TERMINAL, 30, what="failed")
        run = check(srv.api("GET", f"/api/runs/{rid}"), "get", f"/api/runs/{rid}")
        assert run["status"] == "failed" and "SIGKILL" in run["reason"]
        assert srv.api("GET", "/api/blocks").status_code == 200

        # 2. the next run works, watched live over WebSocket; one client drops out early
        rid = _launch(srv, {"epochs": 50, "batch_size": 32, "steps_per_epoch": 8, "checkpoint_every": 4, "observers": QUIET})
        watch = Listener(srv.url, rid)
        early = Listener(srv.url, rid)
        assert watch.ack["ok"] and early.ack["ok"]
        wait_for(lambda: any(n == "run.metrics" for n, _, _ in early.events), 120, what="first metrics")
        phase("run 2 first metrics")
        early.close()
        early_last = _contiguous_until(early.seqs())

        # 3. the server dies mid-run (after a checkpoint); history survives; the run resumes from it
        ckpts = data_dir / "runs" / rid / "checkpoints"
        wait_for(lambda: list(ckpts.glob("ckpt-*.index")) and max(_train_steps(srv, rid) or [0]) >= 5, 120, what="a checkpoint")
        phase("run 2 checkpointed")
        before = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
        worker = int((data_dir / "runs" / rid / "worker.pid").read_text())
        srv.stop(signal.SIGKILL)
        wait_for(lambda: not _alive(worker), 20, what="the orphaned worker to exit (it watches its parent)")
        # the newest complete checkpoint, as TensorFlow's CheckpointManager records it
        saved = int(re.search(r'model_checkpoint_path: "ckpt-(\d+)"', (ckpts / "checkpoint").read_text()).group(1))
        first_seqs = watch.seqs()
        watch_last = _contiguous_until(first_seqs)
        assert first_seqs == list(range(1, watch_last + 1)), "gap or duplicate on the live stream"
        srv = Server(data_dir, _free_port())
        phase("server restarted")
        run = srv.api("GET", f"/api/runs/{rid}").json()
        assert run["status"] == "interrupted"
        after = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
        assert after[: len(before)] == before and after[-1]["payload"]["state"] == "interrupted"
        seen = _train_steps(srv, rid)
        assert max(seen) < 400, "the run finished before the server was killed"
        assert check(srv.api("POST", f"/api/runs/{rid}/resume"), "post", f"/api/runs/{rid}/resume")["status"] in (
            "queued",
            "running",
        )
        watch2 = Listener(srv.url, rid, since_seq=watch_last)
        back = Listener(srv.url, rid, since_seq=early_last)
        wait_for(lambda: max(_train_steps(srv, rid)[len(seen) :] or [0]) >= saved + 12, 150, what="resumed training")
        phase("resumed run trains")
        assert check(srv.api("POST", f"/api/runs/{rid}/cancel"), "post", f"/api/runs/{rid}/cancel")["id"] == rid
        wait_for(lambda: watch2.state() in TERMINAL, 60, what="cancelled")
        phase("resumed run cancelled")
        run = srv.api("GET", f"/api/runs/{rid}").json()
        assert run["status"] == "cancelled" and run["resumes"] == 1 and run["final"]["resumed_from"] == saved
        final_seq = srv.api("GET", f"/api/runs/{rid}/events").json()["last_seq"]
        wait_for(lambda: back.seqs() and back.seqs()[-1] == final_seq, 20, what="catch-up")
        assert first_seqs + watch2.seqs() == list(range(1, final_seq + 1)), "reconnect lost or repeated events"
        assert back.seqs() == list(range(early_last + 1, final_seq + 1))
        assert watch2.ack["replayed"] >= 1 and back.ack["replayed"] >= watch2.ack["replayed"]

        steps = _train_steps(srv, rid)
        resumed = steps[len(seen) :]
        assert resumed[0] == saved + 1 and resumed == list(range(saved + 1, resumed[-1] + 1))  # the step counter continues
        assert run["step"] >= resumed[-1]
        assert [e["seq"] for e in srv.api("GET", f"/api/runs/{rid}/events").json()["events"]] == list(range(1, final_seq + 1))

        pred = check(
            srv.api("POST", f"/api/runs/{rid}/predict", json={"inputs": {"image": [[0.0] * 64, [1.0] * 64]}}),
            "post",
            f"/api/runs/{rid}/predict",
        )["outputs"]
        assert len(pred["y"]) == 2 and len(pred["y"][0]) == 10 and abs(sum(pred["y"][0]) - 1) < 1e-3
        events = watch.events + watch2.events
        schemas = {
            f"run.{k}": f"#/components/schemas/{k.capitalize()}Event"
            for k in ("status", "metrics", "histograms", "images", "log", "error")
        }
        for name, data, _ in events:
            validate_schema(data, schemas[name])
        states = [d["state"] for n, d, _ in sorted(events, key=lambda e: e[1]["seq"]) if n == "run.status"]
        assert states[0] == "queued" and "running" in states and "interrupted" in states and states[-1] == "cancelled"
        imgs = [d for n, d, _ in events if n == "run.images"]
        assert imgs and all(isinstance(a, bytes) and a[:4] == b"\x89PNG" for d in imgs for a in d["attachments"])
        live = [
            t - max(w for w in d["columns"]["wall"] if w is not None)
            for n, d, t in watch2.events
            if n == "run.metrics" and d["seq"] > watch2.ack["replayed"] + watch_last
        ]
        if live:
            live.sort()
            print(
                f"\nmetrics event latency (worker sink -> client handler): median {live[len(live) // 2] * 1000:.0f} ms, "
                f"max {live[-1] * 1000:.0f} ms over {len(live)} batches"
            )
        watch.close()
        watch2.close()
        back.close()
    finally:
        srv.stop()
