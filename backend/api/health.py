"""``GET /api/health``: liveness for container probes (no token needed; reveals nothing)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from backend.api import services

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> ResponseReturnValue:
    svc = services()
    svc.store.max_seq("-")  # the database answers
    return jsonify({"ok": True, "pump_alive": svc.manager.alive()})
