"""The /runs Socket.IO namespace with Flask-SocketIO's test client: replay + live, no gaps or duplicates."""

import time

from backend_testutil import validate_schema, wait_for

from backend.runs.columns import from_columns

NS = "/runs"
SCHEMAS = {
    f"run.{k}": f"#/components/schemas/{k.capitalize()}Event"
    for k in ("status", "metrics", "histograms", "images", "log", "error")
}


def _launch(client, mlp, **config):
    return client.post("/api/runs", json={"graph": mlp, "config": config}).get_json()["id"]


def _collect(sio, rid, until_terminal=True, timeout=30):
    got = []

    def terminal():
        got.extend(m for m in sio.get_received(NS) if m["args"] and m["args"][0].get("run_id") == rid)
        return any(m["name"] == "run.status" and m["args"][0]["state"] in ("completed", "failed", "cancelled") for m in got)

    if until_terminal:
        wait_for(terminal, timeout, what="terminal status")
    else:
        time.sleep(0.2)
        terminal()
    return got


def test_subscribe_replays_then_streams_live(app, mlp):
    socketio = app.extensions["socketio"]
    client = app.test_client()
    rid = _launch(client, mlp, steps=40, delay=0.01, images_at=20)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["step"] >= 5, what="progress")
    sio = socketio.test_client(app, namespace=NS, flask_test_client=client)
    assert sio.is_connected(NS)
    ack = sio.emit("subscribe", {"run_id": rid, "since_seq": 0}, namespace=NS, callback=True)
    assert ack["ok"] is True and ack["replayed"] >= 2
    msgs = _collect(sio, rid)
    seqs = [m["args"][0]["seq"] for m in msgs]
    assert sorted(seqs) == list(range(1, max(seqs) + 1)), "gap or duplicate"
    for m in msgs:
        validate_schema(m["args"][0], SCHEMAS[m["name"]])
    metrics = [m["args"][0] for m in sorted(msgs, key=lambda m: m["args"][0]["seq"]) if m["name"] == "run.metrics"]
    assert all("columns" in m and "points" not in m for m in metrics)  # the columnar wire form
    steps = [p["step"] for m in metrics for p in from_columns(m["columns"])]
    assert steps == list(range(1, 41))
    img = next(m["args"][0] for m in msgs if m["name"] == "run.images")
    assert all(isinstance(a, bytes) and a.startswith(b"\x89PNG") for a in img["attachments"])
    stored = client.get(f"/api/runs/{rid}/events").get_json()["events"]
    assert [e["seq"] for e in stored] == sorted(seqs)

    # a reconnecting client with since_seq gets exactly what it missed
    sio2 = socketio.test_client(app, namespace=NS, flask_test_client=client)
    k = sorted(seqs)[len(seqs) // 2]
    ack = sio2.emit("subscribe", {"run_id": rid, "since_seq": k}, namespace=NS, callback=True)
    assert ack["replayed"] == max(seqs) - k
    again = [m["args"][0]["seq"] for m in sio2.get_received(NS)]
    assert again == list(range(k + 1, max(seqs) + 1))
    sio.disconnect(NS)
    sio2.disconnect(NS)


def test_many_late_subscribers_never_see_gaps(app, mlp):
    socketio = app.extensions["socketio"]
    client = app.test_client()
    rid = _launch(client, mlp, steps=60, delay=0.005)
    clients = []
    for _ in range(6):
        s = socketio.test_client(app, namespace=NS, flask_test_client=client)
        s.emit("subscribe", {"run_id": rid, "since_seq": 0}, namespace=NS, callback=True)
        clients.append(s)
        time.sleep(0.04)
    for s in clients:
        seqs = sorted(m["args"][0]["seq"] for m in _collect(s, rid))
        assert seqs == list(range(1, seqs[-1] + 1))


def test_unsubscribe_and_bad_requests(app, mlp):
    socketio = app.extensions["socketio"]
    client = app.test_client()
    sio = socketio.test_client(app, namespace=NS, flask_test_client=client)
    assert sio.emit("subscribe", {"run_id": "nope"}, namespace=NS, callback=True)["ok"] is False
    assert sio.get_received(NS)[0]["name"] == "run.error"
    assert sio.emit("subscribe", {"run_id": "x", "since_seq": -1}, namespace=NS, callback=True)["ok"] is False
    sio.get_received(NS)
    rid = _launch(client, mlp, steps=200, delay=0.01)
    sio.emit("subscribe", {"run_id": rid, "since_seq": 0}, namespace=NS, callback=True)
    assert sio.emit("unsubscribe", {"run_id": rid}, namespace=NS, callback=True)["ok"]
    sio.get_received(NS)
    time.sleep(0.3)
    assert sio.get_received(NS) == []
    client.post(f"/api/runs/{rid}/cancel")


def test_metrics_are_batched(app, mlp):
    client = app.test_client()
    rid = _launch(client, mlp, steps=100, delay=0.002)
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] == "completed", what="completed")
    evs = client.get(f"/api/runs/{rid}/events").get_json()["events"]
    metrics = [e for e in evs if e["kind"] == "metrics"]
    points = sum(len(e["payload"]["points"]) for e in metrics)
    assert points == 100 and len(metrics) < 60
    span = metrics[-1]["created_at"] - metrics[0]["created_at"]
    assert len(metrics) <= 10 * span + 2  # <= ~10 emits/s
