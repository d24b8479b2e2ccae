"""Static checks of the Dockerfile and .dockerignore (no Docker engine runs in CI)."""
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


def test_multi_stage_node_then_slim_python():
    stages = instructions("FROM")
    assert stages[0].startswith("node:20") and " AS frontend" in stages[0]
    assert stages[-1].startswith("python:3.11-slim")
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
