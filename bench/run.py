"""Run every benchmark and print one JSON document plus a readable table.

    python bench/run.py [--quick] [--smoke] [--only NAME ...] [--out FILE]

``--quick`` shrinks the workloads (about 2.5 minutes on 2 shared cores: two
benchmarks start a real server and Chromium, each paying TensorFlow's import);
``--smoke`` shrinks them further and only proves the benchmarks run (the test
suite uses it).
Each benchmark lives in its own module exposing ``run(quick, smoke) -> dict``.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BENCHMARKS = ["train_vs_keras", "observer_overhead", "stream_latency", "graph_scale", "editor_scale",
              "pipeline", "compute_efficiency"]


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
    for name in args.only or BENCHMARKS:
        t0 = time.time()
        try:
            mod = importlib.import_module(name)
            res = mod.run(quick=quick, smoke=args.smoke)
        except Exception as exc:  # a broken benchmark is reported, the others still run
            failed.append(name)
            res = {"name": name, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        res["seconds"] = round(time.time() - t0, 2)
        results[name] = res
        print(f"[bench] {name}: {res.get('ratio')} ({res['seconds']} s)", file=sys.stderr, flush=True)
    doc = {"quick": quick, "smoke": args.smoke, "seconds": round(time.time() - started, 2), "results": results}
    text = json.dumps(doc, indent=2, default=float)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    print(_table(results), file=sys.stderr)
    return 1 if failed else 0


def _table(results: dict) -> str:
    lines = [f"{'benchmark':<20} {'ratio':>10} {'target':<28} meets"]
    for name, r in results.items():
        ratio = r.get("ratio")
        lines.append(f"{name:<20} {'' if ratio is None else ratio:>10} {str(r.get('target', r.get('error', ''))):<28.28} {r.get('meets_target')}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
