"""Model weights on disk, keyed by node id (imports TensorFlow through the model; h5py for the file).

Keras' own ``save_weights`` names each layer by its class and position
(``blocks/spec_layer_3``), so a graph edited after saving would silently load
the wrong weights into the wrong node. This file keys every array by node id
instead — ids are names by construction (see ``akid.graph.schema.NODE_ID``) —
and loading checks every node's shapes, reporting every mismatch at once. A node
that shares another's layer (``shares``) has no entry: its owner's is the one.

Layout (HDF5): attribute ``format = "akid.weights/v1"``; group ``nodes/<node_id>``
holds datasets ``0, 1, ...`` in the layer's weight order (trainable and not:
BatchNorm statistics included), each with its variable name as attribute ``name``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from akid.errors import AkidError, Issue
from akid.graph.sharing import sharers

FORMAT = "akid.weights/v1"


def model_weights(model: Any) -> dict[str, list[np.ndarray]]:
    """Node id -> its layer's weights (numpy), for every node that has any."""
    out = {}
    shared = sharers(model.program.graph)
    for nid, layer in model.program.layers.items():
        if nid in shared:
            continue  # a shared layer's weights are stored once, under its owner
        ws = layer.get_weights()
        if ws:
            out[nid] = [np.asarray(w) for w in ws]
    return out


def save_weights(weights: dict[str, list[np.ndarray]] | Any, path: str | Path) -> Path:
    """Write ``{node_id: [arrays]}`` (or a GraphModel's weights) to ``path``."""
    import h5py

    if not isinstance(weights, dict):
        weights = model_weights(weights)
    path = Path(path)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = FORMAT
        nodes = f.create_group("nodes")
        for nid, arrays in weights.items():
            g = nodes.create_group(nid)
            for k, a in enumerate(arrays):
                g.create_dataset(str(k), data=np.asarray(a))
    return path


def read_weights(path: str | Path) -> dict[str, list[np.ndarray]]:
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != FORMAT:
                raise AkidError(
                    [
                        Issue(
                            "bad_weights",
                            f"{str(path)!r} is not an akid weights file ({FORMAT}). Received: format={f.attrs.get('format')!r}",
                            path="$",
                        )
                    ]
                )
            return {nid: [np.asarray(g[str(k)]) for k in range(len(g))] for nid, g in f["nodes"].items()}
    except OSError as exc:
        raise AkidError([Issue("io_error", f"cannot read weights {str(path)!r}: {exc}", path="$")]) from None


def set_weights(model: Any, weights: dict[str, list[np.ndarray]], *, partial: bool = False) -> list[str]:
    """Load ``weights`` into a built GraphModel; every unknown node or shape mismatch is reported at once.

    With ``partial`` (fine-tuning a changed graph) nodes without saved weights keep their
    initial values; nodes in the file that the graph lacks are still errors. Returns the loaded ids.
    """
    layers = model.program.layers
    shared = sharers(model.program.graph)
    issues = []
    for nid, arrays in weights.items():
        layer = layers.get(nid)
        if nid in shared:
            issues.append(
                Issue(
                    "bad_weights",
                    f"the weights file has an entry for node {nid!r}, which shares the layer of {shared[nid]!r}: "
                    f"its weights are stored once, under {shared[nid]!r}. Received: {nid!r}",
                    node_id=nid,
                )
            )
            continue
        if layer is None:
            issues.append(
                Issue(
                    "bad_weights", f"the weights file has node {nid!r}, which the graph does not. Received: {nid!r}", node_id=nid
                )
            )
            continue
        want = [tuple(w.shape) for w in layer.weights]
        got = [tuple(a.shape) for a in arrays]
        if want != got:
            issues.append(
                Issue("bad_weights", f"node {nid!r} has weights of shapes {want}, the file {got}. Received: {got}", node_id=nid)
            )
    if not partial:
        for nid, layer in layers.items():
            if layer.weights and nid not in weights and nid not in shared:
                issues.append(
                    Issue("bad_weights", f"the weights file has nothing for node {nid!r}. Received: no entry", node_id=nid)
                )
    if issues:
        raise AkidError(issues)
    for nid, arrays in weights.items():
        layers[nid].set_weights(arrays)
    return sorted(weights)
