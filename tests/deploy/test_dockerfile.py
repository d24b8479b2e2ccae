"""Static checks of the Dockerfile and .dockerignore (the image is built and run by test_container_*.py)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """Arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.M)]


def build_arg_defaults() -> dict[str, str]:
    """``ARG NAME=default`` lines before the first FROM (the base images)."""
    head = DOCKERFILE.split("\nFROM ", 1)[0]
    return dict(m.groups() for m in re.finditer(r"^ARG\s+(\w+)=(\S+)$", head, re.M))


def test_multi_stage_node_then_slim_python_with_overridable_bases():
    args = build_arg_defaults()
    assert args == {
        "NODE_BASE": "node:20-bookworm-slim",
        "PYTHON_BASE": "python:3.11-slim",
        "PYTHON_BUILD_BASE": "python:3.11-slim",
    }  # official images for users elsewhere
    stages = instructions("FROM")
    assert stages == ["${NODE_BASE} AS frontend", "${PYTHON_BUILD_BASE} AS python-deps", "${PYTHON_BASE} AS runtime"]
    assert not DOCKERFILE.startswith("# syntax=")  # BuildKit would pull a frontend image for it
    assert "npm ci" in DOCKERFILE and "npm run build" in DOCKERFILE
    assert "COPY --from=frontend /src/frontend/dist frontend/dist" in DOCKERFILE


def test_runs_as_non_root_with_health_check_and_serve_cmd():
    assert instructions("USER")[-1] == "10001:10001"
    health = instructions("HEALTHCHECK")[-1]
    assert "akid.deploy.healthcheck" in health
    cmd = json.loads(instructions("CMD")[-1])
    assert cmd == ["python", "-m", "akid", "serve", "--host", "0.0.0.0"]
    entry = json.loads(instructions("ENTRYPOINT")[-1])
    assert importlib.util.find_spec(entry[-1]) is not None
    assert not any(a.startswith("--token") for a in cmd)  # tokens come from the environment


def test_copied_files_exist_and_no_secrets_are_baked_in():
    for line in instructions("COPY"):
        if "--from=" in line:
            continue
        for src in line.split()[:-1]:
            if not src.startswith("--"):
                assert (ROOT / src).exists(), src
    assert not re.search(r"^(ENV|ARG)\s+.*(TOKEN|PASSWORD)", DOCKERFILE, re.M)


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "**/node_modules", "frontend/dist"} <= ignored
    # ... but not what the image needs
    assert not {"akid", "backend", "requirements.txt", "frontend"} & ignored
