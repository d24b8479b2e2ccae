"""A real studio server on 127.0.0.1 for the hostile-input suite and bench/hostile.py.

It runs with a token and lowered limits set through ``AKID_*`` variables (so the settings
path is exercised as users configure it), converts and validates run configs as in
production, and trains with :mod:`hostile_trainer` (no TensorFlow in the workers).
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import socket
import subprocess
import sys

import requests
from backend_testutil import MLP, wait_for

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TOKEN = "hostile-suite-token-0123456789"
#: limits lowered so refusals are cheap to provoke (values the suite asserts against)
ENV = {
    "AKID_TOKEN": TOKEN,
    "AKID_MAX_REQUEST_BYTES": str(8 * 1024 * 1024),
    "AKID_MAX_JSON_BYTES": str(4 * 1024 * 1024),
    "AKID_MAX_QUEUED_RUNS": "2",
    "AKID_CLIENT_QUEUE_MAX": "64",
    "AKID_MAX_CONCURRENT_RUNS": "1",
}
#: extra server memory any one request may cost before being refused (issue 13: ~200 MB); the
#: server's own growth from importing TensorFlow happens in the warm-up, before the baseline
RSS_SLACK = 250 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes (Linux /proc)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class HostileServer:
    def __init__(self, tmp: pathlib.Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tmp / "data"
        self.log_path = tmp / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AKID_")}
        env.update(
            ENV, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "backend"), str(HERE)])
        )
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "serve_hostile.py"), str(self.port), str(self.data_dir)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, 90, 0.1, "hostile server to answer")
        self.baseline = 0

    def _up(self) -> bool:
        assert self.proc.poll() is None, "server exited: " + self.log_path.read_text()[-2000:]
        try:
            return requests.get(self.url + "/api/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}", **extra}

    def api(self, method: str, path: str, auth: bool = True, **kw):
        headers = {**(self.headers() if auth else {}), **kw.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=120, **kw)

    def rss(self) -> int:
        return rss(self.proc.pid)

    def snapshot(self) -> dict:
        """What is stored: graphs with versions, run ids, data sets (compared around refusals)."""
        graphs = self.api("GET", "/api/graphs").json()["graphs"]
        runs = self.api("GET", "/api/runs").json()["runs"]
        datasets = self.api("GET", "/api/datasets").json()["datasets"]
        composites = self.api("GET", "/api/composites").json()["composites"]
        return {
            "graphs": sorted((g["id"], g.get("latest_version") or g.get("version")) for g in graphs),
            "runs": sorted(r["id"] for r in runs),
            "datasets": sorted(str(d.get("name")) for d in datasets),
            "composites": sorted(str(c.get("name")) for c in composites),
            "files": sorted(str(p.relative_to(self.data_dir)) for p in (self.data_dir / "datasets").rglob("*"))
            if (self.data_dir / "datasets").exists()
            else [],
        }

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fake_graph(**knobs) -> dict:
    g = copy.deepcopy(MLP)
    g["description"] = json.dumps(knobs)
    return g


def wait_run(server: HostileServer, run_id: str, timeout: float = 60) -> dict:
    def done():
        run = server.api("GET", f"/api/runs/{run_id}").json()
        return run if run["status"] in ("completed", "failed", "cancelled", "interrupted") else None

    return wait_for(done, timeout, 0.1, f"run {run_id} to end")
