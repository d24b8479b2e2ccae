"""The training worker: one spawned process per run, so a crash never takes the server down.

It imports the trainer (``akid.train.api.train`` by default), calls it with a
sink that frames each event onto a pipe, and ends with a ``__done__`` frame
saying how training ended. If this process dies without that frame, the
server reports the exit code or signal. It watches its parent and exits if the
server disappears (no orphaned trainers after a server crash).

Its stdout and stderr (TensorFlow's messages, warnings, the trainer's log lines,
a crash's traceback) go to ``worker.log`` in the run's logdir, so a finished
run's log can still be read (``GET /api/runs/<id>/logs``).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from akid.settings import set_process_env
from backend.runs.logfiles import WORKER_LOG
from backend.runs.wire import encode

DEFAULT_TARGET = "akid.train.api:train"
#: Modules a warm worker imports ahead of time for the default trainer (TensorFlow, Keras, the engine).
DEFAULT_PRELOAD = ["akid.train.kid", "akid.graph.compile", "akid.data.registry"]


@dataclass
class WorkerSpec:
    run_id: str
    graph: dict[str, Any]
    config: dict[str, Any]
    logdir: str
    resume: bool = False
    target: str = DEFAULT_TARGET
    #: Turn the config dict into akid.train.config.TrainConfig (off for test doubles).
    convert_config: bool = True
    env: dict[str, str] = field(default_factory=dict)


def _load_target(target: str):
    mod_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(mod_name), attr or "train")


def _log_to_file(logdir: str) -> None:
    """Point this process's stdout and stderr (file descriptors 1 and 2, so C++ output too) at
    ``logdir/worker.log``, appended: a resumed run keeps its earlier lines."""
    os.makedirs(logdir, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    fd = os.open(os.path.join(logdir, WORKER_LOG), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115 - lives as long as the process
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(70)


def worker_main(spec: WorkerSpec, conn: Any, stop: Any, parent_pid: int) -> None:
    """Process entry point for a cold start (must stay importable without Flask)."""
    set_process_env(spec.env)
    _log_to_file(spec.logdir)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="akid-parent-watch").start()
    run_spec(spec, conn, stop)


def warm_main(target: str, preload: list[str], spec_conn: Any, conn: Any, stop: Any, parent_pid: int) -> None:
    """A pre-started worker: import the trainer (TensorFlow: seconds) *before* a run is
    assigned, then wait for the run's spec (JSON) so a launched run starts at once."""
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="akid-parent-watch").start()
    try:
        _load_target(target)
        for name in preload:
            importlib.import_module(name)
    except BaseException:
        pass
    try:
        data = spec_conn.recv_bytes()
    except (EOFError, OSError):
        return  # the server no longer needs this spare
    spec = WorkerSpec(**json.loads(data))
    set_process_env(spec.env)
    _log_to_file(spec.logdir)
    run_spec(spec, conn, stop)


def run_spec(spec: WorkerSpec, conn: Any, stop: Any) -> None:
    """Train one run, streaming events and a final ``__done__`` frame onto ``conn``."""
    lock = threading.Lock()

    def sink(kind: str, payload: dict[str, Any], attachments: list[bytes] | tuple = ()) -> None:
        frame = encode(kind, payload or {}, attachments or ())
        with lock:
            conn.send_bytes(frame)
        if kind == "log" and payload:
            # the log file is the run's whole record: its log lines go there too
            worker = payload.get("worker")
            tag = f" [worker {worker}]" if isinstance(worker, int) else ""
            print(f"[{payload.get('level', 'info')}]{tag} {payload.get('message', '')}", file=sys.stderr, flush=True)

    os.makedirs(spec.logdir, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(
        f"[info] {stamp} run {spec.run_id} {'resumed' if spec.resume else 'started'} (worker pid {os.getpid()})",
        file=sys.stderr,
        flush=True,
    )
    try:
        train = _load_target(spec.target)
        config: Any = spec.config
        if spec.convert_config:
            from akid.train.config import load_config

            config = load_config(spec.config)
        final = train(spec.graph, config, logdir=spec.logdir, sink=sink, stop=stop, resume=spec.resume)
        state = "cancelled" if stop.is_set() else "completed"
        print(f"[info] {time.strftime('%Y-%m-%d %H:%M:%S')} run ended: {state}", file=sys.stderr, flush=True)
        sink("__done__", {"state": state, "final": final if isinstance(final, dict) else {}})
    except BaseException as exc:
        issues = exc.to_dicts() if hasattr(exc, "to_dicts") else None
        reason = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
        print(f"[error] {time.strftime('%Y-%m-%d %H:%M:%S')} run ended: failed ({reason[:500]})", file=sys.stderr, flush=True)
        try:
            sink(
                "__done__",
                {"state": "failed", "reason": reason[:2000], "issues": issues, "traceback": traceback.format_exc()[-8000:]},
            )
        except Exception:
            os._exit(1)
    finally:
        try:
            conn.close()
        except OSError:
            pass
