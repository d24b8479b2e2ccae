"""The TrainConfig JSON Schema and defaults, from which the UI renders its form."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from backend import akidlib

bp = Blueprint("config", __name__, url_prefix="/api/config")


@bp.get("/schema")
def schema() -> ResponseReturnValue:
    return jsonify(akidlib.train_config_schema())
