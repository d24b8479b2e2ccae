"""Browser (e2e) test fixtures: a real akid studio server and headless Chromium.

- ``server`` (session): ``python -m akid serve`` on a free 127.0.0.1 port with a temporary data
  dir, serving the built ``frontend/dist``; stopped at the end. ``server.url``, ``server.api(...)``.
- ``browser`` (session): Debian Chromium (``/usr/bin/chromium`` or ``$AKID_CHROMIUM``) driven by
  Python Playwright's sync API; a missing Chromium fails them (`make test` installs it).
- ``page``: a fresh browser context + page on the server, 1600x1000; a screenshot of the final
  state goes to ``test-artifacts/<test name>.png``; uncaught page errors fail the test.
- ``shot(name)``: save a screenshot mid-test to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import pathlib
import sys

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS
from server_process import ServerProcess, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DIST = ROOT / "frontend" / "dist" / "index.html"
HERE = pathlib.Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in pathlib.Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class _Server(ServerProcess):
    """``python -m akid serve`` for the browser tests (start/stop: tests/server_process.py)."""

    def __init__(self, data_dir: pathlib.Path) -> None:
        port = free_port()
        self.data_dir = data_dir
        self.log = data_dir / "server.log"
        super().__init__(
            [_python(), "-m", "akid", "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
            port=port,
            log_path=self.log,
            cwd=ROOT,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1"),
            ready_path="/api/blocks",
        )

    def api(self, method: str, path: str, body=None):
        """Call the REST API directly (for checks and setup): the decoded JSON, errors included."""
        r = self.request(method, path, json=body, timeout=30)
        return r.json() if r.content else None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not DIST.exists():
        pytest.fail("frontend/dist is not built (run `make frontend`; `make test` does)")
    try:
        srv = _Server(tmp_path_factory.mktemp("akid-data"))
    except (RuntimeError, TimeoutError) as e:
        pytest.fail(f"akid serve did not start: {e}")
    yield srv
    srv.stop(grace=15)


@pytest.fixture(scope="session")
def browser():
    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM} (run `make chromium`; `make test` does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]


@pytest.fixture
def shot(request):
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {}

    def take(page_or_name, name: str | None = None):
        if name is None:  # shot("name") uses the test's page
            name, pg = page_or_name, pages["page"]
        else:
            pg = page_or_name
        pg.screenshot(path=str(ARTIFACTS / f"{_safe(request.node.name)}-{_safe(name)}.png"))

    take.pages = pages
    return take


@pytest.fixture
def page(browser, server, request, shot):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=server.url, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    shot.pages["page"] = pg
    yield pg
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{_safe(request.node.name)}.png"))
    except Exception:
        pass
    ctx.close()
    assert not errors, f"uncaught errors in the page: {errors}"
