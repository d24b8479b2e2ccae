"""``python -m akid train GRAPH.json``: train a graph; a progress bar on stderr, ONE JSON line on stdout.

stdout carries only the final result (or ``{"ok": false, "errors": [...]}``),
so scripts can ``| jq``; everything for humans (progress, logs) goes to stderr.
Ctrl-C asks the run to stop between steps: it keeps what it measured, saves a
checkpoint (continue with ``--resume``) and still prints its result.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from akid.errors import AkidError, Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "train",
        help="train a graph on a data source; print the final metrics as one JSON line",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("graph", help="graph JSON file, or - for stdin")
    p.add_argument("--config", help="TrainConfig JSON file; the options below override it")
    p.add_argument("--data", help="data source name (default: digits)")
    p.add_argument(
        "--data-param", action="append", default=[], metavar="KEY=VALUE", help="data source parameter (JSON value or string)"
    )
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--steps-per-epoch", type=int)
    p.add_argument("--lr", "--learning-rate", dest="lr", type=float)
    p.add_argument("--optimizer", choices=["adam", "adamw", "sgd", "rmsprop"])
    p.add_argument("--schedule", choices=["constant", "step", "cosine", "warmup", "warmup_cosine"])
    p.add_argument("--strategy", choices=["default", "mirrored", "multi_worker"])
    p.add_argument("--workers", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--clip-norm", type=float)
    p.add_argument("--jit", action="store_true", help="XLA-compile the train step")
    p.add_argument("--logdir", help="checkpoints and TensorBoard files (default: runs/<graph name>)")
    p.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in --logdir")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


def build_config(args: argparse.Namespace) -> dict[str, Any]:
    """The TrainConfig dict: --config file first, then each option given on the command line."""
    cfg: dict[str, Any] = json.loads(Path(args.config).read_text()) if args.config else {}
    if args.data:
        cfg.setdefault("data", {})["source"] = args.data
    for kv in args.data_param:
        key, _, value = kv.partition("=")
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        cfg.setdefault("data", {}).setdefault("params", {})[key] = parsed
    simple = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps_per_epoch": args.steps_per_epoch,
        "strategy": args.strategy,
        "workers": args.workers,
        "seed": args.seed,
        "clip_norm": args.clip_norm,
    }
    cfg.update({k: v for k, v in simple.items() if v is not None})
    if args.jit:
        cfg["jit_compile"] = True
    if args.lr is not None:
        cfg.setdefault("optimizer", {})["learning_rate"] = args.lr
    if args.optimizer:
        cfg.setdefault("optimizer", {})["name"] = args.optimizer
    if args.schedule:
        cfg["schedule"] = {**(cfg.get("schedule") if isinstance(cfg.get("schedule"), dict) else {}), "name": args.schedule}
    return cfg


class _Progress:
    """A rich progress bar on stderr fed by the run's events (the CLI's sink)."""

    def __init__(self, quiet: bool):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = (
            None
            if quiet
            else Progress(
                TextColumn("[bold]epoch {task.fields[epoch]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[info]}"),
                console=self.console,
            )
        )
        self.task = None
        self.last: dict[str, float] = {}

    def __enter__(self) -> _Progress:
        if self.progress is not None:
            self.progress.start()
            self.task = self.progress.add_task("train", total=None, epoch=0, info="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.stop()

    def __call__(self, kind: str, payload: dict, attachments: list) -> None:
        if kind == "metrics":
            for p in payload["points"]:
                if payload.get("worker", 0) == 0:
                    self.last[f"{p['split']}/{p['name']}"] = p["value"]
        elif kind == "log" and payload.get("worker", 0) == 0:
            self.console.print(f"{payload.get('level', 'info')}: {payload['message']}", markup=False, highlight=False)
        elif kind == "error":
            self.console.print(f"error: {payload['message']}", style="red", markup=False, highlight=False)
        if self.progress is None or self.task is None:
            return
        if kind == "status" and payload.get("worker", 0) == 0 and payload.get("total_steps"):
            shown = [
                ("loss", "train/loss"),
                ("acc", next((k for k in sorted(self.last) if k.startswith("train/") and k.endswith("accuracy")), "")),
                ("val_acc", next((k for k in sorted(self.last) if k.startswith("val/") and k.endswith("accuracy")), "")),
            ]
            info = "  ".join(f"{label}={self.last[key]:.4f}" for label, key in shown if key in self.last)
            self.progress.update(
                self.task, total=payload["total_steps"], completed=payload["step"], epoch=payload["epoch"] + 1, info=info
            )


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.graph == "-" else Path(args.graph).read_text(encoding="utf-8")
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise AkidError([Issue("bad_json", f"the graph file is not valid JSON: {exc}", path="$")]) from None
        cfg = build_config(args)
    except OSError as exc:
        return _fail([Issue("io_error", f"cannot read a file: {exc}. Received: {exc.filename!r}", path="$")])
    except AkidError as exc:
        return _fail(exc.issues)
    name = doc.get("name", "graph") if isinstance(doc, dict) else "graph"
    logdir = args.logdir or str(Path("runs") / str(name))
    stop = threading.Event()
    previous = (
        signal.signal(signal.SIGINT, lambda *_: stop.set()) if threading.current_thread() is threading.main_thread() else None
    )
    from akid.train.api import train

    try:
        with _Progress(args.quiet) as progress:
            result = train(doc, cfg, logdir=logdir, sink=progress, stop=stop, resume=args.resume)
    except AkidError as exc:
        return _fail(exc.issues)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    result = {"ok": True, "logdir": logdir, **result}
    print(json.dumps(result, default=str), flush=True)
    return 130 if result.get("state") == "cancelled" else 0


def _fail(issues: list[Issue]) -> int:
    print(json.dumps({"ok": False, "errors": [i.to_dict() for i in issues]}), flush=True)
    for i in issues:
        print(f"error: {i.message}", file=sys.stderr)
    return 1
