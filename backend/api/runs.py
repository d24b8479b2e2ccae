"""Runs: launch (validated, size-limited), list, cancel, resume, delete, history.

Everything checked here (graph validity, parameter count, config) is checked
*before* a worker starts, so the user sees errors on the node at once instead
of a failed run seconds later.
"""

from __future__ import annotations

import logging
import pathlib
import shutil
import threading
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from akid.graph.budget import check_graph, check_int
from backend import akidlib
from backend.api import field, int_arg, json_body, keras_files, limits, services
from backend.errors import ApiError, api_error, issue_dict
from backend.metrics import downsample, series_from_events
from backend.runs.events import QueueFull
from backend.runs.logfiles import MAX_READ_BYTES, list_logs, read_log
from backend.validate_pool import validate_with_deadline

log = logging.getLogger("akid.backend")

bp = Blueprint("runs", __name__, url_prefix="/api/runs")
_PREDICT_LOCK = threading.Lock()
TARGETS = ("local", "kubernetes")


def _targets() -> list[dict[str, Any]]:
    ok, reason = services().manager.kube.available()
    return [
        {"id": "local", "available": True, "reason": "worker processes of this server"},
        {"id": "kubernetes", "available": bool(ok), "reason": reason},
    ]


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise api_error(
            400,
            "bad_target",
            f"target must be one of {', '.join(TARGETS)}. Received: target={target!r}",
            param="target",
            path="$.target",
        )
    if target == "kubernetes":
        ok, reason = services().manager.kube.available()
        if not ok:
            raise api_error(
                400,
                "target_unavailable",
                f"Kubernetes is not available on this server: {reason}. Received: target='kubernetes'",
                param="target",
                path="$.target",
            )


@bp.get("/targets")
def targets() -> ResponseReturnValue:
    return jsonify({"targets": _targets()})


def _check_graph(doc: dict[str, Any]) -> None:
    if not current_app.config.get("VALIDATE_RUNS", True):
        return
    limit = int(limits().max_model_params or 0)
    report = validate_with_deadline(doc, limits())
    if not report.get("ok"):
        raise ApiError(
            400, report.get("errors") or [issue_dict("invalid_graph", "the graph has errors; fix them before training")]
        )
    params = int(report.get("params") or 0)
    if params < 0:
        raise api_error(
            400, "bad_param", f"the model's parameter count is negative (a negative size parameter?). Received: params={params}"
        )
    if limit and params > limit:
        raise api_error(
            400,
            "model_too_large",
            f"the model has {params:,} parameters; this server allows at most {limit:,}. Received: params={params}",
        )


def _check_data_paths(config: dict[str, Any]) -> None:
    """A run may read data files only under the server's data sets folder (or ``AKID_DATA_PATH``).

    Without this, anyone who can start a run could have the server read any
    file it can open by naming it as a CSV or image folder.
    """
    raw = ((config.get("data") or {}).get("params") or {}).get("path")
    if raw is None:
        return
    roots = [(services().data_dir / "datasets").resolve()]
    data_path = services().settings.data_path
    if data_path:
        roots.append(pathlib.Path(data_path).resolve())
    if "\x00" in str(raw):
        raise api_error(
            400,
            "bad_path",
            "data.params.path contains a NUL character",
            param="data.params.path",
            path="$.config.data.params.path",
        )
    candidate = pathlib.Path(str(raw))
    resolved = (candidate if candidate.is_absolute() else roots[0] / candidate).resolve()
    if not any(resolved == r or r in resolved.parents for r in roots):
        raise api_error(
            400,
            "path_not_allowed",
            "data files must lie in the server's data sets folder (upload them, or set "
            f"AKID_DATA_PATH). Received: data.params.path={raw!r}",
            param="data.params.path",
            path="$.config.data.params.path",
        )
    config["data"]["params"]["path"] = str(resolved)


@bp.post("")
def create_run() -> ResponseReturnValue:
    body = json_body()
    store = services().store
    graph_id = field(body, "graph_id", str, required=False)
    graph_version = field(body, "graph_version", int, required=False)
    if graph_version is not None:
        check_int(graph_version, limits(), "graph_version")
    graph = field(body, "graph", dict, required=graph_id is None)
    if graph_id is not None:
        # provenance: the run records exactly the graph that trains
        saved = store.get_graph(graph_id, graph_version)
        if graph is not None and graph != saved["graph"]:
            raise api_error(
                409,
                "graph_mismatch",
                f"the body's graph differs from saved graph {graph_id!r} version {saved['version']}; "
                "save it first, or send only graph_id (or only graph). Received: graph_id and a different graph",
                path="$.graph",
            )
        graph, graph_version = saved["graph"], saved["version"]
    check_graph(graph, limits(), "$.graph")
    config = field(body, "config", dict, required=False, default={})
    target = field(body, "target", str, required=False, default="local")
    _check_target(target)
    if current_app.config.get("CONVERT_CONFIG", True):
        config = akidlib.load_train_config(config)
        _check_data_paths(config)
    akidlib.load_graph(graph)
    _check_graph(graph)
    name = field(body, "name", str, required=False) or str(graph.get("name") or "run")
    init = keras_files.resolve_init_weights(body.get("init_weights"))  # fine-tuning source, checked before the run exists
    try:
        services().manager.check_capacity()
    except QueueFull as exc:
        raise api_error(
            429,
            "queue_full",
            f"{exc} (limit max_queued_runs={exc.limit}; set AKID_MAX_QUEUED_RUNS to change it). "
            f"Received: run number {exc.waiting + 1} in the queue",
            param="max_queued_runs",
        ) from None
    run = store.create_run(name[:200], graph, config, graph_id, graph_version, target=target)
    if init is not None:
        keras_files.stage_init_weights(init, services().manager.logdir(run["id"]))
    log.info("run %s created (%s, target %s)", run["id"], name[:80], target)
    services().manager.submit(run["id"])
    return jsonify({"id": run["id"], "status": "queued"}), 201


