"""The studio server the benchmarks talk to, and the context that shares it (and Chromium) between them.

Why one shared server: each server start imports TensorFlow (seconds on 2
cores); ``stream_latency`` and ``editor_scale`` used to start three between
them. :class:`Shared` starts ``python -m akid serve`` once, lazily, on a free
127.0.0.1 port, and times that start as the ``cold_start`` figure (process start
to ``/api/blocks`` answered). Its trainer is :func:`bench_trainer.train`: real
configs train with ``akid.train.api.train``, ``{"rate", "seconds"}`` configs run
the stand-in trainer of ``stream_latency`` (paced ``log`` events), so the
transport measurements need no second server. Chromium (Playwright) is shared
the same way. ``python bench/studio.py --serve PORT DATA_DIR`` is the server
entry: ``akid serve`` itself, with only the trainer target swapped. Starting,
timing and stopping the process is ``tests/server_process.py``, the helper the
server tests use too.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE), str(ROOT / "tests")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (tests/chromium.py)
from server_process import ServerProcess, free_port  # noqa: E402  (tests/server_process.py)

BENCH_TARGET = "bench_trainer:train"


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class Studio(ServerProcess):
    """A studio server subprocess on a free 127.0.0.1 port; ``stop()`` always ends it.

    ``started_s``: seconds from the process start until ``ready_path`` answered 200;
    ``port_open_s``: until its port accepted connections. Every such server also runs
    stand-in runs (``{"rate", "seconds"}`` configs), so ``fake`` (the old separate
    stand-in server) is accepted and ignored.
    """

    def __init__(
        self, data_dir: pathlib.Path, fake: bool = False, timeout: float = 120.0, ready_path: str = "/api/blocks"
    ) -> None:
        port = free_port()
        env = {
            **os.environ,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]),
        }
        super().__init__(
            [python(), str(HERE / "studio.py"), "--serve", str(port), str(data_dir)],
            port=port,
            log_path=data_dir / f"server-{port}.log",
            cwd=ROOT,
            env=env,
            ready_path=ready_path,
            timeout=timeout,
        )

    def api(self, method: str, path: str, body: Any = None) -> Any:
        r = self.request(method, path, json=body, timeout=60)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {r.status_code}: {r.text[:500]}")
        return r.json()


class Shared:
    """What several benchmarks share within one ``bench/run.py``: one server, one Chromium.

    Both start on first use; :meth:`close` ends them (``run.py`` closes as soon as no
    remaining benchmark needs them, so the training benchmarks run on a quiet machine).
    """

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._studio: Studio | None = None
        self._pw: Any = None
        self._browser: Any = None

    def studio(self) -> Studio:
        if self._studio is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="akid-bench-")
            self._studio = Studio(pathlib.Path(self._tmp.name))
        return self._studio

    def browser(self) -> Any:
        if self._browser is None:
            if not pathlib.Path(CHROMIUM).exists():
                raise FileNotFoundError(f"no Chromium at {CHROMIUM} (make chromium, or set AKID_CHROMIUM)")
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
        if self._studio is not None:
            self._studio.stop()
            self._studio = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Shared:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(port: int, data_dir: str) -> int:
    """``python -m akid serve`` with the benchmark trainer as the run target, nothing else changed."""
    import argparse

    import backend.app as app_module
    from akid.commands import serve

    create_app = app_module.create_app
    app_module.create_app = lambda cfg=None, **kw: create_app(
        {**(cfg or {}), "TRAIN_TARGET": BENCH_TARGET, "CONVERT_CONFIG": False}, **kw
    )
    parser = argparse.ArgumentParser()
    serve.add_parser(parser.add_subparsers())
    args = parser.parse_args(["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir])
    return serve.run(args)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        sys.exit(_serve(int(sys.argv[2]), sys.argv[3]))
    print(__doc__)
