"""The image's default command, run without Docker: the entrypoint guard, then the real studio
on 0.0.0.0 configured from the environment only, probed by the image's HEALTHCHECK command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "k3J9-qW2x_Lm8Pz4Vb7Nc1Rt6Yh0Ud5s"
SERVE = [sys.executable, "-m", "akid", "serve", "--host", "0.0.0.0"]  # the Dockerfile's CMD


def entrypoint(*cmd: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "akid.deploy.entrypoint", *cmd],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKID_")}
    return env | {"AKID_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}


def test_entrypoint_execs_other_commands_and_blocks_open_serving(tmp_path):
    p = entrypoint(sys.executable, "-c", "print('worker ran')", env=base_env(tmp_path))
    assert p.communicate(timeout=30)[0].strip() == "worker ran" and p.returncode == 0
    p = entrypoint(*SERVE, env=base_env(tmp_path))
    out = p.communicate(timeout=30)[0]
    assert p.returncode == 78 and "AKID_TOKEN is not set" in out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_studio_answers_the_image_healthcheck(tmp_path):
    """Docker's HEALTHCHECK and the Kubernetes probes call GET /api/health without a token;
    without that route every deployed studio is marked unhealthy and restarted in a loop."""
    port = free_port()
    env = base_env(tmp_path) | {"AKID_TOKEN": TOKEN, "AKID_PORT": str(port)}
    server = entrypoint(*SERVE, "--port", str(port), env=env)
    try:
        deadline, result = time.monotonic() + 45, None
        while time.monotonic() < deadline and server.poll() is None:
            result = subprocess.run(
                [sys.executable, "-m", "akid.deploy.healthcheck"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=20
            )
            if "->" in result.stdout:  # the server answered (any status): stop polling
                break
            time.sleep(0.5)
        assert server.poll() is None, f"studio exited: {server.communicate(timeout=5)[0][-2000:]}"
        assert result is not None and result.returncode == 0, (
            f"{result.stdout.strip() if result else 'no probe ran'}: the backend must serve GET /api/health "
            "(200, no token needed) — see docs/deployment.md"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
