"""Fixtures for the tests that build and run the real image (see ``dockerlib``).

One engine and one image per session, shared by every container test; both are cleaned up at
the end (a ``dockerd`` we started is stopped, the studio image and labelled containers and
volumes are removed; only the documented ``akid-test-cache/*`` images stay).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import dockerlib


@pytest.fixture(scope="session")
def docker_engine():
    try:
        started = dockerlib.start_engine()
    except dockerlib.EngineUnavailable as exc:
        pytest.skip(f"no Docker engine can run here, so the image is not built: {exc}")
    dockerlib.remove_labelled()  # leftovers of an interrupted earlier run
    try:
        yield
    finally:
        dockerlib.remove_labelled()
        dockerlib.stop_engine(started)


@pytest.fixture(scope="session")
def studio_image(docker_engine):
    """The repository's Dockerfile built with ``--network host``; removed after the session."""
    tag, seconds, args = dockerlib.build_studio_image()
    size = dockerlib.image_size_mb(tag)
    print(f"\n[docker] built {tag} in {seconds:.0f} s, {size:.0f} MB, bases {args}", flush=True)
    try:
        yield tag
    finally:
        dockerlib.remove_labelled()
        dockerlib.docker("rmi", tag, check=False)  # untags; the cached stage:runtime keeps the layers
