"""The job file a training worker runs: ``{"format": "akid.job/v1", "run_id", "graph", "config", "logdir"?}``.

One small versioned JSON file is the whole contract between whoever launches training (the
studio, ``kubectl``, a person with Compose) and the workers: in Kubernetes it is a ConfigMap
mounted into every pod, in Compose a file on the shared volume. Unknown keys and unknown
versions are refused, like the graph format.

``python -m akid.deploy.jobspec --run-id r1 --graph g.json --config c.json --out /shared/jobs/job.json``
writes one atomically (workers polling for it never read half a file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "akid.job/v1"
RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
DEFAULT_RUNS_DIR = "/shared/runs"
_KEYS = {"format", "run_id", "graph", "config", "logdir"}


class JobSpecError(ValueError):
    """The job file is missing, unreadable or not an ``akid.job/v1`` document."""


@dataclass(frozen=True)
class JobSpec:
    """What to train (graph doc + TrainConfig dict), under which run id, and where to log."""

    run_id: str
    graph: dict
    config: dict = field(default_factory=dict)
    logdir: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.run_id, str) or not RUN_ID_RE.match(self.run_id):
            raise JobSpecError(
                f"run_id must be 1-128 letters, digits, '_', '.', '-' (it names directories). Received: {self.run_id!r}"
            )
        if not isinstance(self.graph, dict):
            raise JobSpecError(f"graph must be a JSON object (akid.graph/v1). Received: {type(self.graph).__name__}")
        if not isinstance(self.config, dict):
            raise JobSpecError(f"config must be a JSON object (TrainConfig). Received: {type(self.config).__name__}")

    def resolved_logdir(self, runs_dir: str | None = None) -> Path:
        """``logdir`` if given, else ``<runs_dir or $AKID_RUNS_DIR or /shared/runs>/<run_id>``."""
        if self.logdir:
            return Path(self.logdir)
        from akid.settings import get_settings

        return Path(runs_dir or get_settings().runs_dir or DEFAULT_RUNS_DIR) / self.run_id

    def to_json(self) -> dict:
        doc = {"format": FORMAT, "run_id": self.run_id, "graph": self.graph, "config": self.config}
        if self.logdir:
            doc["logdir"] = self.logdir
        return doc

    @classmethod
    def from_json(cls, doc: object) -> JobSpec:
        if not isinstance(doc, dict):
            raise JobSpecError(f"a job file must be a JSON object. Received: {type(doc).__name__}")
        if doc.get("format") != FORMAT:
            raise JobSpecError(f"unknown job format; this worker reads {FORMAT!r}. Received: {doc.get('format')!r}")
        unknown = sorted(set(doc) - _KEYS)
        if unknown:
            raise JobSpecError(f"unknown keys in job file. Received: {unknown}")
        for key in ("run_id", "graph"):
            if key not in doc:
                raise JobSpecError(f"job file lacks {key!r}")
        return cls(run_id=doc["run_id"], graph=doc["graph"], config=doc.get("config") or {}, logdir=doc.get("logdir"))


def load_job_spec(path: str | os.PathLike) -> JobSpec:
    """Read and check a job file; every failure is a ``JobSpecError`` naming the path."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise JobSpecError(f"cannot read job file {str(path)!r}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JobSpecError(f"job file {str(path)!r} is not JSON: {exc}") from None
    return JobSpec.from_json(doc)


def write_job_spec(spec: JobSpec, path: str | os.PathLike) -> Path:
    """Write atomically (temp file + rename in the same directory)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".job-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(spec.to_json(), fh, indent=1, sort_keys=True)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _read_json(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akid.deploy.jobspec", description="Write a training job file.")
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--graph", required=True, help="path of an akid.graph/v1 JSON file")
    parser.add_argument("--config", help="path of a TrainConfig JSON file")
    parser.add_argument("--logdir", help="default: $AKID_RUNS_DIR/<run id> as seen by the workers")
    parser.add_argument("--out", required=True, help="where the workers read it, e.g. /shared/jobs/job.json")
    args = parser.parse_args(argv)
    try:
        spec = JobSpec(args.run_id, _read_json(args.graph), _read_json(args.config) if args.config else {}, args.logdir)
        print(write_job_spec(spec, args.out))
    except (JobSpecError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
