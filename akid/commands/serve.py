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
    p = subparsers.add_parser("serve", help="start the studio web server")
    env = os.environ.get
    p.add_argument("--host", default=env("AKID_HOST", "127.0.0.1"), help="address to bind (default 127.0.0.1; others need a token)")
    p.add_argument("--port", type=int, default=int(env("AKID_PORT", "5000")))
    p.add_argument("--db", default=env("AKID_DB_URL"), help="SQLAlchemy URL (default: sqlite under the data dir; postgresql+psycopg://... works)")
    p.add_argument("--runs-dir", default=env("AKID_RUNS_DIR"), help="run logdirs/checkpoints (default <data-dir>/runs)")
    p.add_argument("--data-dir", default=os.environ.get("AKID_DATA_DIR", "var"), help="runs, uploads and the SQLite file (default ./var)")
    p.add_argument("--token", default=os.environ.get("AKID_TOKEN"), help="access token for the API and sockets")
    p.add_argument("--max-concurrent-runs", type=int, default=1)
    p.add_argument("--max-model-params", type=int, default=50_000_000)


def _warm_up() -> None:
    """Import the block registry and validator (Keras, TensorFlow) in the background so the
    editor's first validation does not wait seconds for them."""
    try:
        from akid.blocks import block_specs
        from akid.graph import validate  # noqa: F401

        block_specs()
    except Exception:  # noqa: BLE001 - the request that needs them reports the error
        logging.getLogger("akid.backend").exception("warm-up import failed")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from backend.app import create_app, shutdown
    from backend.security import is_loopback

    app = create_app({
        "HOST": args.host, "PORT": args.port, "DATABASE_URL": args.db, "DATA_DIR": args.data_dir, "TOKEN": args.token, "RUNS_DIR": args.runs_dir,
        "MAX_CONCURRENT_RUNS": args.max_concurrent_runs, "MAX_MODEL_PARAMS": args.max_model_params,
    })
    token = app.config["TOKEN"]
    url = f"http://{args.host if ':' not in args.host else '[' + args.host + ']'}:{args.port}/"
    print(f"akid studio on {url}", flush=True)
    if token:
        print(f"access token: {token}  (open {url}?token={token})", flush=True)
    elif not is_loopback(args.host):
        return 2

    def _stop(signum, _frame):  # noqa: ANN001
        shutdown(app)
        os._exit(0)

    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=_warm_up, daemon=True, name="akid-warm-up").start()
    socketio = app.extensions["socketio"]
    try:
        socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
    except KeyboardInterrupt:
        pass
    finally:
        shutdown(app)
    return 0
