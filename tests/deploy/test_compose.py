"""docker-compose.yml validates offline with docker-compose 1.29, demands its secrets, and wires
health checks, volumes and ports as docs/deployment.md describes."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DUMMY = {"AKID_TOKEN": "dummy-token-for-config-check", "POSTGRES_PASSWORD": "dummypassword"}


def compose(*args: str, env: dict[str, str] | None = None, env_file: Path) -> subprocess.CompletedProcess:
    """Run docker-compose with a clean environment and an explicit env file, so neither the
    developer's shell nor a local .env can make the test pass or fail."""
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is missing: apt-get install -y docker-compose (make test does it)"
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [exe, "-f", str(COMPOSE), "--env-file", str(env_file), *args],
        cwd=ROOT,
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def empty_env(tmp_path) -> Path:
    path = tmp_path / "empty.env"
    path.write_text("")
    return path


def rendered(env_file: Path, **extra: str) -> dict:
    result = compose("--profile", "training", "config", env=DUMMY | extra, env_file=env_file)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_config_is_valid_with_the_required_variables(empty_env):
    result = compose("config", "-q", env=DUMMY, env_file=empty_env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(DUMMY))
def test_each_secret_is_required_with_a_message(empty_env, missing):
    env = {k: v for k, v in DUMMY.items() if k != missing}
    result = compose("config", "-q", env=env, env_file=empty_env)
    assert result.returncode != 0
    assert missing in result.stderr and ".env" in result.stderr


def test_env_example_provides_every_required_variable():
    result = compose("config", "-q", env_file=ROOT / ".env.example")
    assert result.returncode == 0, result.stderr


def test_no_secret_literals_in_the_file():
    text = COMPOSE.read_text()
    for line in text.splitlines():
        if re.search(r"(TOKEN|PASSWORD)\s*:", line):
            assert "${" in line, f"secret without interpolation: {line.strip()}"
    assert (
        not (ROOT / ".env").exists()
        or ".env" not in subprocess.run(["git", "ls-files", ".env"], cwd=ROOT, capture_output=True, text=True).stdout
    ), ".env is tracked by git"


def test_services_health_dependencies_and_exposure(empty_env):
    services = rendered(empty_env)["services"]
    assert set(services) == {"studio", "postgres", "worker"}
    assert all("healthcheck" in s for s in services.values())
    assert services["studio"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ports" not in services["postgres"] and "ports" not in services["worker"]
    assert services["studio"]["ports"] == ["127.0.0.1:5000:5000/tcp"]  # loopback unless AKID_BIND says otherwise
    assert (
        services["studio"]["environment"]["AKID_DB_URL"]
        == f"postgresql+psycopg://akid:{DUMMY['POSTGRES_PASSWORD']}@postgres:5432/akid"
    )


def test_studio_and_workers_share_one_volume_and_image(empty_env):
    services = rendered(empty_env, AKID_WORKERS="3")["services"]
    studio, worker = services["studio"], services["worker"]
    assert studio["image"] == worker["image"]
    mounts = {s: {v.split(":")[0]: v.split(":")[1] for v in services[s]["volumes"]} for s in ("studio", "worker")}
    assert mounts["studio"]["shared"] == mounts["worker"]["shared"] == "/shared"
    assert worker["deploy"]["replicas"] == 3
    assert worker["environment"]["AKID_WORKERS"] == "3"
    assert worker["environment"]["AKID_JOB_SPEC"].startswith("/shared/")
    assert worker["profiles"] == ["training"]


def test_commands_name_modules_that_exist(empty_env):
    """A renamed module would otherwise only show up as a crash loop after deployment."""
    services = rendered(empty_env)["services"]
    cmds = [s["command"] for s in services.values() if "command" in s]
    cmds += [s["healthcheck"]["test"][1:] for s in services.values() if s["healthcheck"]["test"][0] == "CMD"]
    modules = [c[c.index("-m") + 1] for c in cmds if "-m" in c]
    assert "akid.deploy.worker" in modules and "akid.deploy.healthcheck" in modules
    for mod in modules:
        assert importlib.util.find_spec(mod) is not None, mod
