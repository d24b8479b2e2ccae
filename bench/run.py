"""Run every benchmark and print one JSON document plus a readable table.

    python bench/run.py [--quick] [--smoke] [--only NAME ...] [--out FILE]

``--quick`` shrinks the workloads (target: under 90 s on 2 cores); ``--smoke``
shrinks them further and only proves the benchmarks run (the test suite uses it).
Each benchmark lives in its own module exposing ``run(quick, smoke) -> dict``;
those that need the studio server or Chromium also take ``shared``
(:class:`studio.Shared`): one server and one browser for all of them, started on
first use (``cold_start`` times that start) and stopped before the in-process
training benchmarks run, so those get the machine to themselves.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BENCHMARKS = [
    "cold_start",
    "stream_latency",
    "editor_scale",
    "train_vs_keras",
    "observer_overhead",
    "graph_scale",
    "pipeline",
    "compute_efficiency",
]
#: Benchmarks that use the shared server / Chromium (run.py closes them after the last of these).
USES_SHARED = {"cold_start", "stream_latency", "editor_scale"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="tiny workloads: checks the benchmarks run, not their numbers")
    ap.add_argument("--only", nargs="*", choices=BENCHMARKS)
    ap.add_argument("--out", help="also write the JSON document here")
    args = ap.parse_args(argv)
    quick = args.quick or args.smoke
    results, failed = {}, []
    started = time.time()
    names = [n for n in BENCHMARKS if n in (args.only or BENCHMARKS)]
    from studio import Shared

    shared = Shared()
    try:
        for i, name in enumerate(names):
            t0 = time.time()
            try:
                mod = importlib.import_module(name)
                kwargs = {"shared": shared} if "shared" in inspect.signature(mod.run).parameters else {}
                res = mod.run(quick=quick, smoke=args.smoke, **kwargs)
            except Exception as exc:  # a broken benchmark is reported, the others still run
                failed.append(name)
                res = {"name": name, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            res["seconds"] = round(time.time() - t0, 2)
            results[name] = res
            print(
                f"[bench] {name}: {res.get('ratio')} target {res.get('target')} meets {res.get('meets_target')} "
                f"({res['seconds']} s)",
                file=sys.stderr,
                flush=True,
            )
            if not USES_SHARED & set(names[i + 1 :]):
                shared.close()
    finally:
        shared.close()
    doc = {"quick": quick, "smoke": args.smoke, "seconds": round(time.time() - started, 2), "results": results}
    text = json.dumps(doc, indent=2, default=float)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    print(_table(results), file=sys.stderr)
    return 1 if failed else 0


def _table(results: dict) -> str:
    lines = [f"{'benchmark':<20} {'ratio':>9} {'meets':<6} {'seconds':>7}  target"]
    for name, r in results.items():
        ratio = r.get("ratio")
        lines.append(
            f"{name:<20} {'' if ratio is None else ratio:>9} {r.get('meets_target')!s:<6} {r.get('seconds', ''):>7}  "
            f"{r.get('target', r.get('error', ''))}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
