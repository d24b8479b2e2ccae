"""``python -m akid.deploy.worker``: one process of a (multi-worker) training job.

Why a dedicated entrypoint rather than ``python -m akid train``: in a Kubernetes indexed Job or a
Compose service scaled to N replicas every container runs the same command with the same env, so
each one must work out its own ``TF_CONFIG`` (see ``akid.deploy.tfconfig``) *before* TensorFlow
starts; it must also resume from the shared checkpoint directory when the orchestrator restarts a
killed pod, and exit non-zero when stopped early so a preempted pod is retried, not counted done.

Job file: ``--job PATH`` or ``$AKID_JOB_SPEC`` (``akid.job/v1``, see ``akid.deploy.jobspec``);
``--wait`` polls until it appears (Compose workers start before anyone submits a job).
Outputs under ``<logdir>/workers/worker-<i>/``: ``events.jsonl`` (the ``api.train`` sink events),
``result.json``; the chief (index 0) also stores image attachments there.
Exit codes: 0 done, 1 training failed, 2 bad job/cluster description, 143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from akid.deploy.jobspec import JobSpec, JobSpecError, load_job_spec
from akid.deploy.tfconfig import TFConfigError, tf_config_from_env
from akid.settings import environ, get_settings

DEFAULT_HEARTBEAT = "/tmp/akid-worker.heartbeat"
STARTED_MARKER = ".akid-job-started"
EXIT_OK, EXIT_FAILED, EXIT_BAD_JOB, EXIT_TERMINATED = 0, 1, 2, 143

Trainer = Callable[..., dict]


def touch(path: str | os.PathLike) -> None:
    """Refresh the heartbeat the container health check reads (``healthcheck --heartbeat``)."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.touch()
    except OSError:
        pass  # a read-only /tmp must not kill training; the health check will say so instead


class JsonlSink:
    """``api.train`` sink that appends events as JSON lines; every event is a heartbeat."""

    def __init__(self, outdir: Path, *, chief: bool, heartbeat: str | None = None) -> None:
        self.outdir = outdir
        self.chief = chief
        self.heartbeat = heartbeat
        self.lock = threading.Lock()
        outdir.mkdir(parents=True, exist_ok=True)
        self.path = outdir / "events.jsonl"
        # A restarted pod appends: continue the sequence so seq and attachment names stay unique.
        self.seq = sum(1 for _ in self.path.open(encoding="utf-8")) if self.path.exists() else 0

    def __call__(self, kind: str, payload: dict, attachments: list[bytes] | None = None) -> None:
        with self.lock:
            self.seq += 1
            record = {"seq": self.seq, "kind": kind, "wall": time.time(), "payload": payload}
            if attachments and self.chief:
                names = []
                for n, blob in enumerate(attachments):
                    name = f"att-{self.seq:08d}-{n}.png"
                    (self.outdir / name).write_bytes(blob)
                    names.append(name)
                record["attachments"] = names
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, default=str) + "\n")
        if self.heartbeat:
            touch(self.heartbeat)


def wait_for_file(
    path: Path, *, timeout: float | None, interval: float = 2.0, heartbeat: str | None = None, stop: threading.Event | None = None
) -> bool:
    """Poll for ``path``; True once it exists, False on timeout or stop."""
    start = time.monotonic()
    while not path.exists():
        if heartbeat:
            touch(heartbeat)
        if stop is not None and stop.is_set():
            return False
        if timeout is not None and time.monotonic() - start >= timeout:
            return False
        time.sleep(interval)
    return True


def default_trainer() -> Trainer:
    """``akid.train.api.train`` for a single worker, imported late (after ``TF_CONFIG`` is set)."""
    from akid.train import api

    return api.train


def cluster_trainer(graph: dict, config: dict, *, logdir: str, sink, stop, resume: bool) -> dict:
    """Train as *one* worker of a cluster that Kubernetes/Compose started (``TF_CONFIG`` set).

    Not ``api.train``: with ``strategy=multi_worker`` that launches N local processes itself.
    Mirrors ``akid.train.worker``: the strategy first (collective ops must be configured before
    TensorFlow runs anything else), then the same ``Kid`` loop; the chief writes checkpoints and
    TensorBoard files under ``logdir``, the others to temporary directories.
    """
    from akid.train.distribute import make_strategy, worker_info

    strategy = make_strategy("multi_worker")
    from akid.errors import AkidError
    from akid.train.kid import Kid

    try:
        kid = Kid(graph, config, logdir, sink=sink, stop=stop, strategy=strategy, worker=worker_info())
    except AkidError as exc:
        sink("status", {"state": "failed", "step": 0, "epoch": 0, "total_steps": 0, "progress": 0.0, "reason": str(exc)}, [])
        raise
    try:
        return kid.fit(resume=resume)
    finally:
        kid.close()


def has_checkpoint(logdir: Path) -> bool:
    """Whether a previous attempt (or a local run of the same id) left a checkpoint."""
    if not logdir.is_dir() or all(p.name in {"workers", STARTED_MARKER} for p in logdir.iterdir()):
        return False  # nothing but our own bookkeeping: skip importing the checkpoint module (TensorFlow)
    try:
        from akid.train.checkpoints import latest_step
    except ImportError:
        return False
    return latest_step(logdir) is not None


