"""The run manager: a queue, N concurrent worker processes, one pump thread.

The pump thread is the only reader of worker pipes: it decodes frames,
coalesces metrics (at most one ``run.metrics`` per run per ``batch_interval``),
publishes through the hub (which assigns seq), notices dead workers through
their process sentinels, and enforces cancel grace periods. Keeping all of this
on one thread means run state changes need no cross-thread choreography.
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing as mp
import os
import pathlib
import signal
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import wait
from typing import Any

from akid.settings import Settings, get_settings
from backend.runs.events import STATUS_KEYS as _STATUS_KEYS
from backend.runs.events import EventRouter, QueueFull, RunEvents, status_payload, strip_ansi
from backend.runs.hub import EventHub
from backend.runs.kube import KubeRunner
from backend.runs.pictures import PICTURE_KINDS, PictureSender
from backend.runs.wire import decode
from backend.runs.worker import DEFAULT_PRELOAD, DEFAULT_TARGET, WorkerSpec, warm_main, worker_main
from backend.store import AbstractStore

log = logging.getLogger("akid.runs")
RESUMABLE = ("interrupted", "failed", "cancelled")
EXIT_GRACE_S = 15.0  # a worker that reported its end but lingers (stuck threads) is killed after this


@dataclass
class _Handle:
    run_id: str
    proc: Any
    conn: Any
    stop: Any
    conn_open: bool = True
    done: dict[str, Any] | None = None
    cancel_requested: bool = False
    cancel_deadline: float | None = None
    killed_at: float | None = None
    ev: RunEvents | None = None
    done_at: float | None = None

    @property
    def status(self) -> dict[str, Any]:
        return self.ev.status


@dataclass(frozen=True)
class ManagerConfig:
    """What the run manager is configured with (the app factory fills it from the settings)."""

    runs_dir: pathlib.Path
    max_concurrent: int = 1
    #: runs waiting for a worker slot; one more is refused with ``QueueFull``
    max_queued: int = 20
    train_target: str = DEFAULT_TARGET
    convert_config: bool = True
    cancel_grace: float = 10.0
    #: at most one ``run.metrics`` per run per interval (leading edge sent at once)
    batch_interval: float = 0.1
    worker_env: dict[str, str] = field(default_factory=dict)
    warm_workers: bool = False
    #: seconds after :meth:`RunManager.start` before the first spare worker starts: its TensorFlow
    #: import would otherwise compete with the server's own start (cold start) on a small machine
    warm_delay_s: float = 2.0
    #: how often a Kubernetes run's Job status and worker event files are read
    k8s_poll_s: float = 2.0
    settings: Settings | None = None


class RunManager:
    def __init__(self, store: AbstractStore, hub: EventHub, config: ManagerConfig) -> None:
        self.store, self.hub = store, hub
        self.config = config
        self.runs_dir = pathlib.Path(config.runs_dir)
        self.max_concurrent = max(1, int(config.max_concurrent))
        self.max_queued = max(1, int(config.max_queued))
        self.train_target, self.convert_config = config.train_target, config.convert_config
        self.cancel_grace, self.batch_interval = config.cancel_grace, config.batch_interval
        self.worker_env = dict(config.worker_env or {})
        self.warm_workers = config.warm_workers
        settings = config.settings or get_settings()
        self._warm: tuple[Any, Any, Any, Any] | None = None  # (proc, spec sender, event reader, stop)
        self._warm_lock = threading.Lock()  # one spare at most: the delayed first start races with runs
        self._warm_timer: threading.Timer | None = None
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._resume_lock = threading.Lock()
        self._pending: deque[tuple[str, bool]] = deque()
        self._active: dict[str, _Handle] = {}
        self._starting: set[str] = set()  # popped from the queue, process not yet registered
        self._early_cancel: set[str] = set()
        self._closing = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        #: runs whose target is "kubernetes": an indexed Job followed by one thread per run
        self.router = EventRouter(store, hub, batch_interval=config.batch_interval)
        #: images and histograms are published on their own thread: the pump only reads and sends scalars
        self.pictures = PictureSender()
        self.kube = KubeRunner(
            store,
            hub,
            self._end,
            self._status_payload,
            poll_s=config.k8s_poll_s,
            router=self.router,
            settings=lambda: {
                "image": settings.image,
                "namespace": settings.k8s_namespace,
                "shared_pvc": settings.k8s_shared_pvc,
            },
        )

    # ---- public API (request threads) ---------------------------------
    def start(self) -> None:
        """Mark runs a previous server left running/queued as interrupted, then start pumping."""
        for run in self.store.runs_with_status(("running", "queued")):
            reason = f"the server stopped while the run was {run['status']}"
            self.store.update_run(run["id"], status="interrupted", reason=reason)
            self.hub.publish(run["id"], "status", self._status_payload(run, "interrupted", reason))
        if self.warm_workers:
            self._warm_timer = threading.Timer(self.config.warm_delay_s, self._start_warm)
            self._warm_timer.daemon = True
            self._warm_timer.start()
        self._thread = threading.Thread(target=self._loop, name="akid-run-pump", daemon=True)
        self._thread.start()

    def logdir(self, run_id: str) -> pathlib.Path:
        return self.runs_dir / run_id

    def check_capacity(self) -> None:
        """Raise :class:`QueueFull` when ``max_queued`` runs already wait (before a run is stored)."""
        with self._lock:
            waiting = len(self._pending)
        if waiting >= self.max_queued:
            raise QueueFull(self.max_queued, waiting)

    def submit(self, run_id: str, resume: bool = False) -> None:
        run = self.store.get_run(run_id)
        self.hub.publish(run_id, "status", self._status_payload(run, "queued"))
        if run.get("target") == "kubernetes":
            try:
                self.kube.submit(run_id, self.logdir(run_id), resume=resume)
            except Exception as exc:
                log.exception("could not submit run %s to Kubernetes", run_id)
                reason = f"could not submit the Kubernetes Job: {type(exc).__name__}: {exc}"
                self.hub.publish(run_id, "error", {"message": reason})
                self._end(run_id, {}, "failed", reason)
            return
        with self._lock:
            self._pending.append((run_id, resume))
        self._wake.set()

    def resume(self, run_id: str) -> dict[str, Any]:
        with self._resume_lock:  # two clicks on "resume" must not start two workers
            run = self.store.get_run(run_id)
            if run["status"] not in RESUMABLE or self.is_active(run_id):
                raise ValueError(f"only {'/'.join(RESUMABLE)} runs can be resumed; this run is {run['status']}")
            self.store.update_run(run_id, status="queued", reason=None, resumes=run["resumes"] + 1, finished_at=None)
            self.submit(run_id, resume=True)
        return self.store.get_run(run_id)

    def cancel(self, run_id: str) -> str:
        """Stop a run: queued runs end now; running ones get their stop event and a grace period."""
        if self.kube.is_active(run_id):
            return self.kube.cancel(run_id)
        with self._lock:
            queued = [p for p in self._pending if p[0] == run_id]
            for p in queued:
                self._pending.remove(p)
            h = self._active.get(run_id)
            if h is not None:
                self._request_cancel(h)
            elif run_id in self._starting:
                self._early_cancel.add(run_id)  # applied as soon as its worker is registered
        if queued:
            run = self.store.get_run(run_id)
            self.store.update_run(run_id, status="cancelled", reason="cancelled before it started", finished_at=time.time())
            self.hub.publish(run_id, "status", self._status_payload(run, "cancelled", "cancelled before it started"))
            return "cancelled"
        self._wake.set()
        return self.store.get_run(run_id)["status"]

    def alive(self) -> bool:
        """Whether the pump thread is running (health checks)."""
        return self._thread is not None and self._thread.is_alive()

    def _request_cancel(self, h: _Handle) -> None:
        if not h.cancel_requested:
            h.cancel_requested = True
            h.cancel_deadline = time.monotonic() + self.cancel_grace
            h.stop.set()

    def is_active(self, run_id: str) -> bool:
        if self.kube.is_active(run_id):
            return True
        with self._lock:
            return run_id in self._active or run_id in self._starting or any(p[0] == run_id for p in self._pending)

    def worker_pid(self, run_id: str) -> int | None:
        with self._lock:
            h = self._active.get(run_id)
            return h.proc.pid if h else None

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop workers (their runs become interrupted, resumable) and the pump thread."""
        self._closing.set()
        self.kube.shutdown(timeout)
        with self._lock:
            handles = list(self._active.values())
            self._pending.clear()
        for h in handles:
            h.stop.set()
        deadline = time.monotonic() + timeout
        for h in handles:
            h.proc.join(max(0.0, deadline - time.monotonic()))
            if h.proc.is_alive():
                h.proc.kill()
                h.proc.join(2)
        if self._thread is not None:
            self._thread.join(timeout + 2)
        self._stop_warm()
        for h in handles:
            if h.run_id in self._active:
                self._finish(h, forced_state="interrupted", forced_reason="the server stopped during the run")
        self.pictures.close()

    # ---- pump thread --------------------------------------------------
    def _loop(self) -> None:
        while not self._closing.is_set():
            try:
                self._tick()
            except Exception:
                log.exception("run pump error")
                time.sleep(0.1)

    def _tick(self) -> None:
        self._start_pending()
        with self._lock:
            handles = list(self._active.values())
        objs = [h.conn for h in handles if h.conn_open] + [h.proc.sentinel for h in handles]
        if objs:
            # a metrics batch waiting for its room to drain is looked at again within 10 ms
            ready = set(wait(objs, timeout=0.01 if any(h.ev.pending for h in handles) else 0.05))
        else:
            self._wake.wait(0.2)
            self._wake.clear()
            ready = set()
        now = time.monotonic()
        for h in handles:
            if h.conn_open and h.conn in ready:
                self._drain(h, budget=500)
        for h in handles:
            if h.proc.sentinel in ready or not h.proc.is_alive():
                if self._closing.is_set():
                    continue
                self._drain(h, budget=None)
                self._finish(h)
            elif h.done_at is not None and now - h.done_at > EXIT_GRACE_S:
                log.warning("run %s finished but its worker did not exit; killing it", h.run_id)
                h.proc.kill()
            elif h.cancel_deadline is not None and now > h.cancel_deadline:
                if h.killed_at is None:
                    log.warning("run %s did not stop within %.1fs; terminating", h.run_id, self.cancel_grace)
                    h.proc.terminate()
                    h.killed_at = now
                elif now - h.killed_at > 5:
                    h.proc.kill()
        self._flush_metrics(now)

    def _start_pending(self) -> None:
        while True:
            with self._lock:
                if self._closing.is_set() or not self._pending or len(self._active) >= self.max_concurrent:
                    return
                run_id, resume = self._pending.popleft()
                self._starting.add(run_id)
            try:
                self._spawn(run_id, resume)
            except Exception as exc:
                log.exception("could not start run %s", run_id)
                self._end(run_id, {}, "failed", f"could not start the worker: {exc}")
            finally:
                with self._lock:
                    self._starting.discard(run_id)
                    self._early_cancel.discard(run_id)

    def _start_warm(self) -> None:
        """Pre-start a spare worker that imports TensorFlow now, so the next run starts at once
        (unless one is already waiting, or the server is stopping)."""
        with self._warm_lock:
            if self._warm is None and not self._closing.is_set():
                self._start_warm_locked()

    def _start_warm_locked(self) -> None:
        preload = DEFAULT_PRELOAD if self.train_target == DEFAULT_TARGET else []
        spec_r, spec_w = self._ctx.Pipe(duplex=False)
        rconn, wconn = self._ctx.Pipe(duplex=False)
        stop = self._ctx.Event()
        proc = self._ctx.Process(
            target=warm_main, args=(self.train_target, preload, spec_r, wconn, stop, os.getpid()), name="akid-run-warm"
        )
        proc.start()
        spec_r.close()
        wconn.close()
        self._warm = (proc, spec_w, rconn, stop)

    def _take_warm(self) -> tuple[Any, Any, Any, Any] | None:
        with self._warm_lock:
            warm, self._warm = self._warm, None
        if warm is not None and not warm[0].is_alive():
            for c in warm[1:3]:
                c.close()
            return None
        return warm

    def _stop_warm(self) -> None:
        if self._warm_timer is not None:
            self._warm_timer.cancel()
        with self._warm_lock:
            warm, self._warm = self._warm, None
        if warm is not None:
            warm[1].close()
            warm[0].kill()  # an idle spare holds nothing worth saving
            warm[0].join(2)
            warm[2].close()

    def _spawn(self, run_id: str, resume: bool) -> None:
        run = self.store.get_run(run_id)
        logdir = self.logdir(run_id)
        logdir.mkdir(parents=True, exist_ok=True)
        spec = WorkerSpec(
            run_id, run["graph"], run["config"], str(logdir), resume, self.train_target, self.convert_config, self.worker_env
        )
        warm = self._take_warm() if self.warm_workers else None
        if warm is not None:
            proc, spec_w, rconn, stop = warm
            spec_w.send_bytes(json.dumps(asdict(spec)).encode())
            spec_w.close()
        else:
            rconn, wconn = self._ctx.Pipe(duplex=False)
            stop = self._ctx.Event()
            proc = self._ctx.Process(target=worker_main, args=(spec, wconn, stop, os.getpid()), name=f"akid-run-{run_id}")
            proc.start()
            wconn.close()  # only the worker holds the write end: its death is our EOF
        (logdir / "worker.pid").write_text(str(proc.pid))
        h = _Handle(run_id, proc, rconn, stop, ev=RunEvents(run_id, status={k: run.get(k) for k in _STATUS_KEYS}))
        with self._lock:
            self._active[run_id] = h
            if run_id in self._early_cancel:
                self._request_cancel(h)
        self.store.update_run(run_id, status="running", started_at=time.time(), reason=None)
        log.info("run %s started (worker pid %s%s)", run_id, proc.pid, ", resumed" if resume else "")
        self.hub.publish(run_id, "status", self._status_payload(h.status, "running"))
        if self.warm_workers and not self._closing.is_set():
            self._start_warm()

    def _drain(self, h: _Handle, budget: int | None) -> None:
        """Read what the worker sent; pictures go to the picture thread (storing, encoding and
        sending them is the slow part: they must not delay a metrics point)."""
        n = 0
        while h.conn_open and (budget is None or n < budget):
            try:
                if not h.conn.poll(0):
                    return
                frame = h.conn.recv_bytes()
            except (EOFError, OSError):
                h.conn_open = False
                return
            n += 1
            try:
                kind, payload, atts = decode(frame)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("run %s sent a bad frame: %s", h.run_id, exc)
                continue
            if kind in PICTURE_KINDS:
                self.pictures.put(h.run_id, functools.partial(self.router.handle, h.ev, kind, payload, atts))
            elif kind == "metrics":
                # frames that arrived while the last batch was going out join this one (Nagle-like)
                self.router.handle(h.ev, kind, payload, atts, more=self._more(h, budget, n))
            else:
                self._on_event(h, kind, payload, atts)

    @staticmethod
    def _more(h: _Handle, budget: int | None, n: int) -> bool:
        """Whether this drain pass will read another frame of the run right away."""
        if budget is not None and n >= budget:
            return False
        try:
            return bool(h.conn.poll(0))
        except (EOFError, OSError):
            return False

    def _on_event(self, h: _Handle, kind: str, payload: dict[str, Any], atts: list[bytes]) -> None:
        if kind == "__done__":
            h.done, h.done_at = payload, time.monotonic()
            return
        self.router.handle(h.ev, kind, payload, atts)

    def _flush(self, h: _Handle) -> None:
        self.router.flush(h.ev)

    def _flush_metrics(self, now: float) -> None:
        with self._lock:
            handles = list(self._active.values())
        for h in handles:
            if self.router.due(h.ev, now):
                self._flush(h)

    def _finish(self, h: _Handle, forced_state: str | None = None, forced_reason: str | None = None) -> None:
        self._flush(h)
        if not self.pictures.wait_idle(h.run_id):  # the end is announced after the run's last picture
            log.warning("run %s: its pictures were not all sent before its end", h.run_id)
        h.proc.join(1)
        code = h.proc.exitcode
        done = h.done or {}
        if forced_state and done.get("state") in (None, "cancelled"):
            state, reason = forced_state, forced_reason
        elif h.done is not None:
            state, reason = done.get("state", "failed"), done.get("reason")
            if h.cancel_requested and state == "completed":
                state = "cancelled"
        elif h.cancel_requested:
            state, reason = "cancelled", "the worker was terminated after the cancel grace period"
        elif code is not None and code < 0:
            state, reason = "failed", f"the worker was killed by signal {signal.Signals(-code).name}"
        else:
            state, reason = "failed", f"the worker exited with code {code} without finishing"
        if state == "failed" and not h.ev.saw_error:
            self.hub.publish(
                h.run_id,
                "error",
                {"message": reason or "training failed", **({"issues": done["issues"]} if done.get("issues") else {})},
            )
        try:
            h.conn.close()
        except OSError:
            pass
        with self._lock:
            self._active.pop(h.run_id, None)
        self._end(h.run_id, h.status, state, reason, final=done.get("final"))
        self._wake.set()

    def _end(
        self, run_id: str, status: dict[str, Any], state: str, reason: str | None, final: dict[str, Any] | None = None
    ) -> None:
        reason = strip_ansi(reason)
        log.info("run %s ended: %s%s", run_id, state, f" ({reason[:200]})" if reason else "")
        fields: dict[str, Any] = {"status": state, "reason": reason, "finished_at": time.time()}
        fields.update({k: v for k, v in status.items() if v is not None})
        if final:
            fields["final"] = final
        self.store.update_run(run_id, **fields)
        self.hub.publish(run_id, "status", self._status_payload(status, state, reason))

    @staticmethod
    def _status_payload(status: dict[str, Any], state: str, reason: str | None = None) -> dict[str, Any]:
        return status_payload(status, state, reason)
