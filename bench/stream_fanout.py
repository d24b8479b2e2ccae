"""The server's fan-out alone, old path against new, alternating in one process: how long a
metrics message takes from ``hub.publish`` to each of N WebSocket clients.

Why: ``stream_latency`` times the whole chain (trainer, pipe, pump, fan-out, 50 Python
Socket.IO clients in 5 processes), which on a busy 2-core machine is mostly other processes'
noise. Here the studio app runs in this process (no trainer), a thread publishes one metrics
batch every ``interval`` s through the hub (store write included, as in the pump), and the
clients are bare WebSocket connections read by one ``select`` loop per client process, so
their own cost is small. Blocks of messages alternate between the stock Socket.IO room emit
(one queue put and one writer-thread wake per client) and the direct writes of
``backend/wsdirect.py`` (frame built once, written from the publishing thread), so both see
the same machine load; the ratio of their p95 is the figure.

    python bench/stream_fanout.py [--quick] [--clients N]
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import pathlib
import selectors
import sys
import tempfile
import threading
import time
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import percentile, result  # noqa: E402
from studio import free_port  # noqa: E402

PER_PROCESS = 10
PREFIX = '42/runs,["run.metrics",'


def _clients(port: int, run_id: str, n: int, conn: Any) -> None:
    """Process entry: ``n`` raw WebSocket clients subscribed to ``run_id``; sends back
    ``[(seq, receive time - newest wall)]`` per client when told to stop."""
    import websocket

    socks, got = [], []
    try:
        for _ in range(n):
            ws = websocket.WebSocket()
            ws.connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=20)
            ws.recv()  # Engine.IO open
            ws.send("40/runs,{}")
            ws.send("42/runs,1" + json.dumps(["subscribe", {"run_id": run_id, "since_seq": 0}]))
            socks.append(ws)
            got.append([])
        conn.send("ready")
        sel = selectors.DefaultSelector()
        for i, ws in enumerate(socks):
            sel.register(ws.sock, selectors.EVENT_READ, i)
        while not conn.poll(0):
            for key, _ in sel.select(0.05):
                ws = socks[key.data]
                text = ws.recv()
                now = time.time()
                if text == "2":
                    ws.send("3")  # Engine.IO ping
                elif isinstance(text, str) and text.startswith(PREFIX):
                    msg = json.loads(text[len(PREFIX) : -1])
                    got[key.data].append((msg["seq"], now - max(msg["columns"]["wall"])))
        conn.recv()
        conn.send(got)
    finally:
        for ws in socks:
            try:
                ws.close()
            except Exception:
                pass


def _points(step: int, wall: float) -> list[dict[str, Any]]:
    return [
        {"step": step + i, "epoch": 1, "split": "train", "name": name, "value": 0.5, "wall": wall}
        for i in range(4)
        for name in ("loss", "accuracy")
    ]


def run(quick: bool = False, clients: int = 50) -> dict[str, Any]:
    from backend.app import create_app, shutdown

    blocks, per_block, interval = (6, 20, 0.04) if quick else (10, 40, 0.04)
    with tempfile.TemporaryDirectory(prefix="akid-fanout-") as tmp:
        app = create_app({"DATA_DIR": tmp, "START_RUN_MANAGER": False, "WARM_WORKERS": False})
        svc = app.extensions["akid"]
        port = free_port()
        threading.Thread(
            target=lambda: svc.socketio.run(
                app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False
            ),
            daemon=True,
        ).start()
        time.sleep(0.5)
        rid = svc.store.create_run("fanout", {"nodes": [], "edges": []}, {})["id"]
        ctx = mp.get_context("spawn")
        procs = []
        for k in range(0, clients, PER_PROCESS):
            mine, theirs = ctx.Pipe()
            p = ctx.Process(target=_clients, args=(port, rid, min(PER_PROCESS, clients - k), theirs), daemon=True)
            p.start()
            procs.append((p, mine))
        for _, c in procs:
            if not c.poll(60) or c.recv() != "ready":
                raise RuntimeError("a client process did not connect")
        time.sleep(0.5)  # every subscription joined
        hub, mode_of = svc.hub, {}
        cpu = {"direct": 0.0, "stock": 0.0}  # this process's CPU seconds (every server thread) per mode
        step = 0
        for b in range(blocks):
            direct = b % 2 == 0
            hub.emitter.enabled = direct
            c0 = time.process_time()
            for _ in range(per_block):
                seq = hub.publish(rid, "metrics", {"points": _points(step, time.time())})
                mode_of[seq] = "direct" if direct else "stock"
                step += 4
                time.sleep(interval)
            cpu["direct" if direct else "stock"] += time.process_time() - c0
        time.sleep(0.5)
        lat: dict[str, list[float]] = {"direct": [], "stock": []}
        last: dict[str, list[float]] = {"direct": [], "stock": []}  # per message: the last client's latency
        per_seq: dict[int, list[float]] = {}
        for _, c in procs:
            c.send("stop")
        for p, c in procs:
            for rec in c.recv() if c.poll(60) else []:
                for seq, dt in rec:
                    if seq in mode_of:
                        lat[mode_of[seq]].append(dt * 1000)
                        per_seq.setdefault(seq, []).append(dt * 1000)
            p.join(10)
        for seq, v in per_seq.items():
            last[mode_of[seq]].append(max(v))
        shutdown(app)

    def stats(ms: list[float]) -> dict[str, Any]:
        return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2)}

    out = {
        "clients": clients,
        "messages_per_mode": blocks // 2 * per_block,
        "machine": f"{os.cpu_count()} cores, server + clients on one host",
        **{
            mode: {
                "every_delivery": stats(lat[mode]),
                "last_client": stats(last[mode]),
                "server_cpu_ms_per_message": round(cpu[mode] * 1000 / (blocks // 2 * per_block), 3),
            }
            for mode in ("stock", "direct")
        },
    }
    d95, s95 = out["direct"]["every_delivery"]["p95_ms"], out["stock"]["every_delivery"]["p95_ms"]
    ratio = round(s95 / d95, 2) if d95 else None
    return result(
        "stream_fanout",
        ratio,
        "stock room emit p95 / direct frame writes p95 (publish -> client, alternating); > 1 means faster",
        None if ratio is None else ratio > 1.0,
        **out,
    )


if __name__ == "__main__":
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    n = int(sys.argv[sys.argv.index("--clients") + 1]) if "--clients" in sys.argv else 50
    print(json.dumps(run(quick="--quick" in sys.argv, clients=n), indent=2))
