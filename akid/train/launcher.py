"""Launch a real multi-worker run: N local processes on 127.0.0.1, with fault recovery.

Each worker gets ``TF_CONFIG`` naming every worker's free port and its own
index; worker 0 is the chief (it writes checkpoints and TensorBoard files; the
others write checkpoints to temporary directories). Every worker's events
come back here over one authenticated ``multiprocessing.connection`` listener
and are forwarded to the sink, tagged ``worker: i``.

Fault recovery: synchronous training cannot continue without a worker (the
survivors block in a collective), so when one dies the launcher kills the
rest and restarts *all* of them, which resume from the newest checkpoint.
Steps run after that checkpoint are lost and re-done; restarts and lost steps
are reported in a ``log`` event and in the final result. A worker that
reports a Python error (a bug or a user mistake, not a crash) is not retried:
it would fail the same way again.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Listener
from pathlib import Path
from typing import Any

from akid.errors import AkidError, Issue
from akid.settings import environ, get_settings
from akid.train.checkpoints import latest_step
from akid.train.config import TrainConfig

Sink = Callable[[str, dict, list], None]


class WorkerFailed(RuntimeError):
    """A worker raised an error (not a crash); the run fails with its message."""


def free_ports(n: int) -> list[int]:
    """``n`` distinct free TCP ports on 127.0.0.1 (bound then released: a small race we accept)."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class _Router:
    """Accepts worker connections and forwards their messages; one reader thread per worker."""

    def __init__(self, sink: Sink):
        self.key = secrets.token_bytes(16)
        self.listener = Listener(("127.0.0.1", 0), authkey=self.key)
        self.sink, self.lock = sink, threading.Lock()
        self.results: dict[int, dict] = {}
        self.errors: dict[int, tuple[str, Any, str]] = {}
        self.max_step = 0
        self.last_message = time.monotonic()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        host, port = self.listener.address
        return f"{host}:{port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn = self.listener.accept()
            except Exception:
                if self._closed:
                    return
                continue
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn) -> None:
        try:
            while True:
                msg = conn.recv()
                self.last_message = time.monotonic()
                tag = msg[0]
                if tag == "event":
                    _, kind, payload, attachments = msg
                    if kind == "metrics":
                        steps = [p["step"] for p in payload.get("points", ())]
                        if steps:
                            self.max_step = max(self.max_step, max(steps))
                    self.forward(kind, payload, attachments)
                elif tag == "result":
                    self.results[msg[1]] = msg[2]
                elif tag == "error":
                    self.errors[msg[1]] = (msg[2], msg[3], msg[4])
        except (EOFError, OSError):
            return
        finally:
            conn.close()

    def forward(self, kind: str, payload: dict, attachments: list | tuple = ()) -> None:
        with self.lock:
            self.sink(kind, payload, list(attachments))

    def reset(self, step: int) -> None:
        self.results.clear()
        self.errors.clear()
        self.max_step = step

    def close(self) -> None:
        self._closed = True
        self.listener.close()


def _spawn(i: int, n: int, ports: list[int], spec_path: Path, router: _Router, logdir: Path) -> subprocess.Popen:
    tf_config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": i}}
    env = dict(environ(), TF_CONFIG=json.dumps(tf_config), AKID_EVENTS=router.address, AKID_EVENTS_KEY=router.key.hex())
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "") if env.get("PYTHONPATH") else root
    log = open(logdir / "workers" / f"worker_{i}.log", "ab")  # noqa: SIM115 - the worker process writes it for its whole life
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "akid.train.worker", str(spec_path)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        log.close()


