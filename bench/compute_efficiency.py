"""Achieved FLOP/s of training the small CNN vs. this machine's matmul peak, same run.

The peak is a large float32 matmul timed with TensorFlow; the achieved figure is
3x the forward FLOPs (forward + backward) that shape inference reports, times the
samples/s the Kid reaches on the same model.
"""

from __future__ import annotations

import time

from common import result


def matmul_peak_flops(n: int = 1024, repeats: int = 5) -> float:
    import tensorflow as tf

    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    mm = tf.function(lambda x, y: tf.matmul(x, y))
    mm(a, b).numpy()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        mm(a, b).numpy()
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best


def run(quick: bool = False, smoke: bool = False) -> dict:
    from train_vs_keras import measure_akid, model_doc

    doc = model_doc("cnn")
    from akid.graph.validate import validate

    forward = validate(doc).to_json()["flops"]
    sps = measure_akid(doc, steps=20 if smoke else (60 if quick else 200), batch_size=128)
    achieved = 3 * forward * sps
    peak = matmul_peak_flops(512 if smoke else 1024, 3 if smoke else 5)
    ratio = achieved / peak
    return result(
        "compute_efficiency",
        ratio,
        "report (no target)",
        None,
        achieved_flops=achieved,
        peak_matmul_flops=peak,
        forward_flops_per_sample=forward,
        samples_per_sec=sps,
    )
