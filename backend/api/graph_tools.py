"""Stateless graph tools: validate, meta-syntax parse, export, Keras JSON import.

Validation answers 200 with the report even for invalid graphs: an invalid
graph is the normal state of a graph being drawn, and the report *is* the answer.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from backend import akidlib
from backend.api import field, json_body
from backend.errors import api_error

bp = Blueprint("graph_tools", __name__, url_prefix="/api/graphs")

MAX_TEXT = 2_000_000


def graph_from_body(body: dict[str, Any]) -> dict[str, Any]:
    """Accept the graph doc itself or ``{"graph": doc}``."""
    if "format" not in body and isinstance(body.get("graph"), dict):
        return body["graph"]
    return body


@bp.post("/validate")
def validate_graph() -> ResponseReturnValue:
    return jsonify(akidlib.validate(graph_from_body(json_body())))


@bp.post("/parse")
def parse_text() -> ResponseReturnValue:
    text = field(json_body(), "text", str)
    if len(text) > MAX_TEXT:
        raise api_error(400, "too_large", f"text is longer than {MAX_TEXT} characters", path="$.text")
    return jsonify({"graph": akidlib.parse_metasyntax(text)})


@bp.post("/export")
def export_graph() -> ResponseReturnValue:
    body = json_body()
    doc = field(body, "graph", dict)
    to = field(body, "to", str, required=False, default="python")
    if to != "metasyntax":  # metasyntax.format checks the format itself, and writes sweep choices back
        akidlib.load_graph(doc)
    return jsonify({"text": akidlib.export(doc, to)})


@bp.post("/import-keras")
def import_keras() -> ResponseReturnValue:
    text = field(json_body(), "json", (str, dict))
    if isinstance(text, dict):
        import json

        text = json.dumps(text)
    if len(text) > MAX_TEXT:
        raise api_error(400, "too_large", f"json is longer than {MAX_TEXT} characters", path="$.json")
    return jsonify({"graph": akidlib.import_keras(text)})
