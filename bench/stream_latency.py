"""Live-stream latency and throughput: training metrics -> server -> Socket.IO WebSocket clients.

Why: the run page charts metrics as they happen; if the fan-out to many open
tabs were slow, charts would lag the run. Everything here is real: a real
server on a free 127.0.0.1 port, real python-socketio clients over the
WebSocket transport, real worker processes. Three measurements:

1. ``real``: a real run on ``digits`` under ``python -m akid serve`` (the shared
   server of :mod:`studio`). Each metric point carries the trainer's ``wall`` (the
   wall-clock end of its own step, interpolated within the multi-step call that
   ran it); latency = client receive time - ``wall`` (same machine, same clock).
   This includes the wait for the end of the step's call (~25 ms of training),
   the trainer's and the server's coalescing, so we report every point's latency
   and, separately, the newest point's latency per message (how stale a chart is
   when a message lands), when the first of the clients got each message and how
   much later the last one did (fan-out spread). With ``AKID_STREAM_TRACE=1`` (set
   here) the server stamps each live metrics message with when it got its oldest
   point and when it sent it, so ``stages_per_message`` splits it into trainer +
   pipe, server hold (coalescing, store, lock) and emit -> client (fan-out + socket).
2. ``transport``: the same server with the stand-in trainer
   (``bench_trainer.fake_train``) that sends paced ``log`` events stamped with ``wall``; these
   skip batching, so this is the pure worker pipe -> pump -> store -> emit ->
   WebSocket -> client path.
3. ``trainer_hop``: the same real run in this process with a recording sink: the
   trainer's share of the latency (wait for the end of the step's call + the
   scalar sender's hand-off), to split ``real`` into trainer and server/socket.
4. ``throughput``: the stand-in trainer floods ``log`` events; events/s is what
   the clients received per second (each event is stored once, then emitted to
   every client), so fan-out deliveries/s = events/s x clients.

Clients run in processes of at most 10 (``Fleet``), like browser tabs that do
not share one interpreter; each phase also reports the CPU seconds of the server
process and of the clients, to tell a busy server from busy clients.

Target: p95 of every point of the real run < 100 ms at 50 clients and < 50 ms
at 1 client; ratio = the smaller of 100 ms / p95 at 50 and 50 ms / p95 at 1.

    python bench/stream_latency.py [--quick] [--smoke]
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from bench_trainer import fake_train  # noqa: E402,F401 - re-exported: it used to live here
from common import percentile, result  # noqa: E402
from studio import Shared, Studio, free_port, python  # noqa: E402,F401 - Studio & co. used to live here

# the server stamps live metrics messages with when it got and sent them (backend/runs/hub.py):
# set before the shared server starts, so the latency splits into trainer + pipe, server hold, socket
os.environ.setdefault("AKID_STREAM_TRACE", "1")
NS = "/runs"
TARGET_MS = 100.0
TARGET_ONE_MS = 50.0
MLP = {
    "format": "akid.graph/v1",
    "name": "bench-mlp",
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [64], "feature": "image"}},
        {"id": "d1", "type": "Dense", "params": {"units": 32, "activation": "relu"}},
        {"id": "d2", "type": "Dense", "params": {"units": 10}},
        {"id": "y", "type": "Output", "params": {"target": "label"}},
    ],
    "edges": [
        {"id": "e1", "source": "x", "target": "d1"},
        {"id": "e2", "source": "d1", "target": "d2"},
        {"id": "e3", "source": "d2", "target": "y"},
    ],
}
# No binary events: the python-socketio client handles each engine.io message on its own thread, so a
# binary attachment can be decoded before its header (ValueError in the client). Metrics are what we time.
QUIET = {"histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}


class Client:
    """One python-socketio client on the WebSocket transport; records (receive time, message)."""

    def __init__(self, url: str) -> None:
        import socketio

        self.got: list[tuple[float, str, dict[str, Any]]] = []
        self.replayed = 0
        self.sio = socketio.Client(reconnection=False)
        for kind in ("metrics", "log", "status"):
            self.sio.on(f"run.{kind}", self._handler(kind), namespace=NS)
        self.sio.connect(url, namespaces=[NS], transports=["websocket"], wait_timeout=20)

    def _handler(self, kind: str) -> Callable[[dict[str, Any]], None]:
        def on(msg: dict[str, Any]) -> None:
            self.got.append((time.time(), kind, msg))  # list.append is atomic: handlers run on threads

        return on

    def subscribe(self, run_id: str) -> None:
        """Subscribe to ``run_id``; what was recorded before (an earlier run) is forgotten."""
        self.got = []
        ack = self.sio.call("subscribe", {"run_id": run_id, "since_seq": 0}, namespace=NS, timeout=30)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"subscribe failed: {ack}")
        self.replayed = int(ack.get("replayed") or 0)

    def live(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        """Events of ``kind`` delivered live: replays are the ``replayed`` lowest seqs (the hub's lock)."""
        ordered = sorted(self.got[:], key=lambda e: e[2].get("seq") or 0)
        return [(t, m) for t, k, m in ordered[self.replayed :] if k == kind]

    def records(self) -> dict[str, list]:
        """What the parent needs, compact: metrics as (t, [(wall, split)], trace), logs as (t, wall)."""
        return {
            "metrics": [(t, _walls(m), m.get("trace")) for t, m in self.live("metrics")],
            "log": [(t, m["wall"]) for t, m in self.live("log") if "wall" in m],
        }

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:
            pass


def _walls(msg: dict[str, Any]) -> list[tuple[float, str | None]]:
    """(wall, split) of every point of a ``run.metrics`` message: columnar (docs/protocol.md) or per-point."""
    out = [(p["wall"], p.get("split")) for p in msg.get("points") or [] if isinstance(p, dict) and p.get("wall")]
    cols = msg.get("columns") or {}
    walls = cols.get("wall") or []
    for key, values in (cols.get("series") or {}).items():
        split = key.partition("/")[0]
        out.extend((walls[i], split) for i, v in enumerate(values) if v is not None and i < len(walls) and walls[i])
    return out


def _connect(url: str, n: int) -> list[Client]:
    clients: list[Client] = []
    try:
        for _ in range(n):
            clients.append(Client(url))
    except BaseException:
        _close(clients)
        raise
    return clients


def _close(clients: list[Client]) -> None:
    """Disconnect in parallel: one disconnect waits ~seconds for its socket's read loop to end."""
    threads = [threading.Thread(target=c.close, daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)


def _wait(pred: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _phase(what: str, t0: float) -> None:
    print(f"[stream_latency] {time.monotonic() - t0:6.1f}s {what}", file=sys.stderr, flush=True)


def _stats(ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(ms),
        "p50_ms": _r(percentile(ms, 50)),
        "p95_ms": _r(percentile(ms, 95)),
        "max_ms": _r(max(ms)) if ms else None,
    }


def _r(x: float) -> float | None:
    return None if x != x else round(x, 2)


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc; 0 elsewhere): who is busy, server or clients."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class CpuMeter:
    """Wall time and CPU seconds of the server process (not its workers) over a phase."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid
        self.t0, self.s0 = time.monotonic(), proc_cpu_s(server_pid)

    def read(self) -> dict[str, float]:
        return {"wall_s": round(time.monotonic() - self.t0, 2), "server_cpu_s": round(proc_cpu_s(self.pid) - self.s0, 2)}


def _client_group(url: str, n: int, conn: Any) -> None:
    """Process entry: ``n`` clients, for several runs in turn. Protocol on ``conn``: ready; then per run
    ``("subscribe", rid)`` -> subscribed and ``("collect", None)`` -> records; ``("close", None)`` ends."""
    clients: list[Client] = []
    try:
        clients = _connect(url, n)
        conn.send(("ready", None))
        c0 = time.process_time()
        while True:
            what, rid = conn.recv()
            if what == "close":
                break
            if what == "subscribe":
                for c in clients:
                    c.subscribe(rid)
                c0 = time.process_time()
                conn.send(("subscribed", None))
            else:
                conn.send(("records", {"clients": [c.records() for c in clients], "cpu_s": time.process_time() - c0}))
    except BaseException as exc:
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
    finally:
        _close(clients)


class Fleet:
    """Clients spread over processes of at most 10: like browser tabs, they do not share one GIL.

    In one process, 50 python-socketio clients decode every ~33 kB metrics batch one after the
    other under the GIL (the last client got a batch ~0.5 s after the first), which measured
    the benchmark's clients rather than the server.
    """

    PER_PROCESS = 10

    def __init__(self, url: str, n: int) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        sizes = [min(self.PER_PROCESS, n - i) for i in range(0, n, self.PER_PROCESS)]
        self.members: list[tuple[Any, Any]] = []
        try:
            for k in sizes:
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_client_group, args=(url, k, theirs), daemon=True, name="bench-clients")
                proc.start()
                theirs.close()
                self.members.append((proc, mine))
            self._expect("ready", 120)
        except BaseException:
            self.close()
            raise

    def _expect(self, what: str, timeout: float) -> list[Any]:
        out = []
        for _proc, conn in self.members:
            if not conn.poll(timeout):
                raise TimeoutError(f"a client process did not answer {what!r} within {timeout:.0f} s")
            tag, value = conn.recv()
            if tag != what:
                raise RuntimeError(f"client process: {value}")
            out.append(value)
        return out

    def subscribe(self, run_id: str) -> None:
        for _, conn in self.members:
            conn.send(("subscribe", run_id))
        self._expect("subscribed", 120)

    def collect(self) -> tuple[list[dict[str, list]], float]:
        """Every client's records and the CPU seconds all client processes spent while subscribed."""
        for _, conn in self.members:
            conn.send(("collect", None))
        parts = self._expect("records", 120)
        return [c for p in parts for c in p["clients"]], round(sum(p["cpu_s"] for p in parts), 2)

    def close(self) -> None:
        for _, conn in self.members:
            try:
                conn.send(("close", None))
            except OSError:
                pass
        for proc, conn in self.members:
            proc.join(20)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
            conn.close()


def _run_and_watch(
    studio: Studio, fleet: Fleet, graph: dict, config: dict, timeout: float = 300.0
) -> tuple[list[dict[str, list]], dict[str, float]]:
    """The fleet's clients subscribe to a new run; wait for it to end by itself (bounded); their records and CPU use."""
    cpu = CpuMeter(studio.proc.pid)
    rid = studio.api("POST", "/api/runs", {"graph": graph, "config": config})["id"]
    fleet.subscribe(rid)
    _wait(lambda: studio.api("GET", f"/api/runs/{rid}")["status"] not in ("queued", "running"), timeout, "the run to end")
    status = studio.api("GET", f"/api/runs/{rid}")
    if status["status"] != "completed":
        raise RuntimeError(f"bench run {status['status']}: {status.get('reason')}")
    time.sleep(0.5)  # the last emits drain
    used = cpu.read()
    records, used["clients_cpu_s"] = fleet.collect()
    return records, used


def measure_real(studio: Studio, fleet: Fleet, n_clients: int, epochs: int) -> dict[str, Any]:
    """Latency of every metric point of a real digits run: client receive time - the trainer's ``wall``."""
    config = {"data": {"source": "digits"}, "epochs": epochs, "batch_size": 32, "checkpoint_every": 0, "observers": QUIET}
    records, used = _run_and_watch(studio, fleet, MLP, config)
    every, mid, newest = [], [], []
    by_message: dict[float, list[float]] = {}  # a message's newest wall -> its newest-point latency at each client
    to_server, hold, socket_ms = [], [], []  # per message: oldest point's wall -> server got it -> sent -> client
    for rec in records:
        for t, pts, trace in rec["metrics"]:
            if trace and pts:
                to_server.append((trace["recv"] - min(w for w, _ in pts)) * 1000)
                hold.append((trace["emit"] - trace["recv"]) * 1000)
                socket_ms.append((t - trace["emit"]) * 1000)
            lat = [(t - wall) * 1000 for wall, _ in pts]
            every.extend(lat)
            if not any(split == "val" for _, split in pts):  # not held through an epoch-end validation
                mid.extend(lat)
            if lat:
                newest.append(min(lat))
                by_message.setdefault(max(w for w, _ in pts), []).append(min(lat))
    first = [min(v) for v in by_message.values()]
    spread = [max(v) - min(v) for v in by_message.values()]
    return {
        "clients": n_clients,
        "client_processes": -(-n_clients // Fleet.PER_PROCESS),
        "epochs": epochs,
        "messages_per_client": min(len(r["metrics"]) for r in records),
        "every_point": _stats(every),
        "mid_epoch_points": _stats(mid),
        "newest_point": _stats(newest),
        "first_client_newest_point": _stats(first),
        "first_to_last_client": _stats(spread),
        "stages_per_message": {
            "trainer_to_server_oldest_point": _stats(to_server),
            "server_hold": _stats(hold),
            "emit_to_client": _stats(socket_ms),
        },
        **used,
    }


def measure_trainer_hop(epochs: int) -> dict[str, Any]:
    """The trainer's share alone: the same run in this process, latency = sink call time - ``wall``.

    This is the wait for the end of the step's multi-step call plus the scalar
    sender's hand-off; everything above it in ``real`` is the server and the sockets.
    """
    from akid.train import api

    lat: list[float] = []
    events = 0

    def sink(kind: str, payload: dict, attachments: list) -> None:
        nonlocal events
        if kind == "metrics":
            now = time.time()
            events += 1
            lat.extend((now - p["wall"]) * 1000 for p in payload["points"])

    config = {"data": {"source": "digits"}, "epochs": epochs, "batch_size": 32, "checkpoint_every": 0, "observers": QUIET}
    with tempfile.TemporaryDirectory(prefix="akid-bench-hop-") as logdir:
        api.train(MLP, config, logdir=logdir, sink=sink)
    return {"epochs": epochs, "events": events, "every_point": _stats(lat)}


def measure_fake(studio: Studio, fleet: Fleet, n_clients: int, seconds: float, rate: float) -> dict[str, Any]:
    """Stand-in trainer: ``log`` events at ``rate``/s (0 = as fast as possible); latency and delivered events/s."""
    records, used = _run_and_watch(studio, fleet, MLP, {"rate": rate, "seconds": seconds})
    lat, rates = [], []
    for rec in records:
        lat.extend((t - wall) * 1000 for t, wall in rec["log"])
        ts = sorted(t for t, _ in rec["log"])
        if len(ts) > 10:
            rates.append((len(ts) - 1) / (ts[-1] - ts[0]))
    out: dict[str, Any] = {"clients": n_clients, "offered_per_s": rate or "max", "latency": _stats(lat), **used}
    if rates:
        per_client = min(rates)
        out.update(events_per_s=round(per_client, 1), deliveries_per_s=round(per_client * n_clients, 1))
    return out


def run(quick: bool = False, smoke: bool = False, shared: Shared | None = None) -> dict[str, Any]:
    """1 and many (50; 5 for --smoke) clients: real-run latency, transport latency, events/s.

    One server (``shared``'s, else our own) serves every phase; each client count gets
    one fleet of client processes that stays connected through its three phases.
    """
    many = 5 if smoke else 50
    secs = 2.0 if smoke else (3.0 if quick else 15.0)
    epochs = 2 if smoke else (3 if quick else 15)
    out: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, server + workers + all clients on one host",
        "real": [],
        "transport": [],
        "throughput": [],
    }
    t0 = time.monotonic()
    own = shared is None
    shared = shared or Shared()
    try:
        studio = shared.studio()
        _phase("server up", t0)
        studio.api("POST", "/api/graphs/validate", MLP)  # the server's first graph check imports TensorFlow
        for n in (many,) if smoke else (1, many):  # --smoke: one client count (TensorFlow runs are the slow part)
            fleet = Fleet(studio.url, n)
            try:
                out["real"].append(measure_real(studio, fleet, n, epochs))
                _phase(f"real run, {n} clients", t0)
                if quick and n == 1 and not smoke:
                    continue  # --quick: the 1-client transport and throughput are not part of any target
                out["transport"].append(measure_fake(studio, fleet, n, secs, rate=50))
                _phase(f"transport, {n} clients", t0)
                # last for this fleet: a flood queues up faster than 50 Python clients drain it; shorter keeps it bounded
                out["throughput"].append(measure_fake(studio, fleet, n, secs / 2, rate=0))
                _phase(f"throughput, {n} clients", t0)
            finally:
                fleet.close()
    finally:
        if own:
            shared.close()
    out["trainer_hop"] = measure_trainer_hop(epochs)
    p95 = out["real"][-1]["every_point"]["p95_ms"]
    p95_one = out["real"][0]["every_point"]["p95_ms"] if out["real"][0]["clients"] == 1 else None
    ratios = [TARGET_MS / p95] if p95 else []
    if p95_one:
        ratios.append(TARGET_ONE_MS / p95_one)
    ratio = min(ratios) if ratios else None
    target = f"every-point p95 < {TARGET_MS:.0f} ms at {many} clients" + (
        f" and < {TARGET_ONE_MS:.0f} ms at 1" if p95_one else ""
    )
    return result(
        "stream_latency",
        ratio,
        target,
        None if ratio is None else ratio >= 1.0,
        clients=many,
        p95_ms_one_client=p95_one,
        trainer_hop_p95_ms=out["trainer_hop"]["every_point"]["p95_ms"],
        seconds_per_phase=secs,
        real_run_epochs=epochs,
        p95_ms_many_clients=p95,
        mid_epoch_p95_ms_many_clients=out["real"][-1]["mid_epoch_points"]["p95_ms"],
        newest_point_p95_ms_many_clients=out["real"][-1]["newest_point"]["p95_ms"],
        transport_p95_ms_many_clients=out["transport"][-1]["latency"]["p95_ms"],
        events_per_s_many_clients=out["throughput"][-1].get("events_per_s"),
        **out,
    )


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv, smoke="--smoke" in sys.argv), indent=2))
