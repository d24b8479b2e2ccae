"""Data sets: the registered sources, a few samples to look at, and uploads.

Uploads are written under ``<data-dir>/uploads/<random id>/`` with a sanitised
name, so a crafted filename can never escape the data dir; the library's
``import_upload`` then turns the file into a source (no pickle: npz is read
with ``allow_pickle=False`` by the library).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import pathlib
import re
import shutil
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.utils import secure_filename

from backend import akidlib
from backend.api import int_arg, services
from backend.errors import api_error

if TYPE_CHECKING:
    import numpy as np  # imported where arrays are handled: the web process starts without NumPy

bp = Blueprint("datasets", __name__, url_prefix="/api/datasets")
log = logging.getLogger("akid.backend")
UPLOAD_TYPES = (".npz", ".csv", ".zip")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@bp.get("")
def list_datasets() -> ResponseReturnValue:
    specs = akidlib.list_sources()
    known = {s.get("name") for s in specs}
    for d in services().store.list_datasets():
        if d["name"] not in known:
            specs.append({**d["spec"], "name": d["name"], "uploaded": True})
    return jsonify({"datasets": specs})


def _source_for(name: str) -> Any:
    """The built-in source of that name, else the upload (an old upload never shadows a built-in)."""
    if name in {str(s.get("name")) for s in akidlib.list_sources()}:
        return _cached_source(name, "{}")
    for d in services().store.list_datasets():
        if d["name"] == name:
            src = d["spec"].get("source")
            if src:
                return _cached_source(src, json.dumps(d["spec"].get("params") or {}, sort_keys=True))
    return _cached_source(name, "{}")


@lru_cache(maxsize=8)
def _cached_source(name: str, params_json: str) -> Any:
    """Sources cache their arrays; keeping a few instances makes sample browsing instant."""
    return akidlib.get_source(name, **json.loads(params_json))


def _png_b64(arr: np.ndarray) -> str | None:
    """An image-like sample as base64 PNG (None if it does not look like an image)."""
    import numpy as np

    a = np.asarray(arr)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if not (a.ndim == 2 or (a.ndim == 3 and a.shape[-1] in (3, 4))) or min(a.shape[:2]) < 2:
        return None
    from PIL import Image

    a = a.astype(np.float64)
    lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
    a = np.zeros_like(a) if hi <= lo else (a - lo) / (hi - lo)
    img = Image.fromarray((a * 255).round().astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _jsonable(v: Any) -> Any:
    import numpy as np

    a = np.asarray(v)
    return a.item() if a.ndim == 0 else a.tolist()


@bp.get("/<name>/samples")
def samples(name: str) -> ResponseReturnValue:
    n = int_arg("n", 16, lo=1, hi=256)
    split = request.args.get("split", "train")
    source = _source_for(name)
    arrays = source.load(split)
    feats, targs = list(source.features), list(source.targets)
    count = min(n, len(next(iter(arrays.values()))) if arrays else 0)
    out = []
    for i in range(count):
        png = None
        for f in feats:
            png = _png_b64(arrays[f][i])
            if png:
                break
        out.append({"index": i, "png": png, "targets": {t: _jsonable(arrays[t][i]) for t in targs if t in arrays}})
    return jsonify({"name": name, "split": split, "samples": out})


@bp.post("")
def upload() -> ResponseReturnValue:
    f = request.files.get("file")
    if f is None or not f.filename:
        raise api_error(400, "missing_file", "upload the data set as multipart form field 'file' (.npz, .csv or .zip)")
    filename = secure_filename(f.filename) or "upload"
    suffix = pathlib.Path(filename).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise api_error(
            400, "bad_file_type", f"uploads must be one of {list(UPLOAD_TYPES)}. Received: {f.filename!r}", param="file"
        )
    name = request.form.get("name") or pathlib.Path(filename).stem or "upload"
    if not NAME.match(name):
        raise api_error(
            400, "bad_name", f"data set names are letters, digits, '_', '.', '-' (<= 64). Received: {name!r}", param="name"
        )
    params = None
    if request.form.get("params"):
        try:
            params = json.loads(request.form["params"])
        except ValueError:
            params = None
        if not isinstance(params, dict):
            raise api_error(
                400, "bad_param", "params must be a JSON object (source params, e.g. the npz array mapping)", param="params"
            )
    data_dir = services().data_dir.resolve()
    tmp_dir = (data_dir / "uploads" / uuid.uuid4().hex).resolve()
    tmp = (tmp_dir / f"upload{suffix}").resolve()
    if data_dir not in tmp.parents:
        raise api_error(400, "bad_path", "upload path escapes the data directory")
    tmp_dir.mkdir(parents=True)
    try:
        f.save(tmp)
        spec = akidlib.import_upload(
            tmp, suffix[1:], data_dir / "datasets", int(current_app.config["MAX_CONTENT_LENGTH"]), name=name, params=params
        )
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    spec = dict(spec or {})
    dataset = str(spec.get("dataset") or name)
    services().store.put_dataset(dataset, str(spec.get("params", {}).get("path", "")), spec)
    log.info("data set %r uploaded (%s, %d bytes)", dataset, suffix[1:], request.content_length or 0)
    return jsonify({"dataset": {**spec, "name": dataset, "uploaded": True}}), 201
