"""Samples/s of the akid Kid vs. the same architecture written by hand in Keras.

Both sides train on ``digits`` with the same batch size, from the same arrays,
after a warm-up (tracing excluded). Keras uses ``model.fit`` defaults; the Kid
uses its custom ``tf.function`` loop with the scalar observer on (Keras' fit
reports loss and metrics too) and histograms/images off. The ratio is
akid / Keras: >= 1.0 means the block layer costs nothing.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np
from common import result

MODELS = {
    "mlp": "Input(64) > Dense(128, relu) > Dense(128, relu) > Dense(10) > Output(label)",
    "cnn": (
        "Input(8,8,1) > Conv2D(32, 3, padding=same) > ReLU > MaxPool2D > Conv2D(64, 3, padding=same) > ReLU"
        " > Flatten > Dense(64, relu) > Dense(10) > Output(label)"
    ),
    "resnet": """
x: Input(8,8,1)
x > c0: Conv2D(32, 3, padding=same) > r0: ReLU
r0 > c1: Conv2D(32, 3, padding=same) > r1: ReLU > c2: Conv2D(32, 3, padding=same)
(r0, c2) > a: Add > ReLU > GlobalAvgPool2D > Dense(10) > Output(label)
""",
}


def model_doc(kind: str) -> dict:
    from akid.graph.metasyntax import parse

    return parse(MODELS[kind])


def _config(steps: int, batch_size: int, jit: bool = False, observers: dict | None = None, jokers: list | None = None) -> dict:
    """Enough epochs of ``digits`` for ``steps`` steps (the Kid times training steps only)."""
    from akid.data.registry import get_source

    per_epoch = get_source("digits").sizes()["train"] // batch_size
    obs = {"scalars": True, "histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}
    obs.update(observers or {})
    return {
        "epochs": -(-steps // per_epoch),
        "batch_size": batch_size,
        "jit_compile": jit,
        "checkpoint_every": 0,
        "observers": obs,
        "jokers": jokers or [],
    }


def measure_akid(
    doc: dict,
    steps: int,
    batch_size: int,
    jit: bool = False,
    observers: dict | None = None,
    sink=None,
    jokers: list | None = None,
) -> float:
    """Steady-state samples/s of the Kid (its own measurement skips the traced first steps)."""
    from akid.train.api import train

    with tempfile.TemporaryDirectory() as logdir:
        res = train(doc, _config(steps, batch_size, jit, observers, jokers), logdir=logdir, sink=sink)
    return float(res["samples_per_sec"])


def _keras_model(kind: str):
    import keras

    L = keras.layers
    if kind == "mlp":
        x = keras.Input((64,))
        h = L.Dense(128, activation="relu")(x)
        h = L.Dense(128, activation="relu")(h)
        return keras.Model(x, L.Dense(10)(h))
    x = keras.Input((8, 8, 1))
    if kind == "cnn":
        h = L.ReLU()(L.Conv2D(32, 3, padding="same")(x))
        h = L.MaxPooling2D()(h)
        h = L.ReLU()(L.Conv2D(64, 3, padding="same")(h))
        h = L.Dense(64, activation="relu")(L.Flatten()(h))
        return keras.Model(x, L.Dense(10)(h))
    r0 = L.ReLU()(L.Conv2D(32, 3, padding="same")(x))
    c2 = L.Conv2D(32, 3, padding="same")(L.ReLU()(L.Conv2D(32, 3, padding="same")(r0)))
    h = L.GlobalAveragePooling2D()(L.ReLU()(L.Add()([r0, c2])))
    return keras.Model(x, L.Dense(10)(h))


def measure_keras(kind: str, steps: int, batch_size: int) -> float:
    """Samples/s of ``model.fit`` (defaults) after one warm-up epoch."""
    import keras
    import tensorflow as tf

    from akid.data.registry import get_source

    data = get_source("digits").load("train")
    x = data["image"].reshape((-1, 64)) if kind == "mlp" else data["image"]
    y = data["label"]
    reps = -(-steps * batch_size // len(x))
    x, y = np.concatenate([x] * reps)[: steps * batch_size], np.concatenate([y] * reps)[: steps * batch_size]
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    model = _keras_model(kind)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(ds.take(3), epochs=1, verbose=0)  # trace
    t0 = time.perf_counter()
    model.fit(ds, epochs=1, verbose=0)
    return steps * batch_size / (time.perf_counter() - t0)


def run(quick: bool = False, smoke: bool = False) -> dict:
    steps = 15 if smoke else (60 if quick else 300)
    batch = 64
    kinds = ["cnn"] if smoke else list(MODELS)
    rows = {}
    for kind in kinds:
        doc = model_doc(kind)
        keras_sps = measure_keras(kind, steps, batch)
        akid_sps = measure_akid(doc, steps, batch)
        row = {"akid_samples_per_sec": akid_sps, "keras_samples_per_sec": keras_sps, "ratio": akid_sps / keras_sps}
        if not quick:
            row["akid_xla_samples_per_sec"] = measure_akid(doc, steps, batch, jit=True)
            row["ratio_xla"] = row["akid_xla_samples_per_sec"] / keras_sps
        rows[kind] = row
    worst = min(r["ratio"] for r in rows.values())
    return result("train_vs_keras", worst, ">= 1.2 (worst model)", worst >= 1.2, batch_size=batch, steps=steps, models=rows)
