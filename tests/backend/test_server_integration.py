"""The real server (``python -m akid serve`` on 127.0.0.1) with a real Socket.IO WebSocket client
and real training on digits: live events, reconnect with since_seq, SIGKILLed worker, server
restart mid-run and resume from the checkpoint. One test, sequential phases, to pay for TF once.
"""
from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
import socketio

from backend_testutil import MLP, check, validate_schema, wait_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
TERMINAL = ("completed", "failed", "cancelled", "interrupted")
QUIET = {"histograms_every": 0, "images_every": 0, "tensorboard": False}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: pathlib.Path, port: int):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
        self.log = open(data_dir.parent / f"server-{port}-{time.time():.0f}.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "akid", "serve", "--host", "127.0.0.1", "--port", str(port),
                                      "--data-dir", str(data_dir)], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self._up, 60, 0.1, "server to answer")

    def _up(self) -> bool:
        assert self.proc.poll() is None, "server exited"
        try:
            return requests.get(self.url + "/api/runs", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def api(self, method: str, path: str, **kw):
        return requests.request(method, self.url + path, timeout=30, **kw)

    def workers(self) -> list[int]:
        """Training worker pids (children of the server running multiprocessing's spawn_main)."""
        out = []
        for p in pathlib.Path("/proc").iterdir():
            try:
                if p.name.isdigit() and int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    if b"spawn_main" in (p / "cmdline").read_bytes() and b"resource_tracker" not in (p / "cmdline").read_bytes():
                        out.append(int(p.name))
            except (OSError, ValueError, IndexError):
                continue
        return out

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


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
    return [p["step"] for e in evs if e["kind"] == "metrics" for p in e["payload"]["points"] if p["split"] == "train" and p["name"] == "loss"]


@pytest.mark.slow
def test_real_server_live_runs_crash_restart_resume(tmp_path):
    data_dir = tmp_path / "var"
    srv = Server(data_dir, _free_port())
    try:
        # 1. a short real run, watched live over WebSocket; a second client drops out and catches up
        rid = _launch(srv, {"epochs": 2, "batch_size": 32, "steps_per_epoch": 8, "observers": {**QUIET, "images_every": 0}})
        watch = Listener(srv.url, rid)
        assert watch.ack["ok"]
        early = Listener(srv.url, rid)
        wait_for(lambda: any(n == "run.metrics" for n, _, _ in early.events), 90, what="first metrics")
        early.close()
        with early.lock:
            have = sorted(d["seq"] for _, d, _ in early.events)
        last = max(s for i, s in enumerate(have, 1) if have[:i] == list(range(1, i + 1)))
        wait_for(lambda: watch.state() in TERMINAL, 90, what="terminal status")
        assert watch.state() == "completed"
        seqs = watch.seqs()
        assert seqs == list(range(1, seqs[-1] + 1)), "gap or duplicate on the live stream"
        kinds = [n for n, d, _ in sorted(watch.events, key=lambda e: e[1]["seq"])]
        assert kinds[0] == "run.status" and "run.metrics" in kinds and kinds[-1] == "run.status"
        schemas = {f"run.{k}": f"#/components/schemas/{k.capitalize()}Event" for k in ("status", "metrics", "histograms", "images", "log", "error")}
        for name, data, _ in watch.events:
            validate_schema(data, schemas[name])
        imgs = [d for n, d, _ in watch.events if n == "run.images"]
        assert imgs and all(isinstance(a, bytes) and a[:4] == b"\x89PNG" for d in imgs for a in d["attachments"])
        latencies = sorted(t - max(p["wall"] for p in d["points"]) for n, d, t in watch.events if n == "run.metrics")
        print(f"\nmetrics event latency: median {latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
              f"over {len(latencies)} batches")
        back = Listener(srv.url, rid, since_seq=last)
        wait_for(lambda: back.seqs() and back.seqs()[-1] == seqs[-1], 20, what="catch-up")
        assert back.seqs() == list(range(last + 1, seqs[-1] + 1))  # exactly what it missed
        assert back.ack["replayed"] == seqs[-1] - last
        back.close()
        watch.close()
        stored = check(srv.api("GET", f"/api/runs/{rid}/events"), "get", f"/api/runs/{rid}/events")
        assert [e["seq"] for e in stored["events"]] == seqs
        assert srv.api("GET", f"/api/runs/{rid}").json()["final"]["steps"] == 16

        # 2. SIGKILL a worker: the run fails with the reason, the server keeps answering
        rid = _launch(srv, {"epochs": 200, "batch_size": 32, "steps_per_epoch": 8, "observers": QUIET})
        wait_for(lambda: _train_steps(srv, rid), 90, what="training to start")
        (pid,) = srv.workers()
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: srv.api("GET", f"/api/runs/{rid}").json()["status"] in TERMINAL, 30, what="failed")
        run = check(srv.api("GET", f"/api/runs/{rid}"), "get", f"/api/runs/{rid}")
        assert run["status"] == "failed" and "SIGKILL" in run["reason"]
        assert srv.api("GET", "/api/blocks").status_code == 200

        # 3. the next run works; the server dies mid-run; a new server resumes it from its checkpoint
        rid = _launch(srv, {"epochs": 3, "batch_size": 32, "steps_per_epoch": 8, "checkpoint_every": 4, "observers": QUIET})
        ckpts = data_dir / "runs" / rid / "checkpoints"
        wait_for(lambda: list(ckpts.glob("ckpt-*.index")) and max(_train_steps(srv, rid) or [0]) >= 6, 90, what="a checkpoint")
        before = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
        srv.stop(signal.SIGKILL)
        saved = max(int(p.name.split("-")[1].split(".")[0]) for p in ckpts.glob("ckpt-*.index"))
        srv = Server(data_dir, _free_port())
        run = srv.api("GET", f"/api/runs/{rid}").json()
        assert run["status"] == "interrupted"
        after = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
        assert after[:len(before)] == before and after[-1]["payload"]["state"] == "interrupted"
        seen = max(_train_steps(srv, rid))
        assert check(srv.api("POST", f"/api/runs/{rid}/resume"), "post", f"/api/runs/{rid}/resume")["status"] in ("queued", "running")
        wait_for(lambda: srv.api("GET", f"/api/runs/{rid}").json()["status"] in TERMINAL, 120, what="resumed run to end")
        run = srv.api("GET", f"/api/runs/{rid}").json()
        assert run["status"] == "completed" and run["resumes"] == 1 and run["final"]["resumed_from"] == saved
        steps = _train_steps(srv, rid)
        resumed = steps[steps.index(seen) + 1:] if seen in steps else []
        assert resumed and resumed[0] == saved + 1 and resumed[-1] == 24  # the step counter continues
        evs = srv.api("GET", f"/api/runs/{rid}/events").json()["events"]
        assert [e["seq"] for e in evs] == list(range(1, len(evs) + 1))
    finally:
        srv.stop()
