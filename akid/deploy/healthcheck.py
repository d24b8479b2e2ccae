"""``python -m akid.deploy.healthcheck``: the container health probe, stdlib only.

Why Python and not ``curl``: the slim runtime image ships no curl, and a probe written here is
tested like the rest. Two modes:

- server (default): ``GET http://127.0.0.1:$AKID_PORT/api/health`` must answer 2xx within 3 s;
- worker (``--heartbeat PATH``): the worker refreshes PATH on every training event and while it
  waits for a job; older than ``--max-age`` seconds means it is stuck (e.g. a collective op
  waiting on a dead peer), and the orchestrator should restart it (it then resumes).
Exit status 0 = healthy, 1 = unhealthy (what Docker and Kubernetes exec probes expect).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request

HEALTH_PATH = "/api/health"


def default_url() -> str:
    from akid.settings import get_settings

    return f"http://127.0.0.1:{get_settings().port}{HEALTH_PATH}"


def check_http(url: str, timeout: float = 3.0) -> tuple[bool, str]:
    """(healthy, why) for one GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return 200 <= resp.status < 300, f"{url} -> {resp.status}"
    except urllib.error.HTTPError as exc:
        return False, f"{url} -> {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return False, f"{url} unreachable: {getattr(exc, 'reason', exc)}"


def check_heartbeat(path: str, max_age: float, now: float | None = None) -> tuple[bool, str]:
    """(healthy, why): ``path`` exists and was touched less than ``max_age`` seconds ago."""
    try:
        age = (time.time() if now is None else now) - os.stat(path).st_mtime
    except OSError:
        return False, f"no heartbeat at {path}"
    return age <= max_age, f"heartbeat {age:.0f}s old (limit {max_age:.0f}s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akid.deploy.healthcheck")
    parser.add_argument("--url", default=None, help=f"default http://127.0.0.1:$AKID_PORT{HEALTH_PATH}")
    parser.add_argument("--heartbeat", default=None, help="worker mode: heartbeat file to check")
    from akid.settings import get_settings

    parser.add_argument("--max-age", type=float, default=get_settings().heartbeat_max_age)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    if args.heartbeat:
        ok, why = check_heartbeat(args.heartbeat, args.max_age)
    else:
        ok, why = check_http(args.url or default_url(), args.timeout)
    print(("healthy: " if ok else "unhealthy: ") + why)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
