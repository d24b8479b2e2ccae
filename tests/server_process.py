"""Start and stop a studio server subprocess on 127.0.0.1: the one helper the tests and ``bench/`` share.

Why one module: the hostile-input suite, the real-server integration tests and the
benchmarks' shared studio each had their own copy of "free port, ``Popen`` with a log
file, poll until it answers, terminate then kill". This module knows nothing about
akid (only the standard library and ``requests``), so ``bench/`` imports it the same
way it already imports the hostile suite's helpers (``tests/`` on ``sys.path``; pytest
puts it there through ``tests/conftest.py``).

It also times the start: ``port_open_s`` (process start to the TCP port accepting) and
``started_s`` (process start to ``ready_path`` answering 200), which is how
``bench/cold_start.py`` measures.
"""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import Any

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``argv`` started in ``cwd`` with ``env``, stdout+stderr into ``log_path``; waits until
    ``GET ready_path`` answers 200 on ``port`` (raising with the log's tail if the process exits
    or ``timeout`` passes, after stopping it). :meth:`stop` always ends the process."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        port: int,
        log_path: pathlib.Path,
        cwd: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None,
        ready_path: str = "/api/health",
        timeout: float = 120.0,
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = pathlib.Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.session = requests.Session()
        self.port_open_s: float | None = None
        self._log = open(self.log_path, "wb")
        self._t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv), cwd=cwd, env=dict(env) if env is not None else None, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_ready(ready_path, timeout)
        except BaseException:
            self.stop()
            raise
        self.started_s = time.perf_counter() - self._t0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.port_open_s is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                except OSError:
                    time.sleep(0.005)
                    continue
                self.port_open_s = time.perf_counter() - self._t0
            try:
                if self.session.get(self.url + path, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.01)
        raise TimeoutError(f"server did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 120)
        return self.session.request(method, self.url + path, **kw)

    def log_text(self) -> str:
        self._log.flush()
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_text()[-chars:]

    def stop(self, sig: int = signal.SIGTERM, grace: float = 20.0) -> None:
        """Send ``sig`` (SIGKILL to simulate a crash), wait ``grace`` seconds, then kill."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if not self._log.closed:
            self._log.close()
        self.session.close()
