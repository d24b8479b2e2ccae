"""Graph -> ONNX (and a ``.keras`` file), through Keras' own exporter (``model.export(format="onnx")``, tf2onnx underneath).

The model exported is the plain-Keras one (:func:`akid.graph.export_keras.build_keras_model`,
layers named by node id) carrying the akid model's weights — from a weights
file, or the fresh initial weights — so ONNX inputs and outputs are named by
Input and Output node ids. Graphs with feedback edges have no functional form
and are refused (as for Keras JSON). Imports TensorFlow and tf2onnx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akid.errors import AkidError, Issue


def to_onnx(doc: dict[str, Any], path: str | Path, weights: str | Path | dict | None = None) -> Path:
    """Write ``doc`` as an ONNX file at ``path`` (weights: an akid weights file or ``{node_id: arrays}``)."""
    from akid.graph.export_keras import keras_model_with_weights

    model = keras_model_with_weights(doc, weights)
    path = Path(path)
    try:
        import tf2onnx  # noqa: F401
    except ImportError:
        raise AkidError(
            [Issue("not_available", "ONNX export needs tf2onnx (pip install tf2onnx, see README Dependencies)")]
        ) from None
    model.export(str(path), format="onnx", verbose=False)
    return path


def to_keras_file(doc: dict[str, Any], path: str | Path, weights: str | Path | dict | None = None) -> Path:
    """Write ``doc`` with its weights as a ``.keras`` file (plain Keras: loads without akid, except
    for akid's few extra layers, see ``akid.blocks.keras_extra``)."""
    from akid.graph.export_keras import keras_model_with_weights

    path = Path(path)
    keras_model_with_weights(doc, weights).save(path)
    return path
