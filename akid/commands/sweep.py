"""``python -m akid sweep GRAPH``: train the variants of a graph with choices; a progress bar, ONE JSON line.

The graph (``.json`` or meta-syntax ``.akid``) holds choices such as
``Conv2D({8|16}, 3)``; config values may be choices too (``--lr {0.001|0.01}``,
``--set batch_size={32|64}``). Every variant is validated before the first
trial; trials run one after another in this process, each in
``LOGDIR/trial-N`` with its concrete graph in ``graph.json``; the best one is
written to ``LOGDIR/best.json``. stdout carries only the final JSON line.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Self

from akid.errors import AkidError, Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sweep",
        help="train the variants of a graph with choices; print every trial as one JSON line",
        description=__doc__.splitlines()[0],
    )
    p.add_argument(
        "graph", help="graph file: .json (akid.graph/v1 with choices) or .akid (meta-syntax); - reads either from stdin"
    )
    p.add_argument("--data", default="digits", help="data source name (default: digits)")
    p.add_argument("--trials", type=int, default=10, help="number of trials (a grid stops at its size)")
    p.add_argument("--strategy", choices=["grid", "random", "tpe"], default="random")
    p.add_argument("--objective", default="val/accuracy", help="val/accuracy (default), val/loss, train/accuracy, train/loss")
    p.add_argument("--epochs", type=int, help="epochs per trial")
    p.add_argument("--steps-per-epoch", type=int)
    p.add_argument("--batch-size", help="a number or a choice such as {32|64}")
    p.add_argument("--lr", "--learning-rate", dest="lr", help="a number, a choice {0.001|0.01} or a range 0.0001..0.1 log")
    p.add_argument("--config", help="TrainConfig JSON file (values may be choices); the options override it")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a config value (dotted key; meta-syntax value, choices allowed)",
    )
    p.add_argument("--seed", type=int, default=0, help="the sampler's seed")
    p.add_argument("--no-prune", action="store_true", help="never stop a trial early")
    p.add_argument("--logdir", help="where trials and best.json go (default: runs/sweep-<graph name>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


def read_value(text: str, what: str) -> Any:
    """A config value written in meta-syntax (so choices and ranges read as they do in a graph)."""
    from akid.graph.metasyntax_lexer import MetaSyntaxError
    from akid.graph.metasyntax_parser import Parser

    try:
        parser = Parser(text)
        value = parser.value()
        if parser.tok.kind not in ("EOF", "NEWLINE"):
            raise parser.fail("unexpected text after the value")
        return value
    except MetaSyntaxError as exc:
        raise AkidError([Issue("bad_value", f"{what}: {exc.issues[0].message}. Received: {text!r}", param=what)]) from None


def read_graph(path: str) -> dict[str, Any]:
    """A graph document from a .json file, a .akid (meta-syntax) file, or stdin (``-``: JSON when it starts with '{')."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    if path.endswith(".akid") or (path == "-" and not text.lstrip().startswith("{")):
        from akid.graph.metasyntax import parse

        return parse(text)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise AkidError([Issue("bad_json", f"the graph file is not valid JSON: {exc}", path="$")]) from None


def build_config(args: argparse.Namespace) -> dict[str, Any]:
    cfg: dict[str, Any] = json.loads(Path(args.config).read_text()) if args.config else {}
    cfg.setdefault("data", {})["source"] = args.data
    for key, value in (("epochs", args.epochs), ("steps_per_epoch", args.steps_per_epoch)):
        if value is not None:
            cfg[key] = value
    if args.batch_size is not None:
        cfg["batch_size"] = read_value(args.batch_size, "batch_size")
    if args.lr is not None:
        cfg.setdefault("optimizer", {})["learning_rate"] = read_value(args.lr, "learning_rate")
    for kv in args.set:
        key, _, value = kv.partition("=")
        *parents, last = key.split(".")
        node = cfg
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = read_value(value, key)
    return cfg


def run_trials(sweep: Any, data_logdir: Path, progress: Any, stop: threading.Event) -> None:
    """Train every trial the sweep asks for, in this process, feeding the pruner after each epoch."""
    from akid.sweep.engine import final_objective, objective_value
    from akid.train.api import train

    while not stop.is_set():
        trial = sweep.ask()
        if trial is None:
            return
        logdir = data_logdir / f"trial-{trial.number}"
        logdir.mkdir(parents=True, exist_ok=True)
        (logdir / "graph.json").write_text(json.dumps(trial.graph, indent=1))
        trial_stop = threading.Event()
        pruned = threading.Event()
        seen: dict[int, float] = {}

        def sink(
            kind: str,
            payload: dict,
            attachments: list,
            trial: Any = trial,
            seen: dict = seen,
            trial_stop: threading.Event = trial_stop,
            pruned: threading.Event = pruned,
        ) -> None:
            if kind != "metrics" or payload.get("worker", 0) != 0:
                return
            for epoch, value in objective_value(sweep.objective, payload.get("points") or []).items():
                seen[epoch] = value
                if sweep.report(trial, epoch, value):
                    pruned.set()
                    trial_stop.set()
            if stop.is_set():
                trial_stop.set()

        progress.trial_started(trial)
        try:
            result = train(trial.graph, trial.config, logdir=str(logdir), sink=sink, stop=trial_stop)
        except AkidError as exc:
            trial.error = exc.issues[0].message if exc.issues else "failed"
            sweep.tell(trial, None, "failed")
        else:
            if pruned.is_set():
                sweep.tell(trial, None, "pruned")
            elif result.get("state") == "completed":
                sweep.tell(trial, final_objective(sweep.objective, result, seen), "completed")
            else:
                sweep.tell(trial, None, "failed")
        progress.trial_ended(trial, sweep.best())


class _Progress:
    """A rich progress bar over the trials, on stderr."""

    def __init__(self, total: int, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.console = Console(stderr=True)
        self.progress = (
            None
            if quiet
            else Progress(
                TextColumn("[bold]sweep"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                console=self.console,
            )
        )
        self.total = total
        self.task = None

    def __enter__(self) -> Self:
        if self.progress is not None:
            self.progress.start()
            self.task = self.progress.add_task("sweep", total=self.total, info="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def trial_started(self, trial: Any) -> None:
        if self.progress is not None:
            self.progress.update(
                self.task, info=f"trial {trial.number}: " + ", ".join(f"{k}={v}" for k, v in trial.assignment.items())
            )

    def trial_ended(self, trial: Any, best: Any) -> None:
        line = f"trial {trial.number} {trial.state}" + (
            f" objective={trial.objective:.4f}" if trial.objective is not None else ""
        )
        self.console.print(line, markup=False, highlight=False)
        if self.progress is not None:
            info = f"best {best.objective:.4f} (trial {best.number})" if best is not None else ""
            self.progress.update(self.task, advance=1, info=info)


def run(args: argparse.Namespace) -> int:
    from akid.sweep.engine import Sweep
    from akid.sweep.space import check_space, space_of

    try:
        doc = read_graph(args.graph)
        cfg = build_config(args)
        space = space_of(doc, cfg)
        check_space(space)
        sweep = Sweep(space, args.strategy, args.trials, args.objective, seed=args.seed, prune=not args.no_prune)
    except OSError as exc:
        return _fail([Issue("io_error", f"cannot read a file: {exc}. Received: {exc.filename!r}", path="$")])
    except AkidError as exc:
        return _fail(exc.issues)
    name = doc.get("name", "graph") if isinstance(doc, dict) else "graph"
    logdir = Path(args.logdir or Path("runs") / f"sweep-{name}")
    logdir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    previous = (
        signal.signal(signal.SIGINT, lambda *_: stop.set()) if threading.current_thread() is threading.main_thread() else None
    )
    try:
        with _Progress(sweep.trials_wanted, args.quiet) as progress:
            run_trials(sweep, logdir, progress, stop)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    best = sweep.best()
    best_path = None
    if best is not None:
        best_path = str(logdir / "best.json")
        Path(best_path).write_text(json.dumps(best.graph, indent=1))
    out = {
        "ok": True,
        "strategy": sweep.strategy,
        "objective": sweep.objective,
        "direction": sweep.direction,
        "space": space.describe(),
        "trials": [t.to_dict() for t in sweep.trials],
        "best": best.to_dict() if best else None,
        "best_graph": best_path,
        "logdir": str(logdir),
    }
    print(json.dumps(out, default=str), flush=True)
    return 130 if stop.is_set() else 0


def _fail(issues: list[Issue]) -> int:
    print(json.dumps({"ok": False, "errors": [i.to_dict() for i in issues]}), flush=True)
    for i in issues:
        print(f"error: {i.message}", file=sys.stderr)
    return 1
