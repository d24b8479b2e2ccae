"""Live-stream latency and throughput: training metrics -> server -> Socket.IO WebSocket clients.

Why: the run page charts metrics as they happen; if the fan-out to many open
tabs were slow, charts would lag the run. Everything here is real: a real
server on a free 127.0.0.1 port, real python-socketio clients over the
WebSocket transport, real worker processes. Three measurements:

1. ``real``: a real run on ``digits`` under ``python -m akid serve``. Each metric
   point carries the trainer's ``wall`` (``time.time()`` at the end of its step);
   latency = client receive time - ``wall`` (same machine, same clock). This
   includes the two deliberate 100 ms batching stages (the trainer's
   ``ScalarObserver.flush_interval`` and the server's ``METRICS_BATCH_S``), so we
   report every point's latency and, separately, the newest point's latency per
   message (how stale a chart is when a message lands), when the first of the
   clients got each message and how much later the last one did (fan-out spread).
2. ``transport``: the same server code with a stand-in trainer (this module's
   ``fake_train``) that sends paced ``log`` events stamped with ``wall``; these
   skip batching, so this is the pure worker pipe -> pump -> store -> emit ->
   WebSocket -> client path.
3. ``throughput``: the stand-in trainer floods ``log`` events; events/s is what
   the clients received per second (each event is stored once, then emitted to
   every client), so fan-out deliveries/s = events/s x clients.

Clients run in processes of at most 10 (``Fleet``), like browser tabs that do
not share one interpreter; each phase also reports the CPU seconds of the server
process and of the clients, to tell a busy server from busy clients.

Target: p95 < 100 ms at 50 clients (of every point of the real run);
ratio = 100 ms / that p95.

    python bench/stream_latency.py [--quick] [--smoke]
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Callable

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import percentile, result  # noqa: E402

NS = "/runs"
TARGET_MS = 100.0
MLP = {
    "format": "akid.graph/v1", "name": "bench-mlp",
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [64], "feature": "image"}},
        {"id": "d1", "type": "Dense", "params": {"units": 32, "activation": "relu"}},
        {"id": "d2", "type": "Dense", "params": {"units": 10}},
        {"id": "y", "type": "Output", "params": {"target": "label"}},
    ],
    "edges": [{"id": "e1", "source": "x", "target": "d1"}, {"id": "e2", "source": "d1", "target": "d2"},
              {"id": "e3", "source": "d2", "target": "y"}],
}
# No binary events: the python-socketio client handles each engine.io message on its own thread, so a
# binary attachment can be decoded before its header (ValueError in the client). Metrics are what we time.
QUIET = {"histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class Studio:
    """A studio server subprocess on a free 127.0.0.1 port; ``stop()`` always ends it.

    ``fake=True`` starts the same app with this module's ``fake_train`` as the trainer.
    """

    def __init__(self, data_dir: pathlib.Path, fake: bool = False, timeout: float = 120.0) -> None:
        import requests

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])}
        cmd = ([python(), str(HERE / "stream_latency.py"), "--serve-fake", str(self.port), str(data_dir)] if fake else
               [python(), "-m", "akid", "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(data_dir)])
        self.log_path = data_dir / f"server-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_up(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_up(self, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if self.session.get(self.url + "/api/runs", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"server did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def api(self, method: str, path: str, body: Any = None) -> Any:
        r = self.session.request(method, self.url + path, json=body, timeout=60)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {r.status_code}: {r.text[:500]}")
        return r.json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        self.session.close()


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
        ack = self.sio.call("subscribe", {"run_id": run_id, "since_seq": 0}, namespace=NS, timeout=30)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"subscribe failed: {ack}")
        self.replayed = int(ack.get("replayed") or 0)

    def live(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        """Events of ``kind`` delivered live: replays are the ``replayed`` lowest seqs (the hub's lock)."""
        ordered = sorted(self.got[:], key=lambda e: e[2].get("seq") or 0)
        return [(t, m) for t, k, m in ordered[self.replayed:] if k == kind]

    def records(self) -> dict[str, list]:
        """What the parent needs, compact: metrics as (t, [(wall, split)]), logs as (t, wall)."""
        return {"metrics": [(t, [(p["wall"], p.get("split")) for p in m.get("points") or [] if p.get("wall")])
                            for t, m in self.live("metrics")],
                "log": [(t, m["wall"]) for t, m in self.live("log") if "wall" in m]}

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - closing a dead socket is not a benchmark failure
            pass


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
    return {"n": len(ms), "p50_ms": _r(percentile(ms, 50)), "p95_ms": _r(percentile(ms, 95)),
            "max_ms": _r(max(ms)) if ms else None}


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
    """Process entry: ``n`` clients. Protocol on ``conn``: ready; subscribe rid -> subscribed; collect -> records."""
    clients: list[Client] = []
    try:
        clients = _connect(url, n)
        conn.send(("ready", None))
        rid = conn.recv()
        for c in clients:
            c.subscribe(rid)
        conn.send(("subscribed", None))
        c0 = time.process_time()
        conn.recv()
        conn.send(("records", {"clients": [c.records() for c in clients], "cpu_s": time.process_time() - c0}))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
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
        for proc, conn in self.members:
            if not conn.poll(timeout):
                raise TimeoutError(f"a client process did not answer {what!r} within {timeout:.0f} s")
            tag, value = conn.recv()
            if tag != what:
                raise RuntimeError(f"client process: {value}")
            out.append(value)
        return out

    def subscribe(self, run_id: str) -> None:
        for _, conn in self.members:
            conn.send(run_id)
        self._expect("subscribed", 120)

    def collect(self) -> tuple[list[dict[str, list]], float]:
        """Every client's records and the CPU seconds all client processes spent while subscribed."""
        for _, conn in self.members:
            conn.send("collect")
        parts = self._expect("records", 120)
        return [c for p in parts for c in p["clients"]], round(sum(p["cpu_s"] for p in parts), 2)

    def close(self) -> None:
        for proc, conn in self.members:
            proc.join(20)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
            conn.close()


def _run_and_watch(studio: Studio, n_clients: int, graph: dict, config: dict,
                   timeout: float = 300.0) -> tuple[list[dict[str, list]], dict[str, float]]:
    """Clients subscribe to a new run; wait for it to end by itself (bounded); their records and CPU use."""
    fleet = Fleet(studio.url, n_clients)
    try:
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
    finally:
        fleet.close()


def measure_real(studio: Studio, n_clients: int, epochs: int) -> dict[str, Any]:
    """Latency of every metric point of a real digits run: client receive time - the trainer's ``wall``."""
    config = {"data": {"source": "digits"}, "epochs": epochs, "batch_size": 32, "checkpoint_every": 0, "observers": QUIET}
    records, used = _run_and_watch(studio, n_clients, MLP, config)
    every, mid, newest = [], [], []
    by_message: dict[float, list[float]] = {}  # a message's newest wall -> its newest-point latency at each client
    for rec in records:
        for t, pts in rec["metrics"]:
            lat = [(t - wall) * 1000 for wall, _ in pts]
            every.extend(lat)
            if not any(split == "val" for _, split in pts):  # not held through an epoch-end validation
                mid.extend(lat)
            if lat:
                newest.append(min(lat))
                by_message.setdefault(max(w for w, _ in pts), []).append(min(lat))
    first = [min(v) for v in by_message.values()]
    spread = [max(v) - min(v) for v in by_message.values()]
    return {"clients": n_clients, "client_processes": -(-n_clients // Fleet.PER_PROCESS), "epochs": epochs,
            "messages_per_client": min(len(r["metrics"]) for r in records), "every_point": _stats(every),
            "mid_epoch_points": _stats(mid), "newest_point": _stats(newest),
            "first_client_newest_point": _stats(first), "first_to_last_client": _stats(spread), **used}


def measure_fake(studio: Studio, n_clients: int, seconds: float, rate: float) -> dict[str, Any]:
    """Stand-in trainer: ``log`` events at ``rate``/s (0 = as fast as possible); latency and delivered events/s."""
    records, used = _run_and_watch(studio, n_clients, MLP, {"rate": rate, "seconds": seconds})
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


def fake_train(graph: dict, config: dict, *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    """Stand-in trainer (runs in the server's worker process): ``log`` events stamped with ``wall``."""
    rate, seconds = float(config.get("rate", 0)), float(config.get("seconds", 10))
    sink("status", {"state": "running", "step": 0, "epoch": 0, "total_steps": None, "progress": 0.0}, [])
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end and not stop.is_set():
        i += 1
        sink("log", {"level": "info", "message": f"bench {i}", "wall": time.time()}, [])
        if rate > 0:
            time.sleep(1.0 / rate)
    return {"events": i}


def _serve_fake(port: int, data_dir: str) -> None:
    """Entry point of ``--serve-fake``: the studio app with ``fake_train`` as its trainer."""
    from backend.app import create_app, shutdown

    app = create_app({"HOST": "127.0.0.1", "PORT": port, "DATA_DIR": data_dir, "TRAIN_TARGET": "stream_latency:fake_train",
                      "CONVERT_CONFIG": False, "VALIDATE_RUNS": False, "WARM_WORKERS": False})

    def _stop(signum, frame) -> None:  # noqa: ANN001 - like `akid serve`: stop workers, then exit
        shutdown(app)
        os._exit(0)

    signal.signal(signal.SIGTERM, _stop)
    try:
        app.extensions["socketio"].run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True,
                                       use_reloader=False, log_output=False)
    finally:
        shutdown(app)


def run(quick: bool = False, smoke: bool = False) -> dict[str, Any]:
    """1 and many (50; 5 for --smoke) clients: real-run latency, transport latency, events/s."""
    many = 5 if smoke else 50
    secs = 2.0 if smoke else (4.0 if quick else 15.0)
    epochs = 2 if smoke else (4 if quick else 15)
    out: dict[str, Any] = {"machine": f"{os.cpu_count()} cores, server + workers + all clients on one host"}
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="akid-bench-stream-") as tmp:
        studio = Studio(pathlib.Path(tmp) / "real")
        try:
            _phase("real server up", t0)
            studio.api("POST", "/api/graphs/validate", MLP)  # the server's first graph check imports TensorFlow
            _phase("server warm", t0)
            out["real"] = []
            for n in ((many,) if smoke else (1, many)):  # --smoke: one run (TensorFlow runs are the slow part)
                out["real"].append(measure_real(studio, n, epochs))
                _phase(f"real run, {n} clients", t0)
        finally:
            studio.stop()
        studio = Studio(pathlib.Path(tmp) / "fake", fake=True)
        try:
            _phase("fake server up", t0)
            out["transport"] = [measure_fake(studio, n, secs, rate=50) for n in (1, many)]
            _phase("transport", t0)
            # a flood queues up faster than 50 Python clients drain it: a shorter flood keeps the phase bounded
            out["throughput"] = [measure_fake(studio, n, secs / 2, rate=0) for n in (1, many)]
            _phase("throughput", t0)
        finally:
            studio.stop()
    p95 = out["real"][-1]["every_point"]["p95_ms"]
    ratio = TARGET_MS / p95 if p95 else None
    return result("stream_latency", ratio, f"p95 < {TARGET_MS:.0f} ms at {many} clients (every metric point)",
                  None if ratio is None else ratio >= 1.0, clients=many, seconds_per_phase=secs, real_run_epochs=epochs,
                  p95_ms_many_clients=p95, mid_epoch_p95_ms_many_clients=out["real"][-1]["mid_epoch_points"]["p95_ms"],
                  newest_point_p95_ms_many_clients=out["real"][-1]["newest_point"]["p95_ms"],
                  transport_p95_ms_many_clients=out["transport"][-1]["latency"]["p95_ms"],
                  events_per_s_many_clients=out["throughput"][-1].get("events_per_s"), **out)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-fake":
        _serve_fake(int(sys.argv[2]), sys.argv[3])
    else:
        print(json.dumps(run(quick="--quick" in sys.argv, smoke="--smoke" in sys.argv), indent=2))
