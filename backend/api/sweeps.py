"""Sweeps: create (every variant validated first), list, get, cancel; and the space of a graph with choices.

A sweep's trials are ordinary runs (``/api/runs/<run_id>``); the sweep record
names each trial's run, choices, objective and state. Live: Socket.IO
``sweep.subscribe`` / ``sweep.update`` (see :mod:`backend.sweeps.live`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from backend.api import field, json_body, limits, services
from backend.errors import api_error

bp = Blueprint("sweeps", __name__, url_prefix="/api/sweeps")
MAX_PARALLEL = 8


def _sweeps() -> Any:
    return current_app.extensions["akid_sweeps"]


def _graph_and_config(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    graph_id = field(body, "graph_id", str, required=False)
    graph = field(body, "graph", dict, required=graph_id is None)
    if graph is None:
        graph = services().store.get_graph(graph_id)["graph"]
    config = field(body, "config", dict, required=False, default={})
    return graph, config, graph_id


def _max_params() -> int | None:
    """The model-size limit of the settings object, as ``POST /api/runs`` reads it (None: no limit)."""
    return int(limits().max_model_params or 0) or None


@bp.post("/space")
def space() -> ResponseReturnValue:
    """The dimensions and size of a graph's (and config's) choices, and the invalid variants found
    (over the model-size limit included: the preview refuses what ``POST /api/sweeps`` would)."""
    from akid.sweep.space import invalid_variants, space_of

    graph, config, _ = _graph_and_config(json_body())
    sp = space_of(graph, config)
    invalid = invalid_variants(sp, check_config=current_app.config.get("CONVERT_CONFIG", True), max_params=_max_params())
    return jsonify({**sp.describe(), "invalid": invalid})


@bp.post("")
def create_sweep() -> ResponseReturnValue:
    body = json_body()
    graph, config, graph_id = _graph_and_config(body)
    strategy = field(body, "strategy", str, required=False, default="random")
    trials = field(body, "trials", int, required=False, default=10)
    objective = field(body, "objective", str, required=False, default="val/accuracy")
    parallel = field(body, "parallel", int, required=False, default=services().manager.max_concurrent)
    if not 1 <= parallel <= MAX_PARALLEL:
        raise api_error(
            400,
            "bad_param",
            f"parallel must be in [1, {MAX_PARALLEL}]. Received: {parallel}",
            param="parallel",
            path="$.parallel",
        )
    seed = field(body, "seed", int, required=False, default=0)
    prune = field(body, "prune", bool, required=False, default=True)
    budget = field(body, "budget_s", (int, float), required=False)
    if budget is not None and budget <= 0:
        raise api_error(400, "bad_param", f"budget_s must be > 0. Received: {budget}", param="budget_s", path="$.budget_s")
    name = field(body, "name", str, required=False) or f"sweep {graph.get('name') or 'graph'}"
    record = _sweeps().create(
        name[:160],
        graph,
        config,
        strategy=strategy,
        trials=trials,
        objective=objective,
        parallel=parallel,
        seed=seed,
        prune=prune,
        budget_s=budget,
        graph_id=graph_id,
        check_config=bool(current_app.config.get("CONVERT_CONFIG", True)),
        max_params=_max_params(),
    )
    return jsonify(
        {"id": record["id"], "status": record["status"], "space": record["space"], "trials_wanted": record["trials_wanted"]}
    ), 201


@bp.get("")
def list_sweeps() -> ResponseReturnValue:
    return jsonify({"sweeps": _sweeps().list()})


def _get(sweep_id: str) -> dict[str, Any]:
    try:
        return _sweeps().get(sweep_id)
    except KeyError:
        raise api_error(404, "not_found", f"no sweep {sweep_id!r}") from None


@bp.get("/<sweep_id>")
def get_sweep(sweep_id: str) -> ResponseReturnValue:
    return jsonify(_get(sweep_id))


@bp.post("/<sweep_id>/cancel")
def cancel_sweep(sweep_id: str) -> ResponseReturnValue:
    _get(sweep_id)
    try:
        record = _sweeps().cancel(sweep_id)
    except ValueError as exc:
        raise api_error(409, "not_running", str(exc)) from None
    return jsonify({"id": sweep_id, "status": record["status"], "cancelling": True})
