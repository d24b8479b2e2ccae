"""Graph documents the training tests share (built here so the tests own them)."""
from __future__ import annotations


def _n(id, type, **params):
    return {"id": id, "type": type, "params": params}


def _chain(*ids):
    return [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(zip(ids, ids[1:]))]


def digits_cnn() -> dict:
    """The default digits CNN: two 3x3 convs, pooling, a dense head."""
    nodes = [
        _n("image", "Input", shape=[8, 8, 1], feature="image"),
        _n("conv1", "Conv2D", filters=16, kernel_size=3, padding="same", activation="relu"),
        _n("conv2", "Conv2D", filters=32, kernel_size=3, padding="same", activation="relu"),
        _n("pool", "MaxPool2D", pool_size=2),
        _n("flat", "Flatten"),
        _n("fc", "Dense", units=64, activation="relu"),
        _n("logits", "Dense", units=10),
        _n("label", "Output", target="label", loss="sparse_categorical_crossentropy", from_logits=True, metrics=["accuracy"]),
    ]
    ids = [n["id"] for n in nodes]
    return {"format": "akid.graph/v1", "name": "digits_cnn", "nodes": nodes, "edges": _chain(*ids)}


def tiny_mlp() -> dict:
    """A fast MLP for loop-mechanics tests."""
    nodes = [
        _n("image", "Input", shape=[64], feature="image"),
        _n("fc", "Dense", units=32, activation="relu"),
        _n("logits", "Dense", units=10),
        _n("label", "Output", target="label"),
    ]
    return {"format": "akid.graph/v1", "name": "tiny_mlp", "nodes": nodes, "edges": _chain(*[n["id"] for n in nodes])}
