"""One multi-worker training process: ``python -m akid.train.worker SPEC.json``.

Started by :mod:`akid.train.launcher` with ``TF_CONFIG`` set. It creates the
MultiWorkerMirroredStrategy *first* (collective ops must be configured before
TensorFlow runs anything else), then runs the same :class:`~akid.train.kid.Kid`
as a single-process run. Events go back to the launcher over an authenticated
local connection (bytes attachments included, no base64); stopping is agreed
through a file the launcher creates, read between steps.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from multiprocessing.connection import Client
from pathlib import Path

from akid.settings import environ


class FileFlag:
    """A stop flag that another process raises by creating a file (``Event.is_set`` interface)."""

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)

    def is_set(self) -> bool:
        return os.path.exists(self.path)


def _exit_with_parent(poll_s: float = 1.0) -> None:
    """Die when the launcher dies: workers run in their own session, so nothing else would stop them."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _exit_with_parent()
    spec = json.loads(Path(argv[0]).read_text())
    env = environ()  # set by the launcher for this child process only
    host, port = env["AKID_EVENTS"].rsplit(":", 1)
    conn = Client((host, int(port)), authkey=bytes.fromhex(env["AKID_EVENTS_KEY"]))
    lock = threading.Lock()

    def send(*msg) -> None:
        with lock:
            conn.send(msg)

    from akid.train.distribute import make_strategy, worker_info

    info = worker_info()
    send("hello", info.index, os.getpid())
    try:
        strategy = make_strategy("multi_worker")  # before any other TensorFlow work
        from akid.train.kid import Kid

        kid = Kid(
            spec["graph"],
            spec["config"],
            spec["logdir"],
            sink=lambda k, p, a: send("event", k, p, [bytes(x) for x in a]),
            stop=FileFlag(spec["stop_file"]),
            strategy=strategy,
            worker=info,
        )
        try:
            from akid.train.init_weights import load_init_weights

            load_init_weights(kid.model, spec["logdir"], kid.log if info.is_chief else lambda *a, **k: None)
            result = kid.fit(resume=bool(spec["resume"]))
        finally:
            kid.close()
        send("result", info.index, result)
        return 0
    except BaseException as exc:  # reported to the launcher, which decides to retry or fail
        from akid.errors import AkidError

        issues = exc.to_dicts() if isinstance(exc, AkidError) else None
        send("error", info.index, f"{type(exc).__name__}: {exc}", issues, traceback.format_exc())
        return 1
    finally:
        conn.close()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: TensorFlow's collective threads can hang it after a peer left.
    os._exit(code)
