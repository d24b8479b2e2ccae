"""Samples/s of the akid Kid vs. the same architecture written by hand in Keras.

Both sides train on ``digits`` with the same batch size, from the same arrays,
for the same number of steps. Keras uses ``model.fit`` defaults; the Kid uses
its custom ``tf.function`` loop with the scalar observer on (Keras' fit reports
loss and metrics too) and histograms/images off. The ratio is akid / Keras:
>= 1.0 means the block layer costs nothing.

Why rounds: on a shared 2-core machine one long run of each side measures the
machine as much as the code (other work comes and goes between them). Each
side is built and traced once, then both train in several short rounds,
alternating which goes first; the warm-up round is dropped and the figure is
the **median of the per-round ratios**, with the min/max printed as the spread.

Wall time and CPU time: each round is timed both ways. The headline ratio is
wall time (samples/s as a user sees them), because part of the Kid's lead is
real overlap: with no host sync between steps its threads keep both cores busy
(~1.5 cores on an idle 2-core machine) where ``fit``'s step-by-step loop uses
~1. The process's CPU time (all threads) is printed too (``ratio_cpu``): it is
the work each side does, and it does not count the slices other processes on a
shared machine take, so it is the steadier figure under load, but it cannot
credit that overlap (and under load the overlap is not there to be had).
"""

from __future__ import annotations

import gc
import statistics
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


class AkidRounds:
    """One Kid, trained again each round (``Kid.fit`` once more: same data order, no new trace).

    A round's figures are the Kid's own: every call (only the Kid's very first call, in the
    warm-up round, is left out: it traces), epoch starts included, epoch-end validation and
    checkpoints not; as samples per wall second and per second of this process's CPU time.
    """

    def __init__(self, doc: dict, steps: int, batch_size: int, jit: bool = False, observers: dict | None = None, sink=None):
        from akid.train.kid import Kid

        self._dir = tempfile.TemporaryDirectory()
        self.kid = Kid(doc, _config(steps, batch_size, jit, observers), self._dir.name, sink=sink)

    def round(self) -> tuple[float, float]:
        res = self.kid.fit()
        return float(res["samples_per_sec"]), float(res["cpu_samples_per_sec"])

    def close(self) -> None:
        self.kid.close()
        self._dir.cleanup()


class KerasRounds:
    """``model.fit`` (defaults) on the same arrays, one epoch of ``steps`` batches per round.

    Timed like the Kid: from the start of the round's first batch (Keras has made its dataset
    iterator by then, as the Kid has made its own before its clock starts) to the end of ``fit``,
    so both sides time all ``steps`` steps. (Until the Kid kept its chunk length from one ``fit``
    to the next, its first call in a round was a single step that it did not time, and Keras'
    clock started after its first batch to match.)
    """

    def __init__(self, kind: str, steps: int, batch_size: int):
        import keras
        import tensorflow as tf

        from akid.data.registry import get_source

        data = get_source("digits").load("train")
        x = data["image"].reshape((-1, 64)) if kind == "mlp" else data["image"]
        y = data["label"]
        n = steps * batch_size
        reps = -(-n // len(x))
        x, y = np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]
        self.steps, self.batch_size = steps, batch_size
        self.ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(batch_size).prefetch(tf.data.AUTOTUNE)
        self.model = _keras_model(kind)
        self.model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        self.model.fit(self.ds.take(3), epochs=1, verbose=0)  # trace
        marks: list[tuple[float, float]] = []
        self._marks = marks

        class Clock(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                if batch == 0:
                    marks.append((time.perf_counter(), time.process_time()))

            def on_train_end(self, logs=None):
                marks.append((time.perf_counter(), time.process_time()))

        self._clock = Clock()

    def round(self) -> tuple[float, float]:
        self._marks.clear()
        self.model.fit(self.ds, epochs=1, verbose=0, callbacks=[self._clock])
        (w0, c0), (w1, c1) = self._marks[0], self._marks[-1]
        samples = self.steps * self.batch_size
        return samples / (w1 - w0), samples / max(c1 - c0, 1e-9)


def alternate(a, b, rounds: int) -> dict:
    """``rounds`` timed rounds of ``a`` and ``b`` (after one warm-up round each), the order flipping
    every round; per-round ratios a ÷ b by CPU time and by wall time, their medians and spreads."""
    a.round(), b.round()  # warm-up: lazy initialisations, caches, the allocator
    wall, cpu, a_sps, b_sps = [], [], [], []
    for r in range(rounds):
        gc.collect()
        if r % 2 == 0:
            aw, ac = a.round()
            bw, bc = b.round()
        else:
            bw, bc = b.round()
            aw, ac = a.round()
        wall.append(aw / bw)
        cpu.append(ac / bc)
        a_sps.append(ac)
        b_sps.append(bc)
    return {
        "ratio_cpu": statistics.median(cpu),
        "ratio_cpu_spread": [round(min(cpu), 3), round(max(cpu), 3)],
        "ratio_wall": statistics.median(wall),
        "ratio_wall_spread": [round(min(wall), 3), round(max(wall), 3)],
        "ratio_cpu_per_round": [round(x, 3) for x in cpu],
        "ratio_wall_per_round": [round(x, 3) for x in wall],
        "a_cpu_samples_per_sec": statistics.median(a_sps),
        "b_cpu_samples_per_sec": statistics.median(b_sps),
    }


def run(quick: bool = False, smoke: bool = False) -> dict:
    steps = 20 if smoke else (40 if quick else 300)
    rounds = 2 if smoke else 7
    batch = 64
    kinds = ["cnn"] if smoke else list(MODELS)
    rows = {}
    for kind in kinds:
        akid = AkidRounds(model_doc(kind), steps, batch)
        keras_side = KerasRounds(kind, steps, batch)
        try:
            m = alternate(akid, keras_side, rounds)
        finally:
            akid.close()
        rows[kind] = {
            "ratio": round(m["ratio_wall"], 3),
            "spread": m["ratio_wall_spread"],
            "ratio_cpu": round(m["ratio_cpu"], 3),
            "spread_cpu": m["ratio_cpu_spread"],
            "per_round": m["ratio_wall_per_round"],
            "per_round_cpu": m["ratio_cpu_per_round"],
            "akid_cpu_samples_per_sec": round(m["a_cpu_samples_per_sec"]),
            "keras_cpu_samples_per_sec": round(m["b_cpu_samples_per_sec"]),
        }
    worst_kind = min(rows, key=lambda k: rows[k]["ratio"])
    worst = rows[worst_kind]["ratio"]
    return result(
        "train_vs_keras",
        worst,
        ">= 1.2 (worst model; median of per-round wall-time ratios)",
        worst >= 1.2,
        batch_size=batch,
        steps_per_round=steps,
        rounds=rounds,
        spread=rows[worst_kind]["spread"],
        worst_model=worst_kind,
        ratio_cpu=min(r["ratio_cpu"] for r in rows.values()),
        models=rows,
    )
