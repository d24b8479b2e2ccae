"""The studio image, built from the repository's Dockerfile and run by a real Docker engine.

Checks what a deployment relies on: the health probe, the built frontend, a training run started
through the container's API that completes with its metrics in the container's volume (they are
still there when a new container mounts the volume), a non-root server process, and the
entrypoint's refusal to serve off loopback without a token.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid

import dockerlib
import pytest
import requests

TOKEN = "t0k3n-" + uuid.uuid4().hex
GRAPH = json.loads((dockerlib.ROOT / "deploy" / "examples" / "mlp.graph.json").read_text())
CONFIG = {
    "data": {"source": "digits", "params": {}},
    "epochs": 2,
    "batch_size": 64,
    "observers": {"histograms_every": 0, "images_every": 0, "tensorboard": False},
}

pytestmark = pytest.mark.docker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Studio:
    """One studio container on the host network, its state in ``volume``."""

    def __init__(self, image: str, volume: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = f"akid-test-studio-{uuid.uuid4().hex[:8]}"
        env = ["-e", f"AKID_TOKEN={TOKEN}", "-e", f"AKID_PORT={self.port}"]  # the image's CMD serves on 0.0.0.0
        labelled = ["--name", self.name, "--label", f"{dockerlib.LABEL}=1"]
        dockerlib.docker("run", "-d", *labelled, "--network", "host", "-v", f"{volume}:/shared", *env, image)
        deadline = time.monotonic() + 120
        while not self.healthy():
            state = dockerlib.inspect(self.name)["State"]
            assert state["Running"], f"studio exited ({state['ExitCode']}):\n{dockerlib.container_logs(self.name)}"
            assert time.monotonic() < deadline, f"no /api/health answer:\n{dockerlib.container_logs(self.name)}"
            time.sleep(0.5)

    def healthy(self) -> bool:
        try:
            return requests.get(self.url + "/api/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def api(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kw)

    def remove(self) -> None:
        dockerlib.docker("rm", "-f", self.name, check=False)


@pytest.fixture
def volume(docker_engine):
    name = dockerlib.new_volume()
    yield name
    dockerlib.docker("volume", "rm", "-f", name, check=False)


def test_studio_container_serves_trains_and_keeps_metrics_in_its_volume(studio_image, volume):
    studio = Studio(studio_image, volume)
    try:
        health = requests.get(studio.url + "/api/health", timeout=5)
        assert health.status_code == 200 and health.json()
        page = requests.get(studio.url + "/", timeout=10)
        assert page.status_code == 200 and '<div id="root">' in page.text, page.text[:500]
        script = re.search(r'<script[^>]+src="\.?/?(assets/[^"]+\.js)"', page.text)
        assert script, page.text[:800]
        js = requests.get(f"{studio.url}/{script.group(1)}", timeout=10)
        assert js.status_code == 200 and len(js.content) > 10_000  # the built bundle, not a placeholder
        assert requests.get(studio.url + "/api/runs", timeout=5).status_code == 401  # the token is enforced

        # the server process (PID 1 after the entrypoint's exec) runs as the image's uid 10001
        status = dockerlib.docker("exec", studio.name, "cat", "/proc/1/status").stdout
        uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
        assert set(uids) == {"10001"}, status

        created = studio.api("POST", "/api/runs", json={"graph": GRAPH, "config": CONFIG, "name": "in a container"})
        assert created.status_code == 201, created.text
        run_id = created.json()["id"]
        deadline, run = time.monotonic() + 300, {}
        while time.monotonic() < deadline:
            run = studio.api("GET", f"/api/runs/{run_id}").json()
            if run["status"] in {"completed", "failed", "cancelled", "interrupted"}:
                break
            time.sleep(1)
        assert run.get("status") == "completed", f"{run}\n{dockerlib.container_logs(studio.name)}"
        series = studio.api("GET", f"/api/runs/{run_id}/metrics").json()["series"]
        assert any(name.endswith("loss") and points for name, points in series.items()), series.keys()
        files = dockerlib.docker("exec", studio.name, "find", "/shared", "-maxdepth", "3").stdout.split()
        assert any(f.startswith("/shared/data") for f in files), files
    finally:
        studio.remove()

    # a new container on the same volume still has the run and its metrics
    again = Studio(studio_image, volume)
    try:
        run = again.api("GET", f"/api/runs/{run_id}").json()
        assert run["status"] == "completed"
        assert again.api("GET", f"/api/runs/{run_id}/metrics").json()["series"] == series
    finally:
        again.remove()


def test_image_refuses_to_serve_off_loopback_without_a_token(studio_image):
    name = f"akid-test-notoken-{uuid.uuid4().hex[:8]}"
    proc = dockerlib.docker(
        "run", "--name", name, "--label", f"{dockerlib.LABEL}=1", "--network", "none", studio_image, check=False, timeout=120
    )
    try:
        assert proc.returncode == 78, proc.stdout + proc.stderr
        assert "AKID_TOKEN is not set" in proc.stdout + proc.stderr
        assert dockerlib.inspect(name)["Config"]["User"] == "10001:10001"
    finally:
        dockerlib.docker("rm", "-f", name, check=False)
