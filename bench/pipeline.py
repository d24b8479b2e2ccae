"""Sensor throughput with augmentation vs. the model's consumption rate.

The input pipeline must never be the bottleneck: the sensor alone (shuffle,
batch, jokers, prefetch) must deliver at least 1.5x the samples/s that the Kid
consumes while training the small CNN with the same jokers.
"""

from __future__ import annotations

import time

from common import result

JOKERS = [
    {"type": "RandomTranslation", "params": {}},
    {"type": "RandomColor", "params": {}},
    {"type": "GaussianNoise", "params": {}},
]


def sensor_samples_per_sec(batch_size: int, epochs: int) -> tuple[float, float]:
    """Steady-state samples/s and the mean per-epoch start-up time (pipeline build + first batches).

    Steady state skips the first two batches of each epoch; the start-up cost is
    reported beside it. (The Kid's own samples/s counts every call but the
    first, epoch starts included, so the model side is if anything slower.)
    """
    from akid.data.sensor import Sensor

    sensor = Sensor("digits", batch_size=batch_size, jokers=JOKERS, seed=0, drop_remainder=True)
    for _ in sensor.dataset("train", epoch=0):  # warm-up: traces the map function
        pass
    n, busy, startup = 0, 0.0, 0.0
    for epoch in range(1, epochs + 1):
        t_last = t_epoch = time.perf_counter()
        for b, (x, _y) in enumerate(sensor.dataset("train", epoch=epoch)):
            now = time.perf_counter()
            if b > 1:
                n += int(next(iter(x.values())).shape[0])
                busy += now - t_last
            elif b == 1:
                startup += now - t_epoch
            t_last = now
    return n / busy, startup / epochs


def run(quick: bool = False, smoke: bool = False) -> dict:
    from train_vs_keras import measure_akid, model_doc

    batch = 64
    epochs = 1 if smoke else (3 if quick else 10)
    supply, startup = sensor_samples_per_sec(batch, epochs)
    doc = model_doc("cnn")
    demand = measure_akid(doc, steps=20 if smoke else (60 if quick else 300), batch_size=batch, jokers=JOKERS)
    ratio = supply / demand
    return result(
        "pipeline",
        ratio,
        ">= 1.5",
        ratio >= 1.5,
        sensor_samples_per_sec=supply,
        model_samples_per_sec=demand,
        epoch_startup_s=startup,
        jokers=[j["type"] for j in JOKERS],
        batch_size=batch,
    )
