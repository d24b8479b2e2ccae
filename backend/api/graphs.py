"""Saved graphs with history: every save is a new version; revert copies an old one forward.

Nothing is overwritten so a user can always get back the graph a run was
trained from (runs record graph id + version).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from akid.graph.budget import check_graph, check_int
from backend import akidlib
from backend.api import field, int_arg, json_body, limits, services
from backend.errors import api_error

bp = Blueprint("graphs", __name__, url_prefix="/api/graphs")


def _checked_doc(body: dict[str, Any]) -> tuple[dict[str, Any], str, str | None]:
    doc = field(body, "graph", dict)
    check_graph(doc, limits(), "$.graph")
    # format errors (unknown keys, versions) are refused; shape errors are not; sweep choices are kept (docs/sweeps.md)
    akidlib.load_graph(akidlib.module("akid.sweep.choices").without_structure(doc))
    name = field(body, "name", str, required=False) or str(doc.get("name") or "graph")
    message = field(body, "message", str, required=False)
    return doc, name[:200], message


@bp.get("")
def list_graphs() -> ResponseReturnValue:
    return jsonify({"graphs": services().store.list_graphs()})


@bp.post("")
def create_graph() -> ResponseReturnValue:
    doc, name, message = _checked_doc(json_body())
    return jsonify(services().store.create_graph(name, doc, message)), 201


@bp.get("/<graph_id>")
def get_graph(graph_id: str) -> ResponseReturnValue:
    g = services().store.get_graph(graph_id, int_arg("version", lo=1))
    return jsonify({k: g[k] for k in ("id", "name", "version", "latest_version", "graph", "created_at")})


@bp.put("/<graph_id>")
def update_graph(graph_id: str) -> ResponseReturnValue:
    doc, name, message = _checked_doc(json_body())
    return jsonify(services().store.add_graph_version(graph_id, name, doc, message))


@bp.get("/<graph_id>/versions")
def list_versions(graph_id: str) -> ResponseReturnValue:
    return jsonify({"id": graph_id, "versions": services().store.list_graph_versions(graph_id)})


@bp.post("/<graph_id>/revert")
def revert(graph_id: str) -> ResponseReturnValue:
    version = field(json_body(), "version", int)
    check_int(version, limits(), "version")
    store = services().store
    old = store.get_graph(graph_id, version)
    return jsonify(store.add_graph_version(graph_id, old["name"], old["graph"], f"revert to version {version}"))


@bp.delete("/<graph_id>")
def delete_graph(graph_id: str) -> ResponseReturnValue:
    services().store.delete_graph(graph_id)
    return jsonify({"id": graph_id, "deleted": True})


@bp.get("/<graph_id>/export")
def export_saved(graph_id: str) -> ResponseReturnValue:
    to = request.args.get("to", "python")
    if to not in akidlib.EXPORT_TARGETS:
        raise api_error(400, "bad_param", f"unknown export target {to!r}; one of {list(akidlib.EXPORT_TARGETS)}", param="to")
    g = services().store.get_graph(graph_id, int_arg("version", lo=1))
    return jsonify({"text": akidlib.export(g["graph"], to), "to": to})
