"""The app factory: ``create_app(config, settings)`` wires store, hub, run manager, REST and Socket.IO.

One factory for the CLI, the tests and WSGI hosting. What users configure lives in
:class:`akid.settings.Settings` (read once from ``AKID_*``); ``config`` adds the wiring
knobs tests need (a fake trainer, no warm worker) and may override settings by their
Flask-style names (``DATA_DIR``, ``TOKEN``, ``MAX_MODEL_PARAMS``, ...).
"""

from __future__ import annotations

import atexit
import logging
import pathlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue
from flask_socketio import SocketIO

from akid.settings import Settings, get_settings
from backend import live, security
from backend.api import register_blueprints
from backend.errors import register_error_handlers
from backend.jsonenc import install_json
from backend.runs.hub import EventHub
from backend.runs.manager import ManagerConfig, RunManager
from backend.runs.worker import DEFAULT_TARGET
from backend.store import AbstractStore, open_store
from backend.sweeps import live as sweep_live

ROOT = pathlib.Path(__file__).resolve().parent.parent
log = logging.getLogger("akid.backend")

#: config keys that override a :class:`Settings` field (Flask-style name -> field / limit name)
SETTING_KEYS = {
    "DATA_DIR": "data_dir",
    "RUNS_DIR": "runs_dir",
    "DATABASE_URL": "db_url",
    "HOST": "host",
    "PORT": "port",
    "TOKEN": "token",
    "MAX_CONCURRENT_RUNS": "max_concurrent_runs",
    "CORS_ORIGINS": "cors_origins",
    "MAX_CONTENT_LENGTH": "max_request_bytes",
    "MAX_MODEL_PARAMS": "max_model_params",
    "MAX_QUEUED_RUNS": "max_queued_runs",
    "DATA_PATH": "data_path",
}

#: wiring knobs (not user settings): tests swap the trainer, skip validation, shorten timeouts
DEFAULTS: dict[str, Any] = {
    "TRAIN_TARGET": DEFAULT_TARGET,
    "CONVERT_CONFIG": True,  # validate/convert configs with akid.train.config
    "VALIDATE_RUNS": True,  # validate graphs (and the size limit) before a run starts
    "CANCEL_GRACE_S": 10.0,
    "METRICS_BATCH_S": 0.1,
    "FRONTEND_DIST": str(ROOT / "frontend" / "dist"),
    "START_RUN_MANAGER": True,
    "WORKER_ENV": {},
    "WARM_WORKERS": True,  # keep one spare worker with TensorFlow imported (runs start in ~0s, not ~10s)
    "K8S_POLL_S": 2.0,  # how often a Kubernetes run's Job status and worker event files are read
}


@dataclass
class Services:
    store: AbstractStore
    hub: EventHub
    manager: RunManager
    data_dir: pathlib.Path
    socketio: SocketIO
    settings: Settings


def _settings_for(config: dict[str, Any], settings: Settings | None) -> Settings:
    base = settings or get_settings()
    changes = {SETTING_KEYS[k]: v for k, v in config.items() if k in SETTING_KEYS}
    if "cors_origins" in changes:
        changes["cors_origins"] = tuple(base.cors_origins) + tuple(changes["cors_origins"] or ())
    return base.replace(**changes) if changes else base


def create_app(config: dict[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """Build the studio app. ``app.extensions["socketio"]`` is its SocketIO (for ``.run`` and tests)."""
    cfg = {**DEFAULTS, **(config or {})}
    st = _settings_for(cfg, settings)
    loopback = security.is_loopback(st.host)
    if not loopback and not st.token:
        st = st.replace(token=secrets.token_urlsafe(24))

    data_dir = pathlib.Path(st.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    runs_dir = pathlib.Path(st.runs_dir or data_dir / "runs").resolve()
    runs_dir.mkdir(parents=True, exist_ok=True)
    url = st.db_url or f"sqlite:///{data_dir / 'akid.db'}"

    app = Flask(__name__, static_folder=None)
    app.config.update(cfg)
    # Flask-facing copies of the settings the request guards read (one source: ``st``)
    app.config.update(
        TOKEN=st.token,
        LOOPBACK_ONLY=loopback,
        CORS_ORIGINS=list(st.cors_origins),
        MAX_CONTENT_LENGTH=st.limits.max_request_bytes,
        AKID_SETTINGS=st,
    )
    install_json(app)
    register_error_handlers(app)
    security.install(app)
    register_blueprints(app)
    _serve_frontend(app, pathlib.Path(cfg["FRONTEND_DIST"]))

    socketio = SocketIO(
        app,
        async_mode="threading",
        cors_allowed_origins=security.origin_checker(list(st.cors_origins)),
        max_http_buffer_size=st.limits.max_request_bytes,
        logger=False,
        engineio_logger=False,
        json=live.SafeJson,
        async_handlers=False,
    )
    store = open_store(url)
    hub = EventHub(store, socketio, queue_max=st.limits.client_queue_max, trace=st.stream_trace)
    manager = RunManager(
        store,
        hub,
        ManagerConfig(
            runs_dir=runs_dir,
            max_concurrent=st.max_concurrent_runs,
            max_queued=st.limits.max_queued_runs,
            train_target=cfg["TRAIN_TARGET"],
            convert_config=cfg["CONVERT_CONFIG"],
            cancel_grace=cfg["CANCEL_GRACE_S"],
            batch_interval=cfg["METRICS_BATCH_S"],
            worker_env=dict(cfg["WORKER_ENV"]),
            warm_workers=bool(cfg["WARM_WORKERS"]),
            k8s_poll_s=float(cfg["K8S_POLL_S"]),
            settings=st,
        ),
    )
    app.extensions["akid"] = Services(store, hub, manager, data_dir, socketio, st)
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
    svc.hub.close()
    svc.store.close()


def _serve_frontend(app: Flask, dist: pathlib.Path) -> None:
    """The built frontend. Any path that is not a file of ``dist`` gets the same answer
    (the index for client-side routes), so the route tells nothing about files elsewhere."""
    root = dist.resolve()

    def _index() -> ResponseReturnValue:
        if not (root / "index.html").is_file():
            return ("<!doctype html><title>akid studio</title><p>The frontend is not built: run <code>make run</code>.</p>", 200)
        return send_from_directory(root, "index.html")

    @app.get("/")
    def index() -> ResponseReturnValue:
        return _index()

    @app.get("/<path:path>")
    def static_files(path: str) -> ResponseReturnValue:
        if path.startswith(("api/", "socket.io/")):
            abort(404)
        if "\x00" not in path:
            candidate = (root / path).resolve()
            if root in candidate.parents and candidate.is_file():
                return send_from_directory(root, str(candidate.relative_to(root)))
        return _index()
