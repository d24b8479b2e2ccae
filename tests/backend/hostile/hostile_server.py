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
import sys

import requests
from backend_testutil import MLP, wait_for
from server_process import ServerProcess, free_port

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


def rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes (Linux /proc)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class HostileServer(ServerProcess):
    def __init__(self, tmp: pathlib.Path) -> None:
        port = free_port()
        self.data_dir = tmp / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AKID_")}
        env.update(
            ENV, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "backend"), str(HERE)])
        )
        super().__init__(
            [sys.executable, str(HERE / "serve_hostile.py"), str(port), str(self.data_dir)],
            port=port,
            log_path=tmp / "server.log",
            cwd=ROOT,
            env=env,
            timeout=90,
        )
        self.baseline = 0

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


def fake_graph(**knobs) -> dict:
    g = copy.deepcopy(MLP)
    g["description"] = json.dumps(knobs)
    return g


def wait_run(server: HostileServer, run_id: str, timeout: float = 60) -> dict:
    def done():
        run = server.api("GET", f"/api/runs/{run_id}").json()
        return run if run["status"] in ("completed", "failed", "cancelled", "interrupted") else None

    return wait_for(done, timeout, 0.1, f"run {run_id} to end")
