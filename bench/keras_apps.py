"""Every keras.applications family: import-keras (with weights) -> predict equals Keras.

For each family at a small input (weights=None, classes=10, logits, random
weights including BatchNorm statistics) this saves a ``.keras`` file, imports
it as akid does (architecture as data, then weights), validates, predicts on
random images and prints one row: parameter counts (akid vs Keras), the largest
output difference relative to the output scale, and timings measured side by
side: architecture import + validate (no TensorFlow work), and weight loading.

    .venv/bin/python bench/keras_apps.py            # every family
    .venv/bin/python bench/keras_apps.py ResNet50   # some
Timings on a shared machine are noisy; compare rows of one run, not runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from akid.graph.compile import build_model  # noqa: E402
from akid.graph.export_import import from_keras_json, keras_node_ids  # noqa: E402
from akid.graph.keras_file import keras_weights, read_architecture  # noqa: E402
from akid.graph.validate import validate  # noqa: E402
from akid.graph.weights import set_weights  # noqa: E402

A = keras.applications
#: family -> (constructor, smallest input side it accepts)
FAMILIES = {
    "VGG16": (A.VGG16, 32),
    "VGG19": (A.VGG19, 32),
    "ResNet50": (A.ResNet50, 32),
    "ResNet101": (A.ResNet101, 32),
    "ResNet152": (A.ResNet152, 32),
    "ResNet50V2": (A.ResNet50V2, 32),
    "ResNet101V2": (A.ResNet101V2, 32),
    "ResNet152V2": (A.ResNet152V2, 32),
    "MobileNet": (A.MobileNet, 32),
    "MobileNetV2": (A.MobileNetV2, 32),
    "MobileNetV3Small": (A.MobileNetV3Small, 32),
    "MobileNetV3Large": (A.MobileNetV3Large, 32),
    "DenseNet121": (A.DenseNet121, 32),
    "DenseNet169": (A.DenseNet169, 32),
    "DenseNet201": (A.DenseNet201, 32),
    "Xception": (A.Xception, 71),
    "InceptionV3": (A.InceptionV3, 75),
    "InceptionResNetV2": (A.InceptionResNetV2, 75),
    "NASNetMobile": (A.NASNetMobile, 32),
    **{f"EfficientNetB{i}": (getattr(A, f"EfficientNetB{i}"), 32) for i in range(8)},
    **{f"EfficientNetV2{v}": (getattr(A, f"EfficientNetV2{v}"), 32) for v in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    **{f"ConvNeXt{v}": (getattr(A, f"ConvNeXt{v}"), 32) for v in ("Tiny", "Small", "Base", "Large", "XLarge")},
}
SLOW = {"NASNetLarge": (A.NASNetLarge, 331)}  # only when named: a 331x331 input is the smallest it takes


def randomize(model: keras.Model, rng: np.random.Generator) -> None:
    """Random weights everywhere, with positive BatchNorm variances (a trained model's statistics)."""
    for layer in model.layers:
        values = []
        for v, w in zip(layer.weights, layer.get_weights()):
            if "variance" in v.name:
                values.append(rng.uniform(0.5, 1.5, w.shape).astype(w.dtype))
            elif w.ndim == 0:
                values.append(w)
            else:
                values.append(rng.normal(0.0, 0.1, w.shape).astype(w.dtype))
        if values:
            layer.set_weights(values)


def run(name: str, fn, size: int, tmp: Path) -> str:
    rng = np.random.default_rng(0)
    model = fn(weights=None, classes=10, input_shape=(size, size, 3), classifier_activation=None)
    randomize(model, rng)
    path = tmp / f"{name}.keras"
    model.save(path)
    t0 = time.perf_counter()
    text = read_architecture(path)
    doc = from_keras_json(text)
    report = validate(doc, max_params=None)
    t_arch = time.perf_counter() - t0
    t0 = time.perf_counter()
    import json

    weights = keras_weights(path, keras_node_ids(json.loads(text)))
    ours = build_model(doc, max_params=None)
    set_weights(ours, weights)
    t_weights = time.perf_counter() - t0
    x = rng.uniform(0, 255, (2, size, size, 3)).astype("float32")
    want = model.predict(x, verbose=0)
    got = np.asarray(next(iter(ours(x, training=False).values())))
    rel = float(np.max(np.abs(got - want)) / (np.max(np.abs(want)) or 1.0))
    ok = report.ok and report.params == model.count_params() and rel <= 1e-4
    return (
        f"{name:20s} {'ok  ' if ok else 'FAIL'} nodes={len(doc['nodes']):5d} params akid={report.params:>10,} keras={model.count_params():>10,} "
        f"rel_diff={rel:.1e} import+validate={t_arch:.2f}s weights+build={t_weights:.2f}s"
    )


def main(names: list[str]) -> int:
    table = {**FAMILIES, **SLOW}
    names = names or list(FAMILIES)
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            fn, size = table[name]
            try:
                row = run(name, fn, size, Path(d))
            except Exception as exc:
                row = f"{name:20s} FAIL {type(exc).__name__}: {str(exc)[:300]}"
            failed += "FAIL" in row
            print(row, flush=True)
            keras.backend.clear_session()
    print(f"{len(names) - failed}/{len(names)} families import and predict like Keras")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
