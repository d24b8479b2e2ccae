"""Graphs, data and a recording sink that the training tests share."""

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


def two_in_two_out() -> dict:
    """Two inputs, two heads (class logits; a regression of the digit's value), on :func:`two_view_npz` data."""
    nodes = [
        _n("pixels", "Input", shape=[64], feature="pixels"),
        _n("picture", "Input", shape=[8, 8, 1], feature="image"),
        _n("conv", "Conv2D", filters=8, kernel_size=3, activation="relu"),
        _n("flat", "Flatten"),
        _n("dense", "Dense", units=32, activation="relu"),
        _n("join", "Concat"),
        _n("hidden", "Dense", units=32, activation="relu"),
        _n("logits", "Dense", units=10),
        _n("value", "Dense", units=1),
        _n("label", "Output", target="label", metrics=["accuracy"]),
        _n("digit", "Output", target="value", loss="mse", from_logits=False, metrics=["mae"], weight=0.05),
    ]
    edges = _chain("picture", "conv", "flat", "join") + [
        {"id": "p1", "source": "pixels", "target": "dense"},
        {"id": "p2", "source": "dense", "target": "join"},
        {"id": "h1", "source": "join", "target": "hidden"},
        {"id": "h2", "source": "hidden", "target": "logits"},
        {"id": "h3", "source": "hidden", "target": "value"},
        {"id": "o1", "source": "logits", "target": "label"},
        {"id": "o2", "source": "value", "target": "digit"},
    ]
    return {"format": "akid.graph/v1", "name": "two_in_two_out", "nodes": nodes, "edges": edges}


def feedback_rnn() -> dict:
    """A recurrent cell drawn with a feedback edge: h_t = relu(W [x, h_{t-1}]), run 3 time steps."""
    nodes = [
        _n("image", "Input", shape=[64], feature="image"),
        _n("join", "Concat"),
        _n("h", "Dense", units=32, activation="relu"),
        _n("logits", "Dense", units=10),
        _n("label", "Output", target="label"),
    ]
    edges = [
        {"id": "x", "source": "image", "target": "join"},
        {"id": "fb", "source": "h", "target": "join", "feedback": True},
        {"id": "e1", "source": "join", "target": "h"},
        {"id": "e2", "source": "h", "target": "logits"},
        {"id": "e3", "source": "logits", "target": "label"},
    ]
    return {"format": "akid.graph/v1", "name": "feedback_rnn", "params": {"time_steps": 3}, "nodes": nodes, "edges": edges}


def two_view_npz(path) -> dict:
    """Write digits as an npz with two features and two targets; return the data config for it."""
    import numpy as np
    from sklearn.datasets import load_digits

    d = load_digits()
    images = (d.images / 16.0).astype(np.float32)
    np.savez(
        path,
        image=images.reshape(-1, 8, 8, 1),
        pixels=images[:, :, ::-1].reshape(-1, 64),
        label=d.target.astype(np.int64),
        value=d.target.astype(np.float32),
    )
    return {
        "source": "npz",
        "params": {
            "path": str(path),
            "features": {"image": "image", "pixels": "pixels"},
            "targets": {"label": "label", "value": "value"},
            "regression": ["value"],
        },
    }


class Recorder:
    """A sink that keeps every event."""

    def __init__(self):
        self.events: list[tuple[str, dict, list]] = []

    def __call__(self, kind, payload, attachments):
        self.events.append((kind, payload, list(attachments)))

    def of(self, kind: str) -> list[tuple[dict, list]]:
        return [(p, a) for k, p, a in self.events if k == kind]

    def points(self, name: str, split: str = "train", worker: int | None = None) -> list[tuple[int, float]]:
        return [
            (pt["step"], pt["value"])
            for p, _ in self.of("metrics")
            for pt in p["points"]
            if pt["name"] == name and pt["split"] == split and (worker is None or p.get("worker") == worker)
        ]


def bn_mlp() -> dict:
    """An MLP with BatchNorm: its moving statistics must stay equal across workers too."""
    nodes = [
        _n("image", "Input", shape=[64], feature="image"),
        _n("fc", "Dense", units=32),
        _n("bn", "BatchNorm"),
        _n("act", "ReLU"),
        _n("logits", "Dense", units=10),
        _n("label", "Output", target="label"),
    ]
    return {"format": "akid.graph/v1", "name": "bn_mlp", "nodes": nodes, "edges": _chain(*[n["id"] for n in nodes])}
