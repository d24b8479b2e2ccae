"""Palette data: block specs and starter templates (read-only, cached by the library)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from backend import akidlib

bp = Blueprint("blocks", __name__, url_prefix="/api")


@bp.get("/blocks")
def list_blocks():
    return jsonify({"blocks": akidlib.block_specs()})


@bp.get("/templates")
def list_templates():
    return jsonify({"templates": akidlib.templates()})