def _kill(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
    for p in procs:
        p.wait()


def launch(
    graph_doc: dict[str, Any],
    cfg: TrainConfig,
    *,
    logdir: str | os.PathLike,
    sink: Sink,
    stop: Any = None,
    resume: bool = False,
    poll_s: float = 0.05,
    silence_s: float | None = None,
) -> dict[str, Any]:
    """Run ``cfg.workers`` worker processes to completion; restart them all when one dies or all hang."""
    silence_s = get_settings().worker_silence_s if silence_s is None else silence_s
    logdir = Path(logdir).resolve()
    (logdir / "workers").mkdir(parents=True, exist_ok=True)
    stop_file = logdir / "STOP"
    stop_file.unlink(missing_ok=True)
    n = cfg.workers
    router = _Router(sink)
    restarts, lost_total, attempt_resume = 0, 0, resume
    procs: list[subprocess.Popen] = []
    try:
        while True:
            spec = {
                "graph": graph_doc,
                "config": cfg.model_dump(mode="json"),
                "logdir": str(logdir),
                "stop_file": str(stop_file),
                "resume": attempt_resume,
            }
            spec_path = logdir / "workers" / "spec.json"
            spec_path.write_text(json.dumps(spec))
            ports = free_ports(n)
            procs = [_spawn(i, n, ports, spec_path, router, logdir) for i in range(n)]
            router.forward(
                "log",
                {
                    "level": "info",
                    "message": f"started {n} workers on 127.0.0.1 (ports {ports})",
                    "pids": [p.pid for p in procs],
                    "restarts": restarts,
                },
            )
            router.last_message = time.monotonic()
            dead = _watch(procs, stop, stop_file, poll_s, router=router, silence_s=silence_s)
            if dead is None:
                break
            index, code = dead
            what = f"worker {index} died (exit {code})" if index >= 0 else f"workers sent nothing for {silence_s:.0f} s (hung)"
            time.sleep(0.2)  # let the dead worker's last messages arrive
            _kill(procs)
            if index >= 0 and index in router.errors and code > 0:
                message, issues, tb = router.errors[index]
                if issues:
                    raise AkidError([Issue(**i) for i in issues])
                raise WorkerFailed(f"worker {index} failed: {message}\n{tb}")
            if restarts >= cfg.max_restarts:
                raise WorkerFailed(f"{what} and the {cfg.max_restarts} allowed restarts are used up")
            resume_step = latest_step(logdir) or 0
            lost = max(router.max_step - resume_step, 0)
            restarts += 1
            lost_total += lost
            router.forward(
                "log",
                {
                    "level": "warning",
                    "restarts": restarts,
                    "lost_steps": lost,
                    "resume_step": resume_step,
                    "message": f"{what}; restarting all {n} workers from the checkpoint "
                    f"at step {resume_step} ({lost} steps lost; restart {restarts}/{cfg.max_restarts})",
                },
            )
            router.reset(resume_step)
            attempt_resume = True
        time.sleep(0.1)
        if 0 not in router.results:
            raise WorkerFailed("the chief exited without reporting a result")
        result = dict(router.results[0])
        result["workers"] = [
            {"index": i, "state": r.get("state"), "steps": r.get("steps"), "weights_digest": r.get("weights_digest")}
            for i, r in sorted(router.results.items())
        ]
        result["restarts"], result["lost_steps"] = restarts, lost_total
        return result
    finally:
        _kill(procs)  # no-op when they all exited; on an error or interrupt, no orphan keeps training
        stop_file.unlink(missing_ok=True)
        router.close()


def _watch(
    procs: list[subprocess.Popen],
    stop: Any,
    stop_file: Path,
    poll_s: float,
    router: _Router | None = None,
    silence_s: float = 600.0,
) -> tuple[int, int] | None:
    """Wait until all workers exit 0 (None) or one exits otherwise ((index, exit code)).

    ``(-1, 0)`` means the workers are alive but silent for ``silence_s`` seconds:
    a collective waiting for a peer that froze never returns on its own.
    """
    while True:
        if router is not None and time.monotonic() - router.last_message > silence_s:
            return -1, 0
        if stop is not None and stop.is_set() and not stop_file.exists():
            stop_file.touch()
        codes = [p.poll() for p in procs]
        failed = [(i, c) for i, c in enumerate(codes) if c is not None and c != 0]
        if failed:  # a crash (killed by a signal) explains the others' errors: report it first
            return min(failed, key=lambda ic: (ic[1] > 0, ic[0]))
        if all(c == 0 for c in codes):
            return None
        time.sleep(poll_s)
