"""Drive a real Docker engine for the container tests: start one, get base images, build the image.

Why this exists: the Dockerfile and compose file are what users run, so the tests build and run
them for real. Test machines often cannot pull from a registry, so when ``python:3.11-slim`` /
``node:20-bookworm-slim`` cannot be pulled the bases are built locally from Debian packages
(``mmdebstrap``) and the host's Node.js. Everything slow is cached between runs:

- ``$AKID_TEST_DOCKER_CACHE`` (default ``~/.cache/akid-test-docker/``): the Debian root file system
  tarball and the pip wheels of ``requirements.txt`` (+ ``deploy/requirements-deploy.txt``);
- images named ``akid-test-cache/*``: the bases and the image's three build stages (so an unchanged
  ``requirements.txt`` or ``package-lock.json`` is not reinstalled and unchanged layers are
  reused); a rebuilt stage replaces its previous image, which is removed.

Everything else a test creates (the studio image, containers, volumes) carries the label
``akid.test`` and is removed by the fixtures. ``docker rmi $(docker images -q 'akid-test-cache/*')``
and ``rm -r ~/.cache/akid-test-docker`` drop the caches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("AKID_TEST_DOCKER_CACHE", "~/.cache/akid-test-docker")).expanduser()
CACHE_REPO = "akid-test-cache"
LABEL = "akid.test"
STUDIO_REPO = "akid-test/studio"
OFFICIAL_PYTHON, OFFICIAL_NODE = "python:3.11-slim", "node:20-bookworm-slim"
REQUIREMENTS = [ROOT / "requirements.txt", ROOT / "deploy" / "requirements-deploy.txt"]
# The classic builder: `docker build --network host` reaches the host's package indexes through
# it, and it needs no buildx plugin (BuildKit would also try to pull its Dockerfile frontend).
ENV = {**os.environ, "DOCKER_BUILDKIT": "0", "DOCKER_CLI_HINTS": "false"}


class EngineUnavailable(RuntimeError):
    """No Docker engine answers and none could be started (the only reason the tests skip)."""


def docker(*args: str, timeout: float = 120, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the docker CLI; on failure raise with its output (what a failed test should show)."""
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=ENV, input=input)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"docker {' '.join(args[:6])} ... failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20, env=ENV).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def start_engine() -> subprocess.Popen | None:
    """An engine that answers: None if one already runs, else the ``dockerd`` we started.

    ``--iptables=false --bridge=none``: containers here use the host's network (``--network host``),
    so the daemon needs no NAT rules or bridge, which unprivileged sandboxes refuse to create.
    """
    if engine_answers():
        return None
    dockerd = shutil.which("dockerd")
    if not shutil.which("docker") or not dockerd:
        raise EngineUnavailable("the docker CLI or dockerd is not installed (`make test` installs docker.io)")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log = open(CACHE_DIR / "dockerd.log", "w")
    proc = subprocess.Popen(
        [dockerd, "--iptables=false", "--bridge=none"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if engine_answers():
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    stop_engine(proc)
    tail = (CACHE_DIR / "dockerd.log").read_text(errors="replace")[-1500:]
    raise EngineUnavailable(f"dockerd did not start (needs root and a kernel with overlayfs/cgroups): {tail}")


def stop_engine(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def image_exists(ref: str) -> bool:
    return docker("image", "inspect", ref, check=False, timeout=30).returncode == 0


def pullable(ref: str) -> bool:
    """Present locally or pulled now; False when no registry answers (the usual offline case)."""
    return image_exists(ref) or docker("pull", "-q", ref, check=False, timeout=300).returncode == 0


def debian_base() -> str:
    """A bookworm image with python3 + venv, built from Debian packages and cached."""
    tag = f"{CACHE_REPO}/debian:bookworm"
    if image_exists(tag):
        return tag
    tar = CACHE_DIR / "debian-bookworm-minbase.tar"
    if not tar.exists():
        if not shutil.which("mmdebstrap"):
            raise RuntimeError(
                "no registry base image and no mmdebstrap to build one: apt-get install mmdebstrap (`make test` does)"
            )
        part = CACHE_DIR / "debian-bookworm-minbase.part.tar"  # mmdebstrap picks the format from the suffix
        subprocess.run(
            ["mmdebstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates,passwd", "bookworm", str(part)],
            check=True,
            capture_output=True,
            timeout=900,
        )
        part.rename(tar)
    docker("import", "--change", 'CMD ["/bin/bash"]', str(tar), tag, timeout=300)
    return tag


def _build_small(tag: str, dockerfile: str, files: dict[str, Path]) -> None:
    """Build ``tag`` from a Dockerfile text and a few files copied into a throwaway context."""
    with tempfile.TemporaryDirectory(prefix="akid-ctx-") as ctx:
        for name, src in files.items():
            dst = Path(ctx) / name
            if src.is_dir():
                shutil.copytree(src, dst, symlinks=True)
            else:
                shutil.copy2(src, dst)
        (Path(ctx) / "Dockerfile").write_text(dockerfile)
        docker("build", "--network", "host", "-t", tag, ctx, timeout=900)


def host_ca_bundle() -> Path | None:
    """The CA bundle the host's pip/npm trust (TLS-inspecting proxies add their CA to it)."""
    for p in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if p and Path(p).is_file():
            return Path(p)
    return None


def node_base() -> str:
    """``node:20-bookworm-slim``, or the Debian base plus this machine's Node.js and npm."""
    if pullable(OFFICIAL_NODE):
        return OFFICIAL_NODE
    node = shutil.which("node")
    if not node:
        raise RuntimeError(f"cannot pull {OFFICIAL_NODE} and no local Node.js to build a base from")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    tag = f"{CACHE_REPO}/node:{version.lstrip('v')}"
    if image_exists(tag):
        return tag
    prefix = Path(node).resolve().parent.parent  # /usr or /usr/local
    members = [prefix / "bin" / "node", prefix / "lib" / "node_modules" / "npm"]
    members += [p for p in (prefix / "bin" / "npm", prefix / "bin" / "npx") if p.is_symlink() or p.exists()]
    with tempfile.TemporaryDirectory(prefix="akid-node-") as tmp:
        tar_path = Path(tmp) / "node.tar"
        with tarfile.open(tar_path, "w") as tar:
            for m in members:
                tar.add(m, arcname=str(m).lstrip("/"))
        files = {"node.tar": tar_path}
        lines = [f"FROM {debian_base()}", "ADD node.tar /"]
        ca = host_ca_bundle()
        if ca:
            files["host-ca.crt"] = ca
            lines += [
                "COPY host-ca.crt /etc/ssl/certs/host-ca.crt",
                "ENV NPM_CONFIG_CAFILE=/etc/ssl/certs/host-ca.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca.crt",
            ]
        lines.append("RUN node --version && npm --version")
        _build_small(tag, "\n".join(lines) + "\n", files)
    return tag


def python_base() -> str:
    return OFFICIAL_PYTHON if pullable(OFFICIAL_PYTHON) else debian_base()


def requirements_hash() -> str:
    h = hashlib.sha256()
    for p in REQUIREMENTS:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def wheels() -> Path:
    """Wheels for every requirement, built by the host's pip (same Python 3.11), cached by hash."""
    wheel_dir, digest = CACHE_DIR / "wheels", requirements_hash()
    stamp = wheel_dir / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return wheel_dir
    wheel_dir.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheel_dir)]
    for p in REQUIREMENTS:
        args += ["-r", str(p)]
    subprocess.run(args, check=True, capture_output=True, timeout=1800)
    stamp.write_text(digest)
    return wheel_dir


def python_build_base(base: str) -> str:
    """``base`` + the cached wheels + ``PIP_NO_INDEX``: the Dockerfile's ``pip install`` runs offline."""
    base_id = image_id(base) or ""
    tag = f"{CACHE_REPO}/python-build:{requirements_hash()}-{base_id.split(':')[-1][:12]}"
    if image_exists(tag):
        return tag
    dockerfile = f"FROM {base}\nCOPY wheels /wheels\nENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheels\n"
    _build_small(tag, dockerfile, {"wheels": wheels()})
    return tag


def build_studio_image() -> tuple[str, float, dict[str, str]]:
    """Build the repository's Dockerfile; returns (tag, seconds, build args).

    The two build stages are tagged ``akid-test-cache/stage:*`` first: they keep the classic
    builder's layer cache alive after the test removes the studio image.
    """
    t0 = time.monotonic()
    python = python_base()
    args = {"NODE_BASE": node_base(), "PYTHON_BASE": python, "PYTHON_BUILD_BASE": python_build_base(python)}
    build_args = [a for k, v in args.items() for a in ("--build-arg", f"{k}={v}")]
    for stage in ("frontend", "python-deps"):
        build_cached(f"{CACHE_REPO}/stage:{stage}", "--network", "host", *build_args, "--target", stage, str(ROOT))
    # The runtime stage is the image under test: one build, two names (the cache keeps its layers
    # after the test removes its own name; building it twice would hash the 2 GB venv twice).
    tag = f"{STUDIO_REPO}:{uuid.uuid4().hex[:10]}"
    build_cached(f"{CACHE_REPO}/stage:runtime", "-t", tag, "--network", "host", *build_args, "--label", f"{LABEL}=1", str(ROOT))
    return tag, time.monotonic() - t0, args


def image_id(ref: str) -> str | None:
    proc = docker("image", "inspect", "-f", "{{.Id}}", ref, check=False, timeout=30)
    return proc.stdout.strip() if proc.returncode == 0 else None


def build_cached(tag: str, *build_args: str) -> None:
    """Build ``tag``; the image it replaces is removed, so no untagged ``<none>`` image is left behind."""
    old = image_id(tag)
    docker("build", "-t", tag, *build_args, timeout=1800)
    if old and old != image_id(tag):
        docker("rmi", old, check=False, timeout=120)  # refused (and kept) only if something still uses it


def image_size_mb(tag: str) -> float:
    return int(docker("image", "inspect", "-f", "{{.Size}}", tag).stdout.strip()) / 1e6


def new_volume() -> str:
    name = f"akid-test-{uuid.uuid4().hex[:10]}"
    docker("volume", "create", "--label", f"{LABEL}=1", name)
    return name


def remove_labelled() -> None:
    """Remove every container, volume and studio image the tests created (label ``akid.test``).

    Called when the session starts too: a run that was killed leaves nothing behind for long.
    """
    ids = docker("ps", "-aq", "--filter", f"label={LABEL}", check=False).stdout.split()
    if ids:
        docker("rm", "-f", "-v", *ids, check=False, timeout=120)
    vols = docker("volume", "ls", "-q", "--filter", f"label={LABEL}", check=False).stdout.split()
    if vols:
        docker("volume", "rm", "-f", *vols, check=False)
    # by name, not id: the same image is also the cache's stage:runtime, which stays
    names = docker("images", "--format", "{{.Repository}}:{{.Tag}}", STUDIO_REPO, check=False).stdout.split()
    if names:
        docker("rmi", *names, check=False, timeout=120)


def container_logs(name: str) -> str:
    proc = docker("logs", "--tail", "80", name, check=False)
    return (proc.stdout + proc.stderr)[-6000:]


def inspect(name: str) -> dict:
    return json.loads(docker("inspect", name).stdout)[0]
