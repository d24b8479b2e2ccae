"""Backend fixtures: an app on a temp data dir whose runs use the fake trainer."""

from __future__ import annotations

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from backend_testutil import MLP


@pytest.fixture
def make_app(tmp_path):
    apps = []

    def factory(**overrides):
        from backend.app import create_app

        cfg = {
            "DATA_DIR": str(tmp_path / "data"),
            "TRAIN_TARGET": "backend_fake_trainer:train",
            "CONVERT_CONFIG": False,
            "VALIDATE_RUNS": False,
            "CANCEL_GRACE_S": 3.0,
        }
        cfg.update(overrides)
        app = create_app(cfg)
        app.testing = True
        apps.append(app)
        return app

    yield factory
    from backend.app import shutdown

    for app in apps:
        shutdown(app)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mlp():
    import copy

    return copy.deepcopy(MLP)
