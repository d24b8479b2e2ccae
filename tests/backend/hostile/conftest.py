"""The hostile-input suite's server: one per test session (see hostile_server.py)."""

from __future__ import annotations

import pytest
from backend_testutil import MLP
from hostile_server import HostileServer, fake_graph, wait_run


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    server = HostileServer(tmp_path_factory.mktemp("hostile"))
    try:
        # warm-up: TensorFlow and the block registry are imported by the first validate;
        # the RSS baseline is taken after, so the bound measures what a request costs
        assert server.api("POST", "/api/graphs/validate", json=MLP).status_code == 200
        saved = server.api("POST", "/api/graphs", json={"graph": fake_graph(steps=3), "name": "saved"}).json()
        run = server.api("POST", "/api/runs", json={"graph": fake_graph(steps=3), "config": {}}).json()
        server.run_id = run["id"]
        server.graph_id = saved["id"]
        wait_run(server, run["id"])
        server.baseline = server.rss()
        yield server
    finally:
        server.stop()
