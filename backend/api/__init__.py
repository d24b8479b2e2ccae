"""REST blueprints, one module per resource (see docs/architecture.md, REST)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request

from backend.errors import api_error


def services() -> Any:
    """The app's :class:`backend.app.Services` (store, run manager, hub, paths, settings)."""
    return current_app.extensions["akid"]


def limits() -> Any:
    """The app's :class:`akid.settings.Limits`."""
    return current_app.extensions["akid"].settings.limits


def json_body(kind: type = dict) -> Any:
    """The request's JSON body, or a 400 ``bad_json`` issue (never a Werkzeug HTML page).

    Size and nesting are checked on the raw bytes first (:mod:`akid.graph.budget`), so a
    10,000-deep body is a 413 ``budget_exceeded``, not a RecursionError."""
    from akid.graph.budget import check_json

    if not request.is_json:
        raise api_error(400, "bad_json", "the request body must be JSON (Content-Type: application/json)")
    check_json(request.get_data(cache=True), limits())
    data = request.get_json(silent=True)
    if data is None:
        raise api_error(400, "bad_json", "the request body must be JSON (Content-Type: application/json)")
    if not isinstance(data, kind):
        raise api_error(
            400, "wrong_type", f"the request body must be a JSON {kind.__name__}. Received: {type(data).__name__}", path="$"
        )
    return data


def field(body: dict[str, Any], key: str, kind: type | tuple, required: bool = True, default: Any = None) -> Any:
    """One typed field of a JSON body; a missing/mistyped field is a 400 naming its path."""
    if key not in body or body[key] is None:
        if required:
            raise api_error(400, "missing_key", f"missing required key {key!r}", path=f"$.{key}")
        return default
    value = body[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        names = "/".join(k.__name__ for k in kinds)
        raise api_error(400, "wrong_type", f"{key} must be {names}. Received: {type(value).__name__}", path=f"$.{key}")
    return value


def int_arg(name: str, default: int | None = None, lo: int | None = None, hi: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        if len(raw) > 20:
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        raise api_error(400, "bad_param", f"query parameter {name} must be an integer. Received: {raw!r}", param=name) from None
    hi = min(hi, limits().max_int_param) if hi is not None else limits().max_int_param
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise api_error(400, "bad_param", f"query parameter {name} must be in [{lo}, {hi}]. Received: {value}", param=name)
    return value


def register_blueprints(app: Flask) -> None:
    from backend.api import blocks, composites, config, datasets, graph_tools, graphs, health, keras_files, runs, sweeps

    for mod in (health, blocks, graph_tools, graphs, datasets, composites, runs, config, sweeps, keras_files):
        app.register_blueprint(mod.bp)
