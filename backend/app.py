"""The app factory: ``create_app(config)`` wires store, hub, run manager, REST and Socket.IO.

One factory for the CLI, the tests and WSGI hosting; every knob is a config
key so tests can point the run manager at a fake trainer or a temp data dir.
"""
from __future__ import annotations

import atexit
import logging
import os
import pathlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue
from flask_socketio import SocketIO

from backend import live, security
from backend.api import register_blueprints
from backend.errors import register_error_handlers
from backend.runs.hub import EventHub
from backend.runs.manager import RunManager
from backend.runs.worker import DEFAULT_TARGET
from backend.sweeps import live as sweep_live
from backend.store import AbstractStore, open_store

ROOT = pathlib.Path(__file__).resolve().parent.parent
log = logging.getLogger("akid.backend")

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "var",
    "RUNS_DIR": None,  # default: <DATA_DIR>/runs (shared storage when training workers run elsewhere)
    "DATABASE_URL": None,  # default: sqlite:///<DATA_DIR>/akid.db
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "TOKEN": None,  # required (generated if missing) when HOST is not loopback
    "MAX_CONCURRENT_RUNS": 1,
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "MAX_MODEL_PARAMS": 50_000_000,
    "TRAIN_TARGET": DEFAULT_TARGET,
    "CONVERT_CONFIG": True,  # validate/convert configs with akid.train.config
    "VALIDATE_RUNS": True,  # validate graphs (and the size limit) before a run starts
    "CANCEL_GRACE_S": 10.0,
    "METRICS_BATCH_S": 0.1,
    "CORS_ORIGINS": [],  # origins allowed besides the server's own
    "FRONTEND_DIST": str(ROOT / "frontend" / "dist"),
    "START_RUN_MANAGER": True,
    "WORKER_ENV": {},
    "WARM_WORKERS": True,
    "K8S_POLL_S": 2.0,  # how often a Kubernetes run's Job status and worker event files are read  # keep one spare worker with TensorFlow imported (runs start in ~0s, not ~10s)
}


@dataclass
class Services:
    store: AbstractStore
    hub: EventHub
    manager: RunManager
    data_dir: pathlib.Path
    socketio: SocketIO


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the studio app. ``app.extensions["socketio"]`` is its SocketIO (for ``.run`` and tests)."""
    cfg = {**DEFAULTS, **(config or {})}
    extra = os.environ.get("AKID_CORS_ORIGINS")
    if extra:
        cfg["CORS_ORIGINS"] = list(cfg["CORS_ORIGINS"]) + [o.strip() for o in extra.split(",") if o.strip()]
    loopback = security.is_loopback(str(cfg["HOST"]))
    if not loopback and not cfg["TOKEN"]:
        cfg["TOKEN"] = secrets.token_urlsafe(24)
    cfg["LOOPBACK_ONLY"] = loopback

    data_dir = pathlib.Path(cfg["DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    runs_dir = pathlib.Path(cfg["RUNS_DIR"] or data_dir / "runs").resolve()
    runs_dir.mkdir(parents=True, exist_ok=True)
    url = cfg["DATABASE_URL"] or f"sqlite:///{data_dir / 'akid.db'}"

    app = Flask(__name__, static_folder=None)
    app.config.update(cfg)
    app.json.sort_keys = False
    register_error_handlers(app)
    security.install(app)
    register_blueprints(app)
    _serve_frontend(app, pathlib.Path(cfg["FRONTEND_DIST"]))

    socketio = SocketIO(app, async_mode="threading", cors_allowed_origins=security.origin_checker(list(cfg["CORS_ORIGINS"])),
                        max_http_buffer_size=int(cfg["MAX_CONTENT_LENGTH"]), logger=False, engineio_logger=False)
    store = open_store(url)
    hub = EventHub(store, socketio)
    manager = RunManager(store, hub, runs_dir, cfg["MAX_CONCURRENT_RUNS"], cfg["TRAIN_TARGET"], cfg["CONVERT_CONFIG"],
                         cfg["CANCEL_GRACE_S"], cfg["METRICS_BATCH_S"], cfg["WORKER_ENV"], bool(cfg["WARM_WORKERS"]))
    manager.kube.poll_s = float(cfg["K8S_POLL_S"])
    app.extensions["akid"] = Services(store, hub, manager, data_dir, socketio)
    live.register(socketio)
    sweep_live.install(app)  # sweeps: /api/sweeps and sweep.subscribe (backend/sweeps)
    if cfg["START_RUN_MANAGER"]:
        manager.start()
        atexit.register(manager.shutdown)
    return app


def shutdown(app: Flask) -> None:
    """Stop the run manager (runs in flight become interrupted) and close the store."""
    svc: Services = app.extensions["akid"]
    if "akid_sweeps" in app.extensions:
        app.extensions["akid_sweeps"].shutdown()
    svc.manager.shutdown()
    svc.store.close()


def _serve_frontend(app: Flask, dist: pathlib.Path) -> None:
    @app.get("/")
    def index() -> ResponseReturnValue:
        if not (dist / "index.html").is_file():
            return ("<!doctype html><title>akid studio</title><p>The frontend is not built: run <code>make run</code>.</p>", 200)
        return send_from_directory(dist, "index.html")

    @app.get("/<path:path>")
    def static_files(path: str) -> ResponseReturnValue:
        if path.startswith(("api/", "socket.io/")):
            abort(404)
        if (dist / path).is_file():
            return send_from_directory(dist, path)
        if "." not in path.rsplit("/", 1)[-1] and (dist / "index.html").is_file():
            return send_from_directory(dist, "index.html")  # client-side routes
        abort(404)