def effective_config(config: dict, workers: int) -> dict:
    """Several workers always mean ``multi_worker``: N independent trainers on one logdir is a bug."""
    cfg = dict(config)
    if workers > 1:
        cfg["strategy"] = "multi_worker"
        cfg["workers"] = workers
    return cfg


def run_job(
    spec: JobSpec,
    env: Mapping[str, str],
    *,
    trainer: Trainer | None = None,
    stop: threading.Event | None = None,
    heartbeat: str | None = None,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True),
    **dns_kwargs,
) -> int:
    """Set ``TF_CONFIG``, train (resuming after a restart), record the result; returns the exit code."""
    stop = stop or threading.Event()
    try:
        tf_config = tf_config_from_env(env, **dns_kwargs)
    except TFConfigError as exc:
        log(f"akid worker: {exc}")
        return EXIT_BAD_JOB
    index, workers = 0, 1
    if tf_config:
        index, workers = tf_config["task"]["index"], len(tf_config["cluster"].get("worker", []))
    if workers > 1:
        os.environ["TF_CONFIG"] = json.dumps(tf_config)
    else:
        os.environ.pop("TF_CONFIG", None)  # a 1-worker "cluster" is a plain run
    logdir = spec.resolved_logdir(env.get("AKID_RUNS_DIR"))
    outdir = logdir / "workers" / f"worker-{index}"
    sink = JsonlSink(outdir, chief=index == 0, heartbeat=heartbeat)
    marker = logdir / STARTED_MARKER
    resume = marker.exists() or has_checkpoint(logdir)  # a previous attempt ran: continue from its checkpoints
    marker.touch()
    log(f"akid worker {index}/{workers}: run {spec.run_id}, logdir {logdir}, resume={resume}")
    sink("log", {"level": "info", "message": f"worker {index} of {workers} starting (resume={resume})"})
    try:
        train = trainer or (cluster_trainer if workers > 1 else default_trainer())
        metrics = train(
            spec.graph, effective_config(spec.config, workers), logdir=str(logdir), sink=sink, stop=stop, resume=resume
        )
    except Exception as exc:  # the worker's job is to report it, then let the orchestrator retry
        issues = [_issue_json(i) for i in getattr(exc, "issues", None) or []]
        sink("error", {"message": f"{type(exc).__name__}: {exc}", "issues": issues})
        _write_result(outdir, "failed", None, reason=str(exc))
        log(f"akid worker {index}: training failed: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    if stop.is_set():
        _write_result(outdir, "interrupted", metrics)
        log(f"akid worker {index}: stopped before the end; exiting {EXIT_TERMINATED} so it is retried")
        return EXIT_TERMINATED
    _write_result(outdir, "completed", metrics)
    return EXIT_OK


def _issue_json(issue: object) -> object:
    """``akid.errors.Issue`` as JSON whatever its class offers (to_dict, model_dump, dataclass)."""
    for name in ("to_dict", "to_json", "model_dump"):
        fn = getattr(issue, name, None)
        if callable(fn):
            return fn()
    return dict(vars(issue)) if hasattr(issue, "__dict__") else str(issue)


def _write_result(outdir: Path, state: str, metrics: dict | None, reason: str | None = None) -> None:
    doc = {"state": state, "metrics": metrics or {}, "wall": time.time()}
    if reason:
        doc["reason"] = reason
    (outdir / "result.json").write_text(json.dumps(doc, default=str, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akid.deploy.worker", description=__doc__.split("\n")[0])
    settings = get_settings()
    parser.add_argument("--job", default=settings.job_spec, help="job file (default $AKID_JOB_SPEC)")
    parser.add_argument("--wait", action="store_true", help="wait for the job file to appear")
    parser.add_argument("--wait-timeout", type=float, default=None, help="seconds; default: forever")
    parser.add_argument("--heartbeat", default=settings.heartbeat or DEFAULT_HEARTBEAT)
    args = parser.parse_args(argv)
    if not args.job:
        parser.error("no job file: pass --job or set AKID_JOB_SPEC")
    stop = threading.Event()

    def on_term(signum, _frame):  # stop between steps; checkpoints already written stay
        print(f"akid worker: signal {signum}, stopping after the current step", file=sys.stderr, flush=True)
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    touch(args.heartbeat)
    path = Path(args.job)
    if args.wait and not wait_for_file(path, timeout=args.wait_timeout, heartbeat=args.heartbeat, stop=stop):
        print(f"akid worker: no job file at {path}", file=sys.stderr)
        return EXIT_TERMINATED if stop.is_set() else EXIT_BAD_JOB
    try:
        spec = load_job_spec(path)
    except JobSpecError as exc:
        print(f"akid worker: {exc}", file=sys.stderr)
        return EXIT_BAD_JOB
    return run_job(spec, environ(), stop=stop, heartbeat=args.heartbeat)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: TensorFlow's collective threads can hang it after a peer left.
    os._exit(code)
