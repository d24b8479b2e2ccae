"""Where a training step's time goes: the TensorFlow profiler on the Kid's chunked steps (and on Keras' fit).

Not one of ``run.py``'s benchmarks (it reports no ratio): a tool for the
"where does the remaining time go" question in bench/README.md.

    python bench/train_profile.py [mlp|cnn|resnet] [--keras] [--steps N]

It runs the train_vs_keras model for ``N`` steps (default 9, inside one epoch of
``digits``) under ``tf.profiler.experimental`` after a warm-up call, converts the
trace with the profiler's own ``framework_op_stats`` tool and prints the host
self-time per step grouped as: forward, backward (``gradient_tape/``), optimizer
(``adam/``), input pipeline (``Iterator::``), other ops, and idle/overhead (the
part of wall time no op accounts for: Python, dispatch, waiting).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]


def _rows(logdir: str) -> list[dict]:
    from tensorflow.python.profiler.internal import _pywrap_profiler_plugin as plugin

    paths = glob.glob(f"{logdir}/**/*.xplane.pb", recursive=True)
    data, _ok = plugin.xspace_to_tools_data(paths, "framework_op_stats", {})
    table = json.loads(data)
    table = table[0] if isinstance(table, list) else table
    cols = [c["label"] for c in table["cols"]]
    return [dict(zip(cols, [c["v"] if c else None for c in r["c"]])) for r in table["rows"]]


def _group(name: str, op_type: str) -> str:
    if op_type == "IDLE":
        return "idle"
    if op_type == "Dataset" or "Iterator" in name:
        return "input pipeline"
    if "gradient_tape/" in name:
        return "backward"
    if "adam/" in name or "Adam" in name:
        return "optimizer"
    if any(k in op_type for k in ("Conv", "MatMul", "Pool", "Relu", "BiasAdd", "Softmax", "Mean", "Add")):
        return "forward"
    return "other ops"


def profile(kind: str, keras_side: bool, steps: int) -> dict:
    import tensorflow as tf
    from train_vs_keras import _config, _keras_model, model_doc

    logdir = tempfile.mkdtemp(prefix="akid-profile-")
    if keras_side:
        import keras

        from akid.data.registry import get_source

        data = get_source("digits").load("train")
        x = data["image"].reshape((-1, 64)) if kind == "mlp" else data["image"]
        ds = tf.data.Dataset.from_tensor_slices((x, data["label"])).repeat().batch(64, drop_remainder=True)
        model = _keras_model(kind)
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        model.fit(ds, steps_per_epoch=3, epochs=1, verbose=0)

        def go():
            model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    else:
        from akid.train.kid import Kid

        kid = Kid(model_doc(kind), _config(200, 64), logdir + "/run", observers=[])
        it = iter(kid.fns.train_dataset(0, 0))
        kid.fns.train_steps(it, 1, False, 1)  # traces

        def go():
            kid.fns.train_steps(it, steps, False, 1)

    tf.profiler.experimental.start(logdir + "/trace")
    t0 = time.perf_counter()
    go()
    wall_us = (time.perf_counter() - t0) * 1e6
    tf.profiler.experimental.stop()
    groups: dict[str, float] = {}
    top = []
    for r in _rows(logdir + "/trace"):
        if r.get("Host/device") != "Host":
            continue
        us = float(r["Total self-time (us)"])
        if r["Operation Type"] == "IDLE":
            continue
        g = _group(r["Operation Name"], r["Operation Type"])
        groups[g] = groups.get(g, 0.0) + us
        top.append((us, r["Operation Type"], r["Operation Name"]))
    busy = sum(groups.values())
    groups["idle / python / dispatch"] = max(0.0, wall_us - busy)
    top.sort(reverse=True)
    return {
        "model": kind,
        "side": "keras fit" if keras_side else "akid Kid (one call)",
        "steps": steps,
        "ms_per_step": round(wall_us / steps / 1000, 3),
        "ms_per_step_by_group": {k: round(v / steps / 1000, 3) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])},
        "top_ops_ms_per_step": [(t, n[-60:], round(us / steps / 1000, 3)) for us, t, n in top[:10]],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", nargs="?", default="cnn", choices=["mlp", "cnn", "resnet"])
    ap.add_argument("--keras", action="store_true", help="profile Keras' model.fit instead of the Kid")
    ap.add_argument("--steps", type=int, default=9)
    args = ap.parse_args()
    print(json.dumps(profile(args.model, args.keras, args.steps), indent=1))


if __name__ == "__main__":
    main()
