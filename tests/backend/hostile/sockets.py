"""Socket.IO clients for the hostile suite: a careful reader that re-subscribes with
``since_seq`` after being dropped (what the frontend does), and a raw WebSocket client
that subscribes and then never reads."""

from __future__ import annotations

import json
import socket
import threading
import time

import socketio
import websocket

KINDS = ("status", "metrics", "histograms", "images", "log", "error")


class Reader:
    """Collects ``run.*`` events of one run; on reconnect re-subscribes after the last
    contiguous seq, so it must end up with every event exactly once, in order."""

    def __init__(self, url: str, token: str, run_id: str) -> None:
        self.run_id = run_id
        self.seqs: list[int] = []
        self.seen: set[int] = set()
        self.reconnects = 0
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        for kind in KINDS:
            self.sio.on(f"run.{kind}", self._on, namespace="/runs")
        self.sio.on("connect", self._on_connect, namespace="/runs")
        self.sio.connect(url, namespaces=["/runs"], transports=["websocket"], auth={"token": token}, wait_timeout=10)

    def contiguous(self) -> int:
        with self.lock:
            n = 0
            while n + 1 in self.seen:
                n += 1
            return n

    def _on_connect(self) -> None:
        if self.seqs:
            self.reconnects += 1
        threading.Thread(
            target=lambda: self.sio.emit("subscribe", {"run_id": self.run_id, "since_seq": self.contiguous()}, namespace="/runs"),
            daemon=True,
        ).start()

    def _on(self, data) -> None:
        seq = data.get("seq") if isinstance(data, dict) else None
        if not isinstance(seq, int):
            return
        with self.lock:
            if seq not in self.seen:
                self.seen.add(seq)
                self.seqs.append(seq)

    def close(self) -> None:
        self.sio.disconnect()


class Sleeper:
    """Connects, subscribes to a run, then never reads (a tiny receive buffer fills at once)."""

    def __init__(self, port: int, token: str, run_id: str) -> None:
        self.ws = websocket.WebSocket(sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        self.ws.connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=10)
        self.ws.recv()  # the Engine.IO open packet; nothing is read after this
        self.ws.send("40/runs," + json.dumps({"token": token}))
        self.ws.send("42/runs," + json.dumps(["subscribe", {"run_id": run_id, "since_seq": 0}]))

    def close(self) -> None:
        try:
            self.ws.sock.close()
        except OSError:
            pass


def raw_roundtrip(port: int, packets: list[str], token: str, wait: float = 1.0) -> list[str]:
    """Send Socket.IO packets on a raw WebSocket and return what came back within ``wait`` s."""
    ws = websocket.WebSocket()
    ws.connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=10)
    got = [ws.recv()]
    ws.send("40/runs," + json.dumps({"token": token}))
    for p in packets:
        ws.send(p)
    ws.settimeout(0.2)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            got.append(ws.recv())
        except websocket.WebSocketTimeoutException:
            continue
        except (websocket.WebSocketConnectionClosedException, OSError):
            break
    ws.close()
    return got
