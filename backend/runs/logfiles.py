"""Worker log files of a run, read in bounded slices for the run view's Logs panel.

A run's worker writes its stdout/stderr (TensorFlow's messages, warnings, the
trainer's log lines, a crash's traceback) to ``worker.log`` in the run's logdir;
a multi-worker run adds ``workers/worker_<i>.log`` per worker. Only names found
by :func:`list_logs` can be read, so a request can never name a path outside
the logdir (no traversal), and every read is capped so a huge log never fills
a response.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass

#: The local worker's own log (stdout + stderr of the worker process).
WORKER_LOG = "worker.log"
_WORKER_FILE = re.compile(r"worker_\d{1,4}\.log")
#: The most bytes one read returns.
MAX_READ_BYTES = 256 * 1024
#: Bytes returned when the client asks for neither offset nor limit: the end of the log.
DEFAULT_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class LogSlice:
    name: str
    size: int
    offset: int
    next_offset: int
    text: str

    @property
    def truncated_before(self) -> bool:
        return self.offset > 0


def list_logs(logdir: pathlib.Path) -> list[dict[str, int | str]]:
    """The run's log files as ``{"name", "size"}``, ``worker.log`` first, then workers by index."""
    out: list[dict[str, int | str]] = []
    main = logdir / WORKER_LOG
    if main.is_file():
        out.append({"name": WORKER_LOG, "size": main.stat().st_size})
    workers = logdir / "workers"
    if workers.is_dir():
        found = [p for p in workers.iterdir() if _WORKER_FILE.fullmatch(p.name) and p.is_file()]
        for p in sorted(found, key=lambda p: int(p.name[7:-4])):
            out.append({"name": f"workers/{p.name}", "size": p.stat().st_size})
    return out


def read_log(logdir: pathlib.Path, name: str, offset: int | None, limit: int | None) -> LogSlice | None:
    """Read ``limit`` bytes from ``offset`` of the named log, or its last bytes when no offset
    is given. Returns None when the run has no log of that name."""
    if name not in {str(f["name"]) for f in list_logs(logdir)}:
        return None
    path = logdir / name
    size = path.stat().st_size
    want = min(limit if limit is not None else DEFAULT_TAIL_BYTES, MAX_READ_BYTES)
    start = max(0, size - want) if offset is None else min(offset, size)
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(want)
    if offset is None and start > 0:
        # a tail starts at a line boundary so the first line shown is whole
        cut = data.find(b"\n")
        if 0 <= cut < len(data) - 1:
            data, start = data[cut + 1 :], start + cut + 1
    return LogSlice(name, size, start, start + len(data), data.decode("utf-8", errors="replace"))
