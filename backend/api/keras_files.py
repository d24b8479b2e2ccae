"""Keras model files in and out: import a ``.keras``/``.json`` upload, export a trained run as ``.keras``.

Import runs ``python -m akid import-keras`` in a child process with a deadline
(``keras_import_deadline_s``): reading weights needs Keras' ``load_model`` and
so TensorFlow, which the web process does not import, and a hostile file must
not hang or crash the server — the child is killed when its time is up. The
architecture is read as data first, so every unsupported layer/option comes
back at once (422) before anything is deserialised.

Imported weights are kept under ``<data_dir>/weights/<id>.weights.h5`` (akid's
weights file, keyed by node id); a run started with ``init_weights: <id>``
fine-tunes from them (see ``backend/api/runs.py`` and ``akid.train.init_weights``).
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from flask.typing import ResponseReturnValue

from akid.settings import environ
from backend.api import limits, services
from backend.errors import ApiError, api_error, issue_dict

log = logging.getLogger("akid.backend")

bp = Blueprint("keras_files", __name__, url_prefix="/api")
SUFFIXES = (".keras", ".json")
WEIGHTS_ID = re.compile(r"^[0-9a-f]{32}$")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def weights_dir() -> pathlib.Path:
    path = services().data_dir / "weights"
    path.mkdir(parents=True, exist_ok=True)
    return path


def weights_path(weights_id: str) -> pathlib.Path:
    """The stored file of an imported weights id (404 when there is none)."""
    if not isinstance(weights_id, str) or not WEIGHTS_ID.match(weights_id):
        raise api_error(
            400, "bad_weights_id", f"a weights id is 32 hex digits. Received: {str(weights_id)[:80]!r}", path="$.init_weights"
        )
    path = weights_dir() / f"{weights_id}.weights.h5"
    if not path.is_file():
        raise api_error(404, "not_found", f"no imported weights {weights_id!r} on this server", path="$.init_weights")
    return path


def _save_upload(upload: Any, dest: pathlib.Path, cap: int) -> int:
    """Copy the upload to ``dest``, refusing it as soon as it passes ``cap`` bytes."""
    size = 0
    with open(dest, "wb") as out:
        while chunk := upload.stream.read(1 << 20):
            size += len(chunk)
            if size > cap:
                raise api_error(
                    413,
                    "budget_exceeded",
                    f"Keras model file bytes: more than {cap} exceeds the limit max_keras_file_bytes={cap} "
                    f"(set AKID_MAX_KERAS_FILE_BYTES to change it). Received: > {cap}",
                    param="max_keras_file_bytes",
                )
            out.write(chunk)
    return size


def _run_import(model: pathlib.Path, out: pathlib.Path, deadline: float) -> dict[str, Any]:
    """``python -m akid import-keras MODEL -o OUT`` in its own session; killed after ``deadline`` s."""
    env = {
        **environ(),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), environ().get("PYTHONPATH", "")) if p),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUDA_VISIBLE_DEVICES": "",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "akid", "import-keras", str(model), "-o", str(out)],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise api_error(
            503,
            "import_timeout",
            f"importing the Keras model took longer than keras_import_deadline_s={deadline:g} s "
            f"(set AKID_KERAS_IMPORT_DEADLINE_S to change it). Received: a file still importing after {deadline:g} s",
            param="keras_import_deadline_s",
        ) from None
    try:
        summary = json.loads(stdout.decode("utf-8", "replace"))
        if not isinstance(summary, dict):
            raise ValueError(summary)
    except ValueError:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise api_error(422, "bad_keras_file", f"the Keras model file could not be imported: {tail[0][:300]}") from None
    return summary


@bp.post("/graphs/import-keras-file")
def import_keras_file() -> ResponseReturnValue:
    """Multipart field ``file``: a ``.keras`` archive (architecture + weights) or a model JSON."""
    f = request.files.get("file")
    if f is None or not f.filename:
        raise api_error(
            400, "missing_file", "upload the Keras model as multipart form field 'file' (.keras or .json)", param="file"
        )
    suffix = pathlib.Path(f.filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise api_error(
            400, "bad_file_type", f"Keras model files are {list(SUFFIXES)}. Received: {f.filename[:120]!r}", param="file"
        )
    lim = limits()
    work = pathlib.Path(tempfile.mkdtemp(prefix="keras-import-", dir=services().data_dir))
    try:
        model = work / f"model{suffix}"
        size = _save_upload(f, model, int(lim.max_keras_file_bytes))
        out = work / "out"
        summary = _run_import(model, out, float(lim.keras_import_deadline_s))
        graph_file = out / "graph.json"
        if not graph_file.is_file():  # refused: every unsupported layer/option, at once
            issues = summary.get("errors") or [issue_dict("bad_keras_file", "the Keras model file could not be imported")]
            raise ApiError(422, issues)
        graph = json.loads(graph_file.read_text(encoding="utf-8"))
        weights_id = None
        if summary.get("weights") and (out / "weights.weights.h5").is_file():
            weights_id = uuid.uuid4().hex
            shutil.move(str(out / "weights.weights.h5"), weights_dir() / f"{weights_id}.weights.h5")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = pathlib.Path(f.filename).stem[:100] or "keras-model"
    graph.setdefault("name", name)
    log.info("Keras model %r imported (%d bytes, %s nodes, weights %s)", name, size, summary.get("nodes"), weights_id)
    return jsonify(
        {
            "graph": graph,
            "weights_id": weights_id,
            "summary": {
                "name": name,
                "nodes": summary.get("nodes"),
                "params": summary.get("params"),
                "flops": summary.get("flops"),
                "has_weights": weights_id is not None,
                "ok": bool(summary.get("ok")),
            },
            "issues": summary.get("errors") or [],
        }
    )


@bp.get("/runs/<run_id>/export")
def export_run(run_id: str) -> ResponseReturnValue:
    """``?to=keras-file``: the run's trained model (latest checkpoint) as a ``.keras`` download."""
    to = request.args.get("to", "keras-file")
    if to != "keras-file":
        raise api_error(400, "bad_param", f"to must be 'keras-file'. Received: to={to[:40]!r}", param="to")
    svc = services()
    run = svc.store.get_run(run_id)
    logdir = svc.manager.logdir(run_id)
    from akid.train.init_weights import latest_checkpoint

    if latest_checkpoint(logdir) is None:
        raise api_error(
            409, "no_checkpoint", f"run {run_id} has no checkpoint yet (status {run['status']}); export it once it has trained"
        )
    work = pathlib.Path(tempfile.mkdtemp(prefix="keras-export-", dir=svc.data_dir))
    try:
        target = work / "model.keras"
        _run_export(run["graph"], logdir, target, float(limits().keras_import_deadline_s))
        data = target.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(run.get("name") or "run"))[:80] or "run"
    resp: Response = send_file(
        __import__("io").BytesIO(data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"{name}-{run_id[:8]}.keras",
    )
    return resp


def _run_export(graph: dict[str, Any], logdir: pathlib.Path, target: pathlib.Path, deadline: float) -> None:
    """Build the model from the run's latest checkpoint and save it as ``.keras`` (child process: TensorFlow)."""
    graph_file = target.parent / "graph.json"
    graph_file.write_text(json.dumps(graph), encoding="utf-8")
    env = {
        **environ(),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), environ().get("PYTHONPATH", "")) if p),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUDA_VISIBLE_DEVICES": "",
    }
    cmd = [sys.executable, "-m", "akid", "export", str(graph_file), "--to", "keras-file", "--run", str(logdir), "-o", str(target)]
    try:
        proc = subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, timeout=deadline)
    except subprocess.TimeoutExpired:
        raise api_error(503, "export_timeout", f"exporting the run took longer than {deadline:g} s") from None
    if proc.returncode != 0 or not target.is_file():
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise api_error(500, "export_failed", f"the run could not be exported as .keras: {tail[0][:300]}")


