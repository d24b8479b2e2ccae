"""Runs on Kubernetes: submit an indexed Job, follow it, and feed its workers' events to the hub.

The cluster's workers (``akid.deploy.worker``) append their ``api.train`` events to
``<logdir>/workers/worker-<i>/events.jsonl`` on the shared volume; the studio passes its own
run directory as the Job's ``logdir``, so one follower thread per run can tail those files
into the normal event path (seq, store, Socket.IO room) exactly like a local worker's pipe,
tagging each event with its ``worker``. The Job's state (``training_job_status``) decides the
run's status; cancel deletes the Job (its pods go with it).

Everything that talks to the cluster goes through ``akid.deploy.k8s`` with API objects from
``api_factory`` (tests pass fakes; by default the kube config / in-cluster account).
"""

from __future__ import annotations

import json
import logging
import pathlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from akid.deploy import k8s
from backend.runs.events import STATUS_KEYS as _STATUS_KEYS
from backend.runs.events import EventRouter, RunEvents
from backend.runs.hub import EventHub
from backend.store import AbstractStore

log = logging.getLogger("akid.runs.kube")


def default_api_factory() -> tuple[Any, Any]:
    return k8s._apis()


@dataclass
class _Tail:
    """Byte offset into one worker's events.jsonl (only whole lines are consumed)."""

    path: pathlib.Path
    worker: int
    offset: int = 0
    buf: bytes = b""


@dataclass
class _Follow:
    run_id: str
    logdir: pathlib.Path
    namespace: str
    stop: threading.Event = field(default_factory=threading.Event)
    cancel_requested: bool = False
    tails: dict[int, _Tail] = field(default_factory=dict)
    ev: RunEvents | None = None
    thread: threading.Thread | None = None
    state: str = "queued"

    @property
    def status(self) -> dict[str, Any]:
        return self.ev.status


