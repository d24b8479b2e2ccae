"""Room fan-out that writes one pre-built WebSocket frame straight to every subscriber's socket.

Why: Engine.IO's threading driver gives each client a writer thread that sleeps on the
client's queue. Emitting to a room of 50 puts the message in 50 queues and wakes 50 threads,
which then take turns under the GIL (each frames the same text again through wsproto) while
the run's pump thread competes with them for the next point: on 2 cores that fan-out cost a
point ~10-45 ms before the last client's write. Here a room emit encodes the Socket.IO packet
once, frames it once (server frames are not masked, so every client gets the same bytes) and
writes it to each idle client with a non-blocking ``send`` from the emitting thread: no thread
wakes, no per-client encoding.

Order is kept per client: a frame is written directly only when nothing is waiting in the
client's queue *and* its writer thread holds no packet it has taken but not yet written
(:class:`TrackedQueue` counts those, under the queue's own mutex, which the direct write
holds too). Otherwise, or when the socket buffer is full (a slow reader), the frame (or what
did not fit) goes into the client's queue as a :class:`RawPacket` that its writer thread
sends as-is, so the slow-reader bound (``client_queue_max`` queued messages) still applies.
Clients on long-polling and TLS sockets take the stock per-client send, pub/sub managers the
stock emit; a binary event (pictures) enters each client's queue whole, never split by a frame.
A message sent uncompressed is valid on a connection that negotiated permessage-deflate
(RFC 7692 section 6: RSV1 clear means not compressed).
"""

from __future__ import annotations

import logging
import queue
import socket
import ssl
import struct
from typing import Any

log = logging.getLogger("akid.live")
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)
_MESSAGE = 4  # Engine.IO packet type MESSAGE


class RawFrame(bytes):
    """Bytes that are already a complete WebSocket frame (or the unsent tail of one)."""


class RawPacket:
    """An Engine.IO queue item whose ``encode()`` is a :class:`RawFrame` (written as-is)."""

    packet_type = _MESSAGE
    binary = True

    def __init__(self, frame: RawFrame) -> None:
        self.data = frame

    def encode(self, b64: bool = False) -> RawFrame:
        return self.data


class TrackedQueue(queue.Queue):
    """An Engine.IO send queue that knows how many packets its WebSocket writer took but has
    not written yet (``in_flight``); counted only once the socket is upgraded to WebSocket
    (a long-polling response takes packets that the writer never sees)."""

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self.owner: Any = None  # the Engine.IO socket, set when its WebSocket opens
        self.in_flight = 0

    def _get(self) -> Any:
        item = super()._get()
        if item is not None and self.owner is not None and getattr(self.owner, "upgraded", False):
            self.in_flight += 1
        return item

    def written(self) -> None:
        """The writer thread wrote one packet it had taken."""
        with self.mutex:
            if self.in_flight:
                self.in_flight -= 1

    def put_locked(self, item: Any) -> None:
        """``put`` for a caller that already holds ``self.mutex`` (the queue is unbounded)."""
        self._put(item)
        self.unfinished_tasks += 1
        self.not_empty.notify()


class DirectChannel:
    """One client's WebSocket: its raw socket and its send queue."""

    def __init__(self, eio_socket: Any, sock: Any, q: TrackedQueue) -> None:
        self.eio_socket, self.sock, self.queue = eio_socket, sock, q
        self.broken = False
        self.direct_writes = 0  # frames written by the emitting thread (tests, benchmarks)

    def ready(self) -> bool:
        s = self.eio_socket
        return not self.broken and s.upgraded and not s.upgrading and not s.closing and not s.closed

    def write(self, frame: RawFrame) -> None:
        """Write ``frame`` now if the client's queue is idle, else queue it behind what waits."""
        q = self.queue
        with q.mutex:
            if not q.queue and not q.in_flight:
                try:
                    n = self.sock.send(frame, _DONTWAIT)
                except BlockingIOError:
                    n = 0
                except OSError:
                    self.broken = True  # the reader thread notices the dead connection and closes it
                    return
                if n == len(frame):
                    self.direct_writes += 1
                    return
                frame = RawFrame(frame[n:])  # the tail goes first in the queue: nothing else waits
            q.put_locked(RawPacket(frame))


