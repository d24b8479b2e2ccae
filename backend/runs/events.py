"""The one event pipeline: what a worker's events mean, for local and Kubernetes workers alike.

A local worker's frames (pipe) and a Kubernetes worker's ``events.jsonl`` lines arrive
through different transports, but once decoded they go through :meth:`EventRouter.handle`
with the run's :class:`RunEvents`: metrics are coalesced (leading edge sent at once, then at
most one batch per interval), status events update the stored run (the run's *end* is
announced once, by whoever watches the process or Job), errors are remembered, and an
unknown kind becomes a warning log line. The kinds are listed once, here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.runs.hub import EventHub
from backend.store import AbstractStore

#: event kinds a worker may send (the live protocol's ``run.<kind>`` messages)
EVENT_KINDS = ("status", "metrics", "histograms", "images", "log", "error")
#: kinds that may overtake a pending metrics batch (everything else flushes it first)
_MAY_OVERTAKE = ("status", "histograms", "images", "log")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TERMINAL = ("completed", "failed", "cancelled", "interrupted")
STATUS_KEYS = ("step", "epoch", "total_steps", "progress")


class QueueFull(Exception):
    """``max_queued`` runs already wait for a worker."""

    def __init__(self, limit: int, waiting: int) -> None:
        super().__init__(f"{waiting} runs are already queued; this server queues at most {limit}")
        self.limit, self.waiting = limit, waiting


@dataclass
class RunEvents:
    """Per-run state of the pipeline (owned by the thread that reads that run's worker)."""

    run_id: str
    status: dict[str, Any] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    last_metrics: float = 0.0
    saw_error: bool = False
    #: wall-clock time the oldest pending point arrived (only kept when the hub traces)
    pending_since: float | None = None


def strip_ansi(text: str | None) -> str | None:
    """``text`` without terminal colour codes (TensorFlow's errors carry them)."""
    return _ANSI.sub("", text) if isinstance(text, str) else text


def status_payload(status: dict[str, Any], state: str, reason: str | None = None) -> dict[str, Any]:
    """A ``run.status`` payload from the run's progress fields."""
    out: dict[str, Any] = {"state": state}
    for k in STATUS_KEYS:
        out[k] = status.get(k)
    out["step"] = out["step"] or 0
    out["epoch"] = out["epoch"] or 0
    out["progress"] = out["progress"] or 0.0
    if reason:
        out["reason"] = reason
    return out


class EventRouter:
    """Interprets worker events and publishes them through the hub (which assigns seq)."""

    def __init__(
        self,
        store: AbstractStore,
        hub: EventHub,
        end: Callable[..., None] | None = None,
        status_payload_fn: Callable[..., dict] = status_payload,
        batch_interval: float = 0.1,
    ) -> None:
        self.store, self.hub = store, hub
        self.batch_interval = batch_interval
        self._end = end
        #: settings.stream_trace (benchmarks only): messages carry when the server got and sent them
        self.hub_traces = bool(getattr(hub, "trace", False))

    def handle(
        self,
        rs: RunEvents,
        kind: str,
        payload: dict[str, Any],
        atts: list[bytes] | None = None,
        worker: int | None = None,
        more: bool = False,
    ) -> None:
        """One decoded event of run ``rs``; ``worker`` tags multi-worker events (metrics points too).
        ``more``: the reader already has this run's next event waiting, so metrics points wait
        for it (a burst read in one pass goes out as one batch, not one message per event)."""
        atts = list(atts or [])
        if worker is not None:
            payload = {**payload, "worker": payload.get("worker", worker)}
        if kind == "metrics":
            points, w = payload.get("points") or [], payload.get("worker")
            # multi-worker runs: points keep their worker, so the UI can tell the workers apart
            if self.hub_traces and not rs.pending:
                rs.pending_since = time.time()
            rs.pending.extend(points if w is None else [{**p, "worker": w} for p in points if isinstance(p, dict)])
            # Nagle-like: send at once when no subscriber has more than one message waiting (the
            # channel is idle) or the interval has passed; otherwise points gather into one batch
            # for the room, sent when the room drains (``due``) or at the interval
            if more:
                return  # the next event is already here: it decides (or the pump's ``due`` check)
            if time.monotonic() - rs.last_metrics >= self.batch_interval or self.hub.room_idle(rs.run_id):
                self.flush(rs)
            return
        if kind not in _MAY_OVERTAKE:
            self.flush(rs)  # errors follow the metrics that led to them
        if kind == "status":
            rs.status.update({k: payload[k] for k in STATUS_KEYS if k in payload})
            if payload.get("state") in TERMINAL:
                return  # the process/Job watcher announces the end, once
            self.store.update_run(rs.run_id, **{k: v for k, v in rs.status.items() if v is not None})
            payload = {**payload, "state": "running"}
        elif kind == "error":
            rs.saw_error = True
            if isinstance(payload.get("message"), str):  # TensorFlow colours its messages: no ANSI escapes in the UI
                payload = {**payload, "message": _ANSI.sub("", payload["message"])}
        elif kind not in EVENT_KINDS:
            kind, payload, atts = "log", {"level": "warning", "message": f"unknown event kind {kind[:80]!r} from the worker"}, []
        self.hub.publish(rs.run_id, kind, payload, atts)

    def flush(self, rs: RunEvents) -> None:
        """Publish the run's pending metrics points as one batch."""
        if rs.pending:
            points, rs.pending = rs.pending, []
            if self.hub_traces:
                self.hub.publish(rs.run_id, "metrics", {"points": points}, trace_recv=rs.pending_since)
            else:
                self.hub.publish(rs.run_id, "metrics", {"points": points})
            rs.last_metrics = time.monotonic()

    def due(self, rs: RunEvents, now: float) -> bool:
        """Whether the pending batch should go now: its interval has passed, or the room's
        queues have drained since the points arrived (the channel is idle again)."""
        return bool(rs.pending) and (now - rs.last_metrics >= self.batch_interval or self.hub.room_idle(rs.run_id))
