"""The studio as ``akid serve`` runs it (settings from ``AKID_*``), with the hostile fake trainer.

Usage: ``python serve_hostile.py PORT DATA_DIR`` (PYTHONPATH: repo, tests/backend, this folder).
"""

from __future__ import annotations

import logging
import sys

from akid.settings import get_settings
from backend.app import create_app


def main() -> None:
    port, data_dir = int(sys.argv[1]), sys.argv[2]
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = get_settings().replace(host="127.0.0.1", port=port, data_dir=data_dir)
    app = create_app({"TRAIN_TARGET": "hostile_trainer:train", "WARM_WORKERS": False, "CANCEL_GRACE_S": 3.0}, settings=settings)
    app.extensions["socketio"].run(
        app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False
    )


if __name__ == "__main__":
    main()
