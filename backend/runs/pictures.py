"""Pictures (images, histograms) of local runs are published on their own thread.

Why: the run manager's pump thread reads every worker's frames. A picture event costs far
more than a metrics point (PNG bytes stored, a large payload encoded and fanned out); done
on the pump, it delays every scalar that arrives meanwhile. Here the pump hands pictures to
one sender thread and goes back to reading, so a picture never delays a point. Pictures keep
their order among themselves and take their seq when they are published; a run's end waits
(bounded) until its pictures are out, so ``run.status`` stays the last event of a run.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("akid.runs")
PICTURE_KINDS = ("images", "histograms")


class PictureSender:
    """``put(run_id, publish)`` queues one picture's publishing; ``wait_idle(run_id)`` waits for a run's."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, Callable[[], Any]] | None] = queue.Queue()
        self._pending: dict[str, int] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def put(self, run_id: str, publish: Callable[[], Any]) -> None:
        with self._cond:
            self._pending[run_id] = self._pending.get(run_id, 0) + 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="akid-run-pictures", daemon=True)
                self._thread.start()
        self._queue.put((run_id, publish))

    def wait_idle(self, run_id: str, timeout: float = 30.0) -> bool:
        """Wait until every picture of ``run_id`` queued so far is published; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending.get(run_id):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 5.0) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            run_id, publish = item
            try:
                publish()
            except Exception:
                log.exception("could not publish a picture of run %s", run_id)
            finally:
                with self._cond:
                    n = self._pending.get(run_id, 1) - 1
                    if n > 0:
                        self._pending[run_id] = n
                    else:
                        self._pending.pop(run_id, None)
                    self._cond.notify_all()
