"""`python bench/run.py --quick --smoke` runs every benchmark end to end and reports each one.

Why: benchmarks rot silently (an API changes, a server flag moves) and are only
noticed when someone needs the numbers. This test checks that each benchmark of
``bench.run.BENCHMARKS`` runs and reports a ratio and a ``meets_target`` key; it
does not check the values (a shared 2-core machine cannot promise them).
``compute_efficiency`` has no target: its ``meets_target`` is documented as null.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from run import BENCHMARKS  # noqa: E402

TIMEOUT_S = int(os.environ.get("AKID_BENCH_SMOKE_TIMEOUT", "300"))
NO_TARGET = {"compute_efficiency"}  # reports a figure; meets_target is null by design


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


@pytest.mark.slow
def test_every_benchmark_runs_and_reports(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [_python(), "bench/run.py", "--quick", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert proc.returncode == 0, f"bench/run.py exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    doc = json.loads(out.read_text())
    assert doc["smoke"] is True and doc["quick"] is True
    results = doc["results"]
    assert set(BENCHMARKS) <= set(results), f"missing: {set(BENCHMARKS) - set(results)}"
    for name in BENCHMARKS:
        r = results[name]
        assert "error" not in r, f"{name}: {r.get('error')}"
        assert "ratio" in r and "meets_target" in r and "target" in r, f"{name}: {sorted(r)}"
        assert isinstance(r["ratio"], (int, float)), f"{name}: ratio {r['ratio']!r}"
        if name in NO_TARGET:
            assert r["meets_target"] is None, f"{name}: documented as having no target"
        else:
            assert isinstance(r["meets_target"], bool), f"{name}: meets_target {r['meets_target']!r}"