@bp.get("")
def list_runs() -> ResponseReturnValue:
    return jsonify({"runs": services().store.list_runs()})


@bp.get("/<run_id>")
def get_run(run_id: str) -> ResponseReturnValue:
    return jsonify(services().store.get_run(run_id))


@bp.post("/<run_id>/cancel")
def cancel_run(run_id: str) -> ResponseReturnValue:
    svc = services()
    run = svc.store.get_run(run_id)
    if run["status"] not in ("queued", "running"):
        raise api_error(409, "not_running", f"the run is already {run['status']}")
    return jsonify({"id": run_id, "status": svc.manager.cancel(run_id)})


@bp.post("/<run_id>/resume")
def resume_run(run_id: str) -> ResponseReturnValue:
    svc = services()
    svc.store.get_run(run_id)
    try:
        run = svc.manager.resume(run_id)
    except ValueError as exc:
        raise api_error(409, "not_resumable", str(exc)) from None
    return jsonify({"id": run_id, "status": run["status"]})


@bp.delete("/<run_id>")
def delete_run(run_id: str) -> ResponseReturnValue:
    svc = services()
    svc.store.get_run(run_id)
    if svc.manager.is_active(run_id):
        raise api_error(409, "run_active", "cancel the run before deleting it")
    svc.store.delete_run(run_id)
    svc.hub.forget(run_id)
    logdir = svc.manager.logdir(run_id).resolve()
    if svc.manager.runs_dir.resolve() in logdir.parents:
        shutil.rmtree(logdir, ignore_errors=True)
    return jsonify({"id": run_id, "deleted": True})


@bp.get("/<run_id>/metrics")
def metrics(run_id: str) -> ResponseReturnValue:
    store = services().store
    store.get_run(run_id)
    max_points = int_arg("max_points", 0, lo=0, hi=1_000_000)
    last_seq = store.max_seq(run_id)  # read first: the series covers exactly seq <= last_seq
    series = series_from_events(e for e in store.list_events(run_id, 0, kinds=("metrics",)) if e["seq"] <= last_seq)
    wanted = request.args.get("names")
    if wanted:
        keep = set(wanted.split(","))
        series = {k: v for k, v in series.items() if k in keep or k.split("/", 1)[-1] in keep}
    if max_points:
        series = {k: downsample(v, max_points) for k, v in series.items()}
    return jsonify({"run_id": run_id, "series": series, "last_seq": last_seq})


@bp.get("/<run_id>/events")
def events(run_id: str) -> ResponseReturnValue:
    store = services().store
    store.get_run(run_id)
    since = int_arg("since_seq", 0, lo=0)
    limit = int_arg("limit", None, lo=1, hi=100_000)
    evs = store.list_events(run_id, since, limit)
    out = [
        {"seq": e["seq"], "kind": e["kind"], "payload": e["payload"], "images": e["images"], "created_at": e["created_at"]}
        for e in evs
    ]
    return jsonify({"run_id": run_id, "events": out, "last_seq": out[-1]["seq"] if out else since})


@bp.get("/<run_id>/logs")
def logs(run_id: str) -> ResponseReturnValue:
    """The worker's log files: the list, and a bounded slice of one (its tail unless ``offset`` is given)."""
    svc = services()
    svc.store.get_run(run_id)  # 404 for an unknown run
    logdir = svc.manager.logdir(run_id)
    files = list_logs(logdir)
    name = request.args.get("file") or (str(files[0]["name"]) if files else None)
    offset = int_arg("offset", None, lo=0)
    limit = int_arg("limit", None, lo=1, hi=MAX_READ_BYTES)
    body: dict[str, Any] = {"run_id": run_id, "files": files, "file": None}
    if name is None:
        return jsonify(body)
    part = read_log(logdir, name, offset, limit)
    if part is None:
        raise api_error(
            404,
            "log_not_found",
            f"run {run_id} has no log file {name[:200]!r}; it has: {[f['name'] for f in files]}",
            param="file",
        )
    body["file"] = {
        "name": part.name,
        "size": part.size,
        "offset": part.offset,
        "next_offset": part.next_offset,
        "truncated_before": part.truncated_before,
        "text": part.text,
    }
    return jsonify(body)


@bp.get("/<run_id>/images/<int:number>")
def image(run_id: str, number: int) -> ResponseReturnValue:
    check_int(number, limits(), "image number")
    data = services().store.get_attachment(run_id, number)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "max-age=86400, immutable"})


@bp.post("/<run_id>/predict")
def predict(run_id: str) -> ResponseReturnValue:
    svc = services()
    run = svc.store.get_run(run_id)
    inputs = field(json_body(), "inputs", dict)
    import numpy as np  # here, not at the top: the web process starts without NumPy

    arrays = {}
    for k, v in inputs.items():
        try:
            arrays[k] = np.asarray(v, dtype=np.float32)
        except (TypeError, ValueError):
            raise api_error(400, "bad_input", f"inputs.{k} must be a nested list of numbers", path=f"$.inputs.{k}") from None
    with _PREDICT_LOCK:  # one model build at a time in the web process (memory, TF threads)
        outputs = akidlib.predict(run["graph"], str(svc.manager.logdir(run_id)), arrays)
    return jsonify({"run_id": run_id, "outputs": {k: np.asarray(v).tolist() for k, v in outputs.items()}})
