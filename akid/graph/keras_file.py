"""A Keras model file (``.keras`` or model JSON) -> akid graph document + weights keyed by node id.

The architecture is always read as data (the file's ``config.json`` through
:func:`akid.graph.export_import.from_keras_json`), so an unsupported model is
refused — listing every unsupported layer and option — before anything is
deserialised. Only when the whole architecture imports are the weights read,
with ``keras.saving.load_model(..., safe_mode=True)`` (no Lambda code runs),
and each Keras layer's weights go to the node its name became.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from akid.errors import AkidError, Issue
from akid.graph.export_import import from_keras_json, keras_node_ids


@dataclass
class KerasImport:
    doc: dict[str, Any]
    #: node id -> arrays in the layer's weight order; None when the file has no weights (model JSON)
    weights: dict[str, list[np.ndarray]] | None


def read_architecture(path: str | Path) -> str:
    """The model JSON text of a ``.keras`` archive or a ``.json`` file."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                return z.read("config.json").decode("utf-8")
        return path.read_text(encoding="utf-8")
    except (OSError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise AkidError([Issue("io_error", f"cannot read the Keras model {str(path)!r}: {exc}", path="$")]) from None


def import_keras_file(path: str | Path) -> KerasImport:
    """Graph document (and weights, for a ``.keras`` file) of a Keras model file."""
    path = Path(path)
    text = read_architecture(path)
    doc = from_keras_json(text)  # raises with every unsupported layer/option listed
    if not zipfile.is_zipfile(path):
        return KerasImport(doc, None)
    return KerasImport(doc, keras_weights(path, keras_node_ids(json.loads(text))))


def keras_weights(path: Path, ids: dict[str, str]) -> dict[str, list[np.ndarray]]:
    import keras

    import akid.blocks.keras_extra  # noqa: F401  (registers akid's few extra layers for Keras to load)

    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:
        raise AkidError(
            [
                Issue(
                    "bad_keras_file",
                    f"Keras could not load the weights of {str(path)!r}: {type(exc).__name__}: {exc}"[:500],
                    path="$",
                )
            ]
        ) from None
    out = {}
    for layer in model.layers:
        nid = ids.get(layer.name)
        ws = layer.get_weights()
        if nid is not None and ws:
            out[nid] = [np.asarray(w) for w in ws]  # a nested model: its layers' weights in execution order
    return out