def text_frame(text: str) -> RawFrame:
    """A final, unmasked WebSocket text frame holding ``text`` (RFC 6455 section 5.2)."""
    data = text.encode("utf-8")
    n = len(data)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return RawFrame(head + data)


def attach(eio_socket: Any, sock: Any) -> DirectChannel | None:
    """Give ``eio_socket`` a direct channel over ``sock`` (None where direct writes are not safe)."""
    q = getattr(eio_socket, "queue", None)
    if not _DONTWAIT or not isinstance(q, TrackedQueue) or sock is None or isinstance(sock, ssl.SSLSocket):
        return None
    q.owner = eio_socket
    ch = DirectChannel(eio_socket, sock, q)
    eio_socket.akid_channel = ch
    return ch


def install(socketio: Any) -> bool:
    """Create this server's Engine.IO queues as :class:`TrackedQueue` (threading mode only)."""
    eio = socketio.server.eio
    if eio.async_mode != "threading" or eio._async is None:
        return False
    eio._async = {**eio._async, "queue": TrackedQueue}
    return True


class RoomEmitter:
    """``emit(event, data, room, namespace)`` for one Socket.IO server, encoded and framed once."""

    def __init__(self, socketio: Any) -> None:
        self.socketio = socketio
        server = getattr(socketio, "server", None)
        manager = getattr(server, "manager", None)
        # a pub/sub manager (several server processes) must see every emit: the stock path then;
        # so does a python-socketio whose internals this module relies on have changed
        self.enabled = (
            _DONTWAIT != 0
            and type(manager).__name__ == "Manager"
            and all(hasattr(server, a) for a in ("packet_class", "_send_eio_packet"))
            and hasattr(getattr(server, "eio", None), "sockets")
            and hasattr(manager, "get_participants")
        )

    def emit(self, event: str, data: Any, room: str, namespace: str) -> None:
        """Send ``event`` to every participant of ``room`` (a room name, or one client's sid)."""
        if not self.enabled:
            self.socketio.emit(event, data, to=room, namespace=namespace)
            return
        from engineio import packet as eio_packet
        from socketio import packet as sio_packet

        server = self.socketio.server
        encoded = server.packet_class(sio_packet.EVENT, namespace=namespace, data=[event, data]).encode()
        if not isinstance(encoded, str):
            self._emit_binary(server, [eio_packet.Packet(eio_packet.MESSAGE, p) for p in encoded], room, namespace)
            return
        eio_pkt, frame = None, None
        sockets = server.eio.sockets
        for _sid, eio_sid in server.manager.get_participants(namespace, room):
            s = sockets.get(eio_sid)
            ch = getattr(s, "akid_channel", None)
            if ch is not None and ch.ready():
                if not _alive(s):
                    continue
                if frame is None:
                    frame = text_frame("4" + encoded)  # Engine.IO MESSAGE + the Socket.IO packet
                ch.write(frame)
            else:  # what python-socketio's room emit does for each participant
                if eio_pkt is None:
                    eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
                server._send_eio_packet(eio_sid, eio_pkt)

    @staticmethod
    def _emit_binary(server: Any, pkts: list[Any], room: str, namespace: str) -> None:
        """A binary event is a header packet then one packet per attachment; they must reach
        each client together (a frame written between them would break its decoder), so they
        enter the client's queue in one hold of its mutex, the mutex direct writes take."""
        sockets = server.eio.sockets
        for _sid, eio_sid in server.manager.get_participants(namespace, room):
            s = sockets.get(eio_sid)
            q = getattr(s, "queue", None)
            if isinstance(q, TrackedQueue):
                if _alive(s):
                    with q.mutex:
                        for p in pkts:
                            q.put_locked(p)
            else:
                for p in pkts:
                    server._send_eio_packet(eio_sid, p)


def _alive(s: Any) -> bool:
    """Engine.IO's own check before it queues a packet (a client past its ping timeout is closed)."""
    try:
        return bool(s.check_ping_timeout())
    except Exception:  # closed meanwhile (SocketIsClosedError)
        return False
