"""The image's entrypoint guard and health probe."""

from __future__ import annotations

import http.server
import os
import threading
import time

import pytest

from akid.deploy import entrypoint, healthcheck

SERVE = ["python", "-m", "akid", "serve", "--host", "0.0.0.0"]
GOOD = "k3J9-qW2x_Lm8Pz4Vb7Nc1Rt6Yh0Ud5s"


@pytest.mark.parametrize("token", [None, "", "short", "change-me-to-a-long-random-string"])
def test_refuses_network_serving_without_a_real_token(token):
    env = {} if token is None else {"AKID_TOKEN": token}
    assert "refusing to serve on 0.0.0.0" in entrypoint.check(SERVE, env)


def test_allows_a_token_loopback_escape_hatch_and_other_commands():
    assert entrypoint.check(SERVE, {"AKID_TOKEN": GOOD}) is None
    assert entrypoint.check(["python", "-m", "akid", "serve", "--host=127.0.0.1"], {}) is None
    assert entrypoint.check(["python", "-m", "akid", "serve"], {"AKID_HOST": "0.0.0.0"}) is not None
    assert entrypoint.check(SERVE, {"AKID_ALLOW_NO_TOKEN": "1"}) is None
    assert entrypoint.check(["python", "-m", "akid.deploy.worker"], {}) is None


def test_refuses_the_template_database_password():
    env = {"AKID_TOKEN": GOOD, "AKID_DB_URL": "postgresql+psycopg://akid:CHANGE-ME@postgres:5432/akid"}
    assert "placeholder" in entrypoint.check(SERVE, env)
    env["AKID_DB_URL"] = "postgresql+psycopg://akid:0f9e8d7c6b5a@postgres:5432/akid"
    assert entrypoint.check(SERVE, env) is None


def test_entrypoint_main_exits_78_instead_of_serving():
    assert entrypoint.main(SERVE) == 78


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_http_probe_against_a_live_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert healthcheck.check_http(f"http://127.0.0.1:{port}/api/health")[0]
        assert not healthcheck.check_http(f"http://127.0.0.1:{port}/other")[0]
        assert healthcheck.main(["--url", f"http://127.0.0.1:{port}/api/health"]) == 0
    finally:
        server.shutdown()
    assert not healthcheck.check_http(f"http://127.0.0.1:{port}/api/health", timeout=1)[0]


def test_heartbeat_probe(tmp_path):
    beat = tmp_path / "hb"
    assert not healthcheck.check_heartbeat(str(beat), 60)[0]
    beat.touch()
    assert healthcheck.check_heartbeat(str(beat), 60)[0]
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert not healthcheck.check_heartbeat(str(beat), 60)[0]
    assert healthcheck.main(["--heartbeat", str(beat), "--max-age", "60"]) == 1
