"""Hostile Socket.IO traffic against the real server: bad subscribe payloads get a
``run.error`` (never a dead handler), subscriptions are a set per socket, disconnects
leave no tracebacks, and the server stays healthy with bounded memory."""

from __future__ import annotations

import json
import time

import pytest
import socketio
from hostile_server import RSS_SLACK, TOKEN
from sockets import raw_roundtrip


def _healthy(server) -> None:
    assert server.api("GET", "/api/health").status_code == 200
    assert server.rss() < server.baseline + RSS_SLACK
    log = server.log_text()
    assert "Traceback" not in log and "KeyError" not in log, log[-3000:]


def _client(server, token=TOKEN):
    sio = socketio.Client(reconnection=False)
    errors = []
    sio.on("run.error", lambda data: errors.append(data), namespace="/runs")
    sio.connect(server.url, namespaces=["/runs"], transports=["websocket"], auth={"token": token}, wait_timeout=10)
    return sio, errors


BAD_SUBSCRIBES = {
    "since_seq_huge": lambda s: {"run_id": s.run_id, "since_seq": 10**20},
    "since_seq_negative": lambda s: {"run_id": s.run_id, "since_seq": -1},
    "since_seq_string": lambda s: {"run_id": s.run_id, "since_seq": "5"},
    "since_seq_float": lambda s: {"run_id": s.run_id, "since_seq": 1.5},
    "run_missing": lambda s: {"run_id": "not-a-run", "since_seq": 0},
    "run_id_nul": lambda s: {"run_id": "a\x00b", "since_seq": 0},
    "run_id_long": lambda s: {"run_id": "r" * 100_000, "since_seq": 0},
    "run_id_number": lambda s: {"run_id": 5, "since_seq": 0},
    "payload_list": lambda s: [s.run_id],
    "payload_none": lambda s: None,
}


@pytest.mark.parametrize("name", sorted(BAD_SUBSCRIBES))
def test_bad_subscribe_is_an_error_event(hostile, name):
    sio, errors = _client(hostile)
    try:
        ack = sio.call("subscribe", BAD_SUBSCRIBES[name](hostile), namespace="/runs", timeout=10)
        assert ack == {"ok": False} or ack.get("ok") is False
        deadline = time.monotonic() + 5
        while not errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert errors and errors[0]["issues"][0]["code"] in ("bad_param", "bad_request", "not_found")
    finally:
        sio.disconnect()
    _healthy(hostile)


def test_subscribe_3000_times_then_disconnect(hostile):
    sio, _errors = _client(hostile)
    replayed = []
    for _ in range(3000):
        sio.emit(
            "subscribe",
            {"run_id": hostile.run_id, "since_seq": 10**6},
            namespace="/runs",
            callback=lambda ack: replayed.append(ack),
        )
    ack = sio.call("subscribe", {"run_id": hostile.run_id, "since_seq": 0}, namespace="/runs", timeout=60)
    assert ack["ok"] and ack["replayed"] > 0  # handled in order on the socket's own thread
    sio.disconnect()
    time.sleep(1.0)
    _healthy(hostile)


def test_connect_with_wrong_or_non_ascii_token_is_refused(hostile):
    for token in ("nope", "\u00e9\u20ac", "a\x00b", "x" * 50_000):
        with pytest.raises(socketio.exceptions.ConnectionError):
            _client(hostile, token)
    _healthy(hostile)


def test_deep_json_on_the_socket(hostile):
    packet = "42/runs," + "[" * 10_000 + "]" * 10_000
    raw_roundtrip(hostile.port, [packet], TOKEN, wait=1.0)
    _healthy(hostile)


def test_garbage_packets_on_the_socket(hostile):
    raw_roundtrip(
        hostile.port,
        [
            "42/runs,not json",
            "4",
            "9999",
            '42/nowhere,["subscribe"]',
            '42/runs,["no-such-event",{}]',
            "42/runs," + json.dumps(["subscribe", {"run_id": hostile.run_id, "since_seq": float("nan")}]),
        ],
        TOKEN,
    )
    _healthy(hostile)


def test_disconnect_is_clean_and_quick(hostile):
    """A client closing its WebSocket: no 'Bad request syntax' log line, the next client connects at once."""
    for _ in range(3):
        sio, _errors = _client(hostile)
        sio.call("subscribe", {"run_id": hostile.run_id, "since_seq": 0}, namespace="/runs", timeout=10)
        sio.disconnect()
    time.sleep(0.5)
    assert "Bad request syntax" not in hostile.log_text()
    _healthy(hostile)
