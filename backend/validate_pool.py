"""Validation off the request thread, with a deadline and a bounded backlog.

The request budget (:mod:`akid.graph.budget`) bounds what one validate can cost; this
bounds how many run at once and how long a client waits: validations run on two pool
threads, a request waits at most ``validate_deadline_s`` (then 503 ``validate_timeout``),
and when more than a few are already waiting the request is refused at once (503
``busy``) instead of piling up threads and memory.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from backend import akidlib
from backend.errors import api_error

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="akid-validate")
_WAITING = threading.BoundedSemaphore(8)


def validate_with_deadline(doc: Any, limits: Any) -> dict[str, Any]:
    """The validator's report (with the parameter limit), or a 503 past the deadline."""
    if not _WAITING.acquire(blocking=False):
        raise api_error(503, "busy", "too many validations in progress; retry in a moment")
    try:
        future = _POOL.submit(akidlib.validate, doc, limits.max_model_params or None)
    except BaseException:
        _WAITING.release()
        raise
    future.add_done_callback(lambda _f: _WAITING.release())
    try:
        return future.result(timeout=limits.validate_deadline_s)
    except FutureTimeout:
        future.cancel()
        raise api_error(
            503,
            "validate_timeout",
            f"validation took longer than validate_deadline_s={limits.validate_deadline_s}s "
            "(set AKID_VALIDATE_DEADLINE_S to change it)",
            param="validate_deadline_s",
        ) from None
