"""Graph -> ONNX, through Keras' own exporter (``model.export(format="onnx")``, tf2onnx underneath).

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
    import numpy as np

    from akid.graph.compile import build_model
    from akid.graph.export_keras import build_keras_model
    from akid.graph.weights import read_weights, set_weights

    model = build_keras_model(doc)
    ours = build_model(doc, max_params=None)
    if weights is not None:
        set_weights(ours, weights if isinstance(weights, dict) else read_weights(weights))
    for nid, layer in ours.program.layers.items():
        if layer.weights:
            model.get_layer(nid).set_weights(layer.get_weights())
    model({t.name: np.zeros((1, *t.shape[1:]), t.dtype) for t in model.inputs})  # Keras exports only a called model
    path = Path(path)
    try:
        import tf2onnx  # noqa: F401
    except ImportError:
        raise AkidError([Issue("not_available", "ONNX export needs tf2onnx (pip install tf2onnx, see README Dependencies)")]) from None
    model.export(str(path), format="onnx", verbose=False)
    return path
