"""Server CPU and memory each hostile request costs before it is refused (issue 13).

Starts the hostile-suite server (tests/backend/hostile: real ``akid`` app on 127.0.0.1,
token, lowered limits), warms it up, then sends every case of ``hostile_cases.py`` once and
prints, per request, the server's CPU seconds (user+sys from /proc) and RSS growth, with
the targets: < 2 s CPU and < 200 MB extra memory before a refusal. Not a test: figures
depend on the machine and its load; run ``python bench/hostile.py`` on a calm machine.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "backend"), str(ROOT / "tests" / "backend" / "hostile")]

from backend_testutil import MLP  # noqa: E402
from hostile_cases import cases  # noqa: E402
from hostile_server import HostileServer, fake_graph, wait_run  # noqa: E402

CPU_TARGET_S, MEM_TARGET = 2.0, 200 * 2**20


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        server = HostileServer(pathlib.Path(tmp))
        try:
            server.api("POST", "/api/graphs/validate", json=MLP)
            server.graph_id = server.api("POST", "/api/graphs", json={"graph": fake_graph(steps=3)}).json()["id"]
            server.run_id = server.api("POST", "/api/runs", json={"graph": fake_graph(steps=3), "config": {}}).json()["id"]
            wait_run(server, server.run_id)
            print(f"{'case':32} {'status':>6} {'cpu_s':>7} {'rss_MiB':>8} {'wall_s':>7}  meets_target")
            worst_cpu = worst_mem = 0.0
            for case in cases():
                cpu0, rss0, t0 = cpu_seconds(server.proc.pid), server.rss(), time.perf_counter()
                resp = case.request(server)
                wall = time.perf_counter() - t0
                cpu, mem = cpu_seconds(server.proc.pid) - cpu0, max(0, server.rss() - rss0)
                worst_cpu, worst_mem = max(worst_cpu, cpu), max(worst_mem, mem)
                ok = cpu < CPU_TARGET_S and mem < MEM_TARGET
                print(f"{case.name:32} {resp.status_code:>6} {cpu:7.2f} {mem / 2**20:8.1f} {wall:7.2f}  {ok}")
            print(
                f"worst: cpu {worst_cpu:.2f} s (target < {CPU_TARGET_S}), memory +{worst_mem / 2**20:.1f} MiB "
                f"(target < {MEM_TARGET / 2**20:.0f}); server RSS {server.rss() / 2**20:.0f} MiB"
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