def resolve_init_weights(raw: Any) -> dict[str, Any] | None:
    """``init_weights`` of a new run: an imported weights id, or ``{"run_id": ...}`` of a trained run.

    Checked before the run is created, so a wrong id is a 4xx, not a failed run."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return {"weights_file": weights_path(raw), "label": f"imported weights {raw}"}
    if isinstance(raw, dict) and set(raw) == {"run_id"} and isinstance(raw["run_id"], str):
        svc = services()
        source = svc.store.get_run(raw["run_id"])  # 404 when there is none
        logdir = svc.manager.logdir(source["id"])
        from akid.train.init_weights import latest_checkpoint

        if source["status"] in ("queued", "running") or latest_checkpoint(logdir) is None:
            raise api_error(
                409,
                "no_checkpoint",
                f"run {source['id']} is {source['status']} and has no finished checkpoint to start from. "
                f"Received: init_weights.run_id={source['id']!r}",
                path="$.init_weights.run_id",
            )
        return {"run_logdir": str(logdir), "graph": source["graph"], "label": f"run {source['id']}"}
    raise api_error(
        400,
        "wrong_type",
        f'init_weights must be an imported weights id (string) or {{"run_id": ...}}. Received: {type(raw).__name__}',
        path="$.init_weights",
    )


def stage_init_weights(init: dict[str, Any], logdir: pathlib.Path) -> None:
    """Put the init source into the new run's logdir (a copy of imported weights: remote workers see only the runs folder)."""
    from akid.train.init_weights import WEIGHTS_COPY, write_init_spec

    logdir.mkdir(parents=True, exist_ok=True)
    spec = {k: v for k, v in init.items() if k != "weights_file"}
    if "weights_file" in init:
        shutil.copyfile(init["weights_file"], logdir / WEIGHTS_COPY)
        spec["weights"] = WEIGHTS_COPY
    write_init_spec(logdir, spec)
