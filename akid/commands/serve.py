"""``python -m akid serve``: the studio (REST API, live Socket.IO, frontend) on one port.

Binds 127.0.0.1 by default; any other address requires an access token,
generated and printed here unless ``--token`` is given.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Flags override the settings (``AKID_*`` variables, :mod:`akid.settings`); ``None`` keeps them."""
    p = subparsers.add_parser("serve", help="start the studio web server (every AKID_* setting: docs/security.md)")
    p.add_argument("--host", default=None, help="address to bind (default $AKID_HOST or 127.0.0.1; others need a token)")
    p.add_argument("--port", type=int, default=None, help="default $AKID_PORT or 5000")
    p.add_argument(
        "--db",
        default=None,
        help="SQLAlchemy URL (default $AKID_DB_URL, else sqlite under the data dir; postgresql+psycopg://... works)",
    )
    p.add_argument("--runs-dir", default=None, help="run logdirs/checkpoints (default $AKID_RUNS_DIR or <data-dir>/runs)")
    p.add_argument("--data-dir", default=None, help="runs, uploads and the SQLite file (default $AKID_DATA_DIR or ./var)")
    p.add_argument("--token", default=None, help="access token for the API and sockets (default $AKID_TOKEN)")
    p.add_argument("--max-concurrent-runs", type=int, default=None, help="default $AKID_MAX_CONCURRENT_RUNS or 1")
    p.add_argument("--max-model-params", type=int, default=None, help="default $AKID_MAX_MODEL_PARAMS or 50,000,000")


def _warm_up() -> None:
    """Import the block registry and validator (Keras, TensorFlow) in the background so the
    editor's first validation does not wait seconds for them."""
    try:
        from akid.blocks import block_specs
        from akid.graph import validate  # noqa: F401

        block_specs()
    except Exception:
        logging.getLogger("akid.backend").exception("warm-up import failed")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from akid.settings import get_settings
    from backend.app import create_app, shutdown
    from backend.security import is_loopback

    settings = get_settings().replace(
        **{
            k: v
            for k, v in {
                "host": args.host,
                "port": args.port,
                "db_url": args.db,
                "data_dir": args.data_dir,
                "token": args.token,
                "runs_dir": args.runs_dir,
                "max_concurrent_runs": args.max_concurrent_runs,
                "max_model_params": args.max_model_params,
            }.items()
            if v is not None
        }
    )
    app = create_app(settings=settings)
    settings = app.extensions["akid"].settings
    host, port = settings.host, settings.port
    token = settings.token
    url = f"http://{host if ':' not in host else '[' + host + ']'}:{port}/"
    print(f"akid studio on {url}", flush=True)
    if token:
        print(f"access token: {token}  (open {url}?token={token})", flush=True)
    elif not is_loopback(host):
        return 2

    def _stop(signum, _frame):
        shutdown(app)
        os._exit(0)

    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=_warm_up, daemon=True, name="akid-warm-up").start()
    socketio = app.extensions["socketio"]
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
    except KeyboardInterrupt:
        pass
    finally:
        shutdown(app)
    return 0
