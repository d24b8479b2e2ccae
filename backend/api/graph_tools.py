"""Stateless graph tools: validate, meta-syntax parse, export, Keras JSON import.

Validation answers 200 with the report even for invalid graphs: an invalid
graph is the normal state of a graph being drawn, and the report *is* the answer.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from akid.graph.budget import check_graph, over
from backend import akidlib
from backend.api import field, json_body, limits
from backend.validate_pool import validate_with_deadline

bp = Blueprint("graph_tools", __name__, url_prefix="/api/graphs")


def graph_from_body(body: dict[str, Any]) -> dict[str, Any]:
    """Accept the graph doc itself or ``{"graph": doc}``."""
    if "format" not in body and isinstance(body.get("graph"), dict):
        return body["graph"]
    return body


@bp.post("/validate")
def validate_graph() -> ResponseReturnValue:
    doc = graph_from_body(json_body())
    check_graph(doc, limits())
    return jsonify(validate_with_deadline(doc, limits()))


@bp.post("/parse")
def parse_text() -> ResponseReturnValue:
    text = field(json_body(), "text", str)
    lim = limits()
    if len(text) > lim.max_metasyntax_chars:
        raise over("max_metasyntax_chars", lim.max_metasyntax_chars, len(text), "meta-syntax characters", "$.text")
    from akid.graph.metasyntax_budget import check_metasyntax

    check_metasyntax(text, lim)  # with the app's limits (the library's own check uses the process settings)
    return jsonify({"graph": akidlib.parse_metasyntax(text)})


@bp.post("/export")
def export_graph() -> ResponseReturnValue:
    body = json_body()
    doc = field(body, "graph", dict)
    to = field(body, "to", str, required=False, default="python")
    check_graph(doc, limits(), "$.graph")
    if to != "metasyntax":  # metasyntax.format checks the format itself, and writes sweep choices back
        akidlib.load_graph(doc)
    return jsonify({"text": akidlib.export(doc, to)})


@bp.post("/import-keras")
def import_keras() -> ResponseReturnValue:
    text = field(json_body(), "json", (str, dict))
    if isinstance(text, dict):
        import json

        text = json.dumps(text)
    lim = limits()
    if len(text) > lim.max_import_chars:
        raise over("max_import_chars", lim.max_import_chars, len(text), "Keras JSON characters", "$.json")
    from akid.graph.budget import check_json

    check_json(text.encode("utf-8", "surrogatepass"), lim)  # nested models nest JSON: 3,000 deep is refused here
    return jsonify({"graph": akidlib.import_keras(text)})
