"""Event hub: per-run sequence numbers, storage, and fan-out to Socket.IO rooms.

Every event is stored *and* emitted while holding its run's lock, and a
subscriber replays the store and joins the room while holding the same lock.
So an event is either in the replay (stored before the subscriber joined) or
delivered live (emitted after it joined), never both and never neither.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from backend.store import AbstractStore

NAMESPACE = "/runs"
EVENT_KINDS = ("status", "metrics", "histograms", "images", "log", "error")


def room(run_id: str) -> str:
    return f"run:{run_id}"


class EventHub:
    def __init__(self, store: AbstractStore, socketio: Any | None = None) -> None:
        self.store = store
        self.socketio = socketio
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}
        self._seq: dict[str, int] = {}
        self.listeners: list[Callable[[str, str, dict[str, Any]], None]] = []

    def lock(self, run_id: str) -> threading.RLock:
        with self._guard:
            lk = self._locks.get(run_id)
            if lk is None:
                lk = self._locks[run_id] = threading.RLock()
            return lk

    def _next_seq(self, run_id: str) -> int:
        seq = self._seq.get(run_id)
        if seq is None:
            seq = self.store.max_seq(run_id)
        self._seq[run_id] = seq + 1
        return seq + 1

    def forget(self, run_id: str) -> None:
        with self._guard:
            self._seq.pop(run_id, None)
            self._locks.pop(run_id, None)

    @staticmethod
    def message(run_id: str, seq: int, kind: str, payload: dict[str, Any], numbers: list[int], attachments: list[bytes]) -> dict[str, Any]:
        """The socket payload: the event payload plus ``run_id``/``seq`` (+ binary attachments)."""
        msg = dict(payload)
        msg["run_id"], msg["seq"] = run_id, seq
        if kind == "images":
            msg["attachments"] = list(attachments)  # bytes: sent as Socket.IO binary attachments
            msg["images"] = list(numbers)  # their numbers for GET /api/runs/<id>/images/<n>
        return msg

    def publish(self, run_id: str, kind: str, payload: dict[str, Any], attachments: list[bytes] | None = None) -> int:
        """Assign the next seq, store, emit to the run's room; returns the seq."""
        atts = list(attachments or [])
        with self.lock(run_id):
            seq = self._next_seq(run_id)
            numbers = self.store.add_event(run_id, seq, kind, payload, atts)
            if self.socketio is not None:
                self.socketio.emit(f"run.{kind}", self.message(run_id, seq, kind, payload, numbers, atts), to=room(run_id), namespace=NAMESPACE)
        for fn in list(self.listeners):
            fn(run_id, kind, payload)
        return seq

    def replay(self, run_id: str, since_seq: int, send: Callable[[str, dict[str, Any]], None], then: Callable[[], None] | None = None) -> int:
        """Send stored events with seq > since_seq in order, then run ``then`` (join the room) atomically."""
        with self.lock(run_id):
            events = self.store.list_events(run_id, since_seq)
            for ev in events:
                atts = self.store.get_attachments(run_id, ev["images"]) if ev["kind"] == "images" else []
                send(f"run.{ev['kind']}", self.message(run_id, ev["seq"], ev["kind"], ev["payload"], ev["images"], atts))
            if then is not None:
                then()
        return len(events)