class KubeRunner:
    """Submits, follows and cancels the runs whose target is ``kubernetes``."""

    def __init__(
        self,
        store: AbstractStore,
        hub: EventHub,
        end: Callable[..., None],
        status_payload: Callable[..., dict],
        poll_s: float = 2.0,
        api_factory: Callable[[], tuple[Any, Any]] | None = None,
        available: Callable[[], tuple[bool, str]] | None = None,
        settings: Callable[[], dict] | None = None,
        router: EventRouter | None = None,
    ) -> None:
        self.store, self.hub = store, hub
        self.router = router or EventRouter(store, hub)
        self._end, self._status_payload = end, status_payload
        self.poll_s = poll_s
        self.api_factory = api_factory or default_api_factory
        self.available = available or k8s.kubernetes_available
        self.settings = settings or k8s.settings_from_env
        self._lock = threading.Lock()
        self._runs: dict[str, _Follow] = {}

    # ---- request threads ---------------------------------------------------
    def is_active(self, run_id: str) -> bool:
        with self._lock:
            return run_id in self._runs

    def submit(self, run_id: str, logdir: pathlib.Path, resume: bool = False) -> None:
        """Create the Job (raises on API errors; the caller fails the run) and start following it."""
        run = self.store.get_run(run_id)
        config = dict(run["config"] or {})
        workers = int(config.get("workers") or 1) if config.get("strategy") == "multi_worker" else 1
        settings = dict(self.settings())
        namespace = settings.get("namespace", "default")
        logdir.mkdir(parents=True, exist_ok=True)
        core, batch = self.api_factory()
        if resume:  # the previous Job (finished, failed or cancelled) may linger until its TTL
            k8s.delete_training_job(run_id, namespace, core_api=core, batch_api=batch)
        info = k8s.submit_training_job(
            run_id, run["graph"], config, workers, core_api=core, batch_api=batch, logdir=str(logdir), **settings
        )
        f = _Follow(run_id, logdir, namespace, ev=RunEvents(run_id, status={k: run.get(k) for k in _STATUS_KEYS}))
        # a resumed run appends to the same files: continue after what was already forwarded
        for i in range(workers):
            path = logdir / "workers" / f"worker-{i}" / "events.jsonl"
            f.tails[i] = _Tail(path, i, offset=path.stat().st_size if path.exists() else 0)
        with self._lock:
            self._runs[run_id] = f
        self.hub.publish(
            run_id,
            "log",
            {
                "level": "info",
                "message": f"submitted Kubernetes Job {info['job']} "
                f"in namespace {namespace} ({workers} worker{'s' if workers > 1 else ''})",
                "job": info["job"],
                "namespace": namespace,
            },
        )
        f.thread = threading.Thread(target=self._follow, args=(f,), name=f"akid-kube-{run_id}", daemon=True)
        f.thread.start()

    def cancel(self, run_id: str) -> str:
        with self._lock:
            f = self._runs.get(run_id)
        if f is None:
            return self.store.get_run(run_id)["status"]
        f.cancel_requested = True
        core, batch = self.api_factory()
        k8s.delete_training_job(run_id, f.namespace, core_api=core, batch_api=batch)
        f.stop.set()
        return "running"

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop following (the Jobs keep running in the cluster; their runs become interrupted)."""
        with self._lock:
            follows = list(self._runs.values())
        for f in follows:
            f.stop.set()
        for f in follows:
            if f.thread is not None:
                f.thread.join(timeout)

    # ---- follower thread ---------------------------------------------------
    def _follow(self, f: _Follow) -> None:
        state, reason, final = "failed", None, None
        try:
            _core, batch = self.api_factory()
            while True:
                self._drain(f)
                if f.stop.is_set():
                    if f.cancel_requested:
                        state, reason = "cancelled", "the Kubernetes Job was deleted"
                    else:
                        state, reason = "interrupted", "the server stopped following the Job (it may still run in the cluster)"
                    break
                try:
                    st = k8s.training_job_status(f.run_id, f.namespace, batch_api=batch)
                except Exception as exc:
                    if getattr(exc, "status", None) == 404:
                        state, reason = "failed", "the Kubernetes Job disappeared"
                        break
                    log.warning("run %s: reading the Job status failed: %s", f.run_id, exc)
                    f.stop.wait(self.poll_s)
                    continue
                if st["state"] == "running" and f.state != "running":
                    f.state = "running"
                    self.store.update_run(f.run_id, status="running", started_at=time.time(), reason=None)
                    self.hub.publish(f.run_id, "status", self._status_payload(f.status, "running"))
                if st["state"] in ("completed", "failed"):
                    self._drain(f)
                    state, reason = st["state"], st.get("reason")
                    final = self._final(f)
                    break
                f.stop.wait(self.poll_s)
        except Exception as exc:
            log.exception("run %s: following the Job failed", f.run_id)
            state, reason = "failed", f"following the Kubernetes Job failed: {type(exc).__name__}: {exc}"
        if state == "failed":
            self.hub.publish(f.run_id, "error", {"message": reason or "the Kubernetes Job failed"})
        with self._lock:
            self._runs.pop(f.run_id, None)
        self._end(f.run_id, f.status, state, reason, final=final)

    def _final(self, f: _Follow) -> dict[str, Any] | None:
        """The chief's ``result.json`` metrics, plus the per-worker states."""
        results = {}
        for i, t in f.tails.items():
            try:
                results[i] = json.loads((t.path.parent / "result.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
        if 0 not in results:
            return None
        final = dict(results[0].get("metrics") or {})
        final["workers"] = [{"index": i, "state": r.get("state")} for i, r in sorted(results.items())]
        return final

    def _drain(self, f: _Follow) -> None:
        for t in f.tails.values():
            for rec in self._read_lines(t):
                self._forward(f, t, rec)
        self.router.flush(f.ev)  # the files are read in bulk: their metrics go out as one batch

    @staticmethod
    def _read_lines(t: _Tail) -> list[dict[str, Any]]:
        try:
            with t.path.open("rb") as fh:
                fh.seek(t.offset)
                data = fh.read()
        except OSError:
            return []
        t.offset += len(data)
        t.buf += data
        *lines, t.buf = t.buf.split(b"\n")
        out = []
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict):
                out.append(rec)
        return out

    def _forward(self, f: _Follow, t: _Tail, rec: dict[str, Any]) -> None:
        """One ``events.jsonl`` record into the shared pipeline (attachments read from beside it)."""
        kind, payload = str(rec.get("kind")), dict(rec.get("payload") or {})
        atts = []
        for name in rec.get("attachments") or []:
            try:
                atts.append((t.path.parent / pathlib.Path(str(name)).name).read_bytes())
            except OSError:
                pass
        self.router.handle(f.ev, kind, payload, atts, worker=t.worker)
