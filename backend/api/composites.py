"""User-defined composite blocks (a named sub-graph reusable as a block)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from akid.graph.budget import check_graph
from backend import akidlib
from backend.api import field, json_body, limits, services
from backend.errors import api_error

bp = Blueprint("composites", __name__, url_prefix="/api/composites")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@bp.get("")
def list_composites() -> ResponseReturnValue:
    return jsonify({"composites": services().store.list_composites()})


@bp.post("")
def save_composite() -> ResponseReturnValue:
    body = json_body()
    name = field(body, "name", str)
    doc = field(body, "graph", dict)
    if not NAME.match(name):
        raise api_error(
            400,
            "bad_name",
            f"composite names are identifiers (letter, then letters/digits/_; <= 64). Received: {name!r}",
            path="$.name",
        )
    try:
        builtin = akidlib.module("akid.blocks").has_block(name)
    except Exception:
        builtin = False
    if builtin:
        raise api_error(409, "name_taken", f"{name!r} is a built-in block type", path="$.name")
    check_graph(doc, limits(), "$.graph")
    akidlib.load_graph(doc)
    return jsonify(services().store.put_composite(name, doc)), 201
