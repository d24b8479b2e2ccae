"""Palette data: block specs and starter templates (read-only, cached by the library)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from backend import akidlib

bp = Blueprint("blocks", __name__, url_prefix="/api")


@bp.get("/blocks")
def list_blocks() -> ResponseReturnValue:
    return jsonify({"blocks": akidlib.block_specs()})


@bp.get("/templates")
def list_templates() -> ResponseReturnValue:
    return jsonify({"templates": akidlib.templates()})
