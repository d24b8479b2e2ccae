"""Event hub: per-run sequence numbers, storage, fan-out to Socket.IO rooms, slow readers.

Every event is stored *and* emitted while holding its run's lock, and a subscriber's
last replay page and its joining the room happen under the same lock. So an event is
either in the replay (stored before the subscriber joined) or delivered live (emitted
after it joined), never both and never neither.

Slow-reader policy (documented in docs/protocol.md and docs/security.md): every client
has one Engine.IO send queue; the hub never lets it hold more than ``queue_max`` messages.
A live event finding a subscriber's queue over the bound disconnects that client and frees
its queue; its Socket.IO client reconnects and re-subscribes with ``since_seq`` (the last
seq it applied), so it loses nothing and costs the server bounded memory. A replay is sent
in pages that wait for the client's queue to drain (outside the run's lock, so a slow
subscriber never stalls the run); a client that does not drain in ``drain_timeout_s`` is
disconnected the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from backend.runs.columns import metrics_message
from backend.store import AbstractStore
from backend.wsdirect import RoomEmitter

NAMESPACE = "/runs"
log = logging.getLogger("akid.live")
REPLAY_PAGE = 64
#: a room counts as idle while no subscriber has more than this many messages waiting (an idle
#: client has none: room emits write to it directly, backend/wsdirect.py); one message queued for a
#: client whose socket buffer was momentarily full does not hold every point of the room back
IDLE_BACKLOG = 1


def room(run_id: str) -> str:
    return f"run:{run_id}"


class SlowClient(Exception):
    """The client did not drain its send queue in time; it was disconnected."""


class EventHub:
    def __init__(
        self,
        store: AbstractStore,
        socketio: Any | None = None,
        queue_max: int = 256,
        drain_timeout_s: float = 10.0,
        trace: bool = False,
    ) -> None:
        self.store = store
        self.socketio = socketio
        #: room emits encoded and framed once, written straight to idle clients (backend/wsdirect.py)
        self.emitter = RoomEmitter(socketio) if socketio is not None else None
        self.queue_max = max(8, int(queue_max))
        self.drain_timeout_s = drain_timeout_s
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}
        self._picture_locks: dict[str, threading.RLock] = {}  # a run's attachment numbers, off the run's lock
        self._seq: dict[str, int] = {}
        self._subs: dict[str, set[str]] = {}  # socket sid -> run ids it is subscribed to
        self.dropped_clients = 0
        self.listeners: list[Callable[[str, str, dict[str, Any]], None]] = []
        #: benchmark tracing (settings.stream_trace): live metrics messages say when the server got and sent them
        self.trace = trace

    def lock(self, run_id: str) -> threading.RLock:
        """The run's lock: seq, emit and store of each event, and a subscriber's last replay page + join."""
        return self._lock_of(self._locks, run_id)

    def _lock_of(self, locks: dict[str, threading.RLock], run_id: str) -> threading.RLock:
        with self._guard:
            lk = locks.get(run_id)
            if lk is None:
                lk = locks[run_id] = threading.RLock()
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
            self._picture_locks.pop(run_id, None)

    def close(self) -> None:
        with self._guard:
            self._subs.clear()

    @staticmethod
    def message(
        run_id: str, seq: int, kind: str, payload: dict[str, Any], numbers: list[int], attachments: list[bytes]
    ) -> dict[str, Any]:
        """The socket payload: the event payload plus ``run_id``/``seq`` (+ binary attachments);
        metrics go in their columnar form (backend/runs/columns.py), built once per message."""
        msg = metrics_message(payload) if kind == "metrics" else dict(payload)
        msg["run_id"], msg["seq"] = run_id, seq
        if kind == "images":
            msg["attachments"] = list(attachments)  # bytes: sent as Socket.IO binary attachments
            msg["images"] = list(numbers)  # their numbers for GET /api/runs/<id>/images/<n>
        return msg

    # ---- subscriptions (one set per socket: subscribing twice is idempotent) ----
    def connected(self, sid: str) -> None:
        with self._guard:
            self._subs.setdefault(sid, set())

    def disconnected(self, sid: str) -> None:
        with self._guard:
            self._subs.pop(sid, None)

    def subscriptions(self, sid: str) -> set[str]:
        with self._guard:
            return set(self._subs.get(sid, ()))

    def subscribe(
        self, sid: str, run_id: str, since_seq: int, send: Callable[[str, dict[str, Any]], None], join: Callable[[], None]
    ) -> int:
        """Replay stored events after ``since_seq`` then join the room (once per socket and run)."""
        with self._guard:
            if sid not in self._subs:
                return 0  # disconnected meanwhile
        count = self.replay(run_id, since_seq, send, then=None, sid=sid, final=True, join=lambda: self._join(sid, run_id, join))
        return count

    def _join(self, sid: str, run_id: str, join: Callable[[], None]) -> None:
        with self._guard:
            subs = self._subs.get(sid)
            if subs is None or run_id in subs:
                return
            subs.add(run_id)
        try:
            join()
        except (KeyError, ValueError):  # the socket went away between the check and the join
            self.disconnected(sid)

    def unsubscribe(self, sid: str, run_id: str, leave: Callable[[], None]) -> None:
        with self._guard:
            subs = self._subs.get(sid)
            if subs is None or run_id not in subs:
                return
            subs.discard(run_id)
        try:
            leave()
        except (KeyError, ValueError):
            pass

    # ---- slow readers ----
    def _eio_socket(self, sid: str) -> Any:
        try:
            server = self.socketio.server
            eio_sid = server.manager.eio_sid_from_sid(sid, NAMESPACE)
            return server.eio.sockets.get(eio_sid) if eio_sid else None
        except AttributeError:
            return None

    def backlog(self, sid: str) -> int:
        """Messages waiting in the client's send queue (0 when unknown)."""
        s = self._eio_socket(sid)
        return s.queue.qsize() if s is not None else 0

    def drop_client(self, sid: str, why: str) -> None:
        """Disconnect a client that does not read, and free what was queued for it."""
        s = self._eio_socket(sid)
        self.disconnected(sid)
        self.dropped_clients += 1
        log.info("dropped slow socket client %s: %s", sid, why)
        if s is None:
            return
        try:
            s.close(wait=False, abort=True)
        except Exception:
            pass
        q = s.queue
        try:
            while True:
                q.get_nowait()
                q.task_done()
        except Exception:
            pass
        q.put(None)  # the writer thread exits when it next reads its queue

    def room_idle(self, run_id: str) -> bool:
        """Whether the run has subscribers and none has more than ``IDLE_BACKLOG`` messages waiting
        to be sent (then a new point goes out at once instead of waiting for the batch interval)."""
        if self.socketio is None:
            return False
        try:
            members = [sid for sid, _eio in self.socketio.server.manager.get_participants(NAMESPACE, room(run_id))]
        except (KeyError, AttributeError):
            return False
        return bool(members) and all(self.backlog(sid) <= IDLE_BACKLOG for sid in members)

    def _check_room(self, run_id: str) -> None:
        if self.socketio is None:
            return
        try:
            members = [sid for sid, _eio in self.socketio.server.manager.get_participants(NAMESPACE, room(run_id))]
        except (KeyError, AttributeError):
            return
        for sid in members:
            n = self.backlog(sid)
            if n > self.queue_max:
                self.drop_client(sid, f"{n} messages waiting (limit client_queue_max={self.queue_max})")

    def _wait_drain(self, sid: str | None) -> None:
        if sid is None or self.socketio is None:
            return
        deadline = time.monotonic() + self.drain_timeout_s
        while self.backlog(sid) > self.queue_max // 2:
            if time.monotonic() > deadline:
                self.drop_client(sid, f"replay not read within {self.drain_timeout_s:.0f}s")
                raise SlowClient(sid)
            time.sleep(0.01)

    # ---- publish / replay ----
    def publish(
        self,
        run_id: str,
        kind: str,
        payload: dict[str, Any],
        attachments: list[bytes] | None = None,
        trace_recv: float | None = None,
    ) -> int:
        """Assign the next seq, emit to the run's room, then store; returns the seq. Attachments
        (pictures) are stored before, outside the run's lock.

        ``trace_recv`` (with ``trace`` on): when the server got the message's oldest point; the
        message then carries ``trace: {recv, emit}`` (wall clock) so a benchmark can split the
        latency into trainer + pipe, server hold and socket (never stored, never replayed)."""
        atts = list(attachments or [])
        numbers: list[int] = []
        if atts:
            # Pictures are stored first, under their own per-run lock, not the run's: the large
            # write never holds up a scalar event or a subscriber's join (their numbers go in the message)
            with self._lock_of(self._picture_locks, run_id):
                numbers = self.store.add_attachments(run_id, atts)
        with self.lock(run_id):
            seq = self._next_seq(run_id)
            # Every event goes out first and is stored right after, still under the run's lock (a
            # subscriber's replay + join takes the same lock, so it sees the event in exactly one
            # of the two); the SQLite write is off the live path.
            if self.socketio is not None:
                self._check_room(run_id)
                # one message for the room, encoded and framed once for every participant
                msg = self.message(run_id, seq, kind, payload, numbers, atts)
                if self.trace and trace_recv is not None:
                    msg["trace"] = {"recv": trace_recv, "emit": time.time()}
                self.emitter.emit(f"run.{kind}", msg, room(run_id), NAMESPACE)
            self.store.add_event(run_id, seq, kind, payload, images=numbers)
        for fn in list(self.listeners):
            fn(run_id, kind, payload)
        return seq

    def _send(self, run_id: str, events: list[dict[str, Any]], send: Callable[[str, dict[str, Any]], None]) -> None:
        for ev in events:
            atts = self.store.get_attachments(run_id, ev["images"]) if ev["kind"] == "images" else []
            send(f"run.{ev['kind']}", self.message(run_id, ev["seq"], ev["kind"], ev["payload"], ev["images"], atts))

    def replay(
        self,
        run_id: str,
        since_seq: int,
        send: Callable[[str, dict[str, Any]], None],
        then: Callable[[], None] | None = None,
        sid: str | None = None,
        final: bool = False,
        join: Callable[[], None] | None = None,
    ) -> int:
        """Send stored events with seq > since_seq in order, then run ``then``/``join`` atomically.

        With ``sid``, full pages go out before taking the run's lock, each after the client's
        queue has drained to half its bound (a client that never drains is dropped)."""
        count, last = 0, since_seq
        try:
            while sid is not None:
                page = self.store.list_events(run_id, last, REPLAY_PAGE)
                if len(page) < REPLAY_PAGE:
                    break
                self._wait_drain(sid)
                self._send(run_id, page, send)
                count, last = count + len(page), page[-1]["seq"]
            with self.lock(run_id):
                events = self.store.list_events(run_id, last)
                self._send(run_id, events, send)
                count += len(events)
                for fn in (then, join):
                    if fn is not None:
                        fn()
        except SlowClient:
            pass
        return count
