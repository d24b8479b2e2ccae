"""keras.applications models come in with their weights and compute what Keras computes.

For each family at a small input (weights=None, classes=10, every weight random,
BatchNorm statistics included): save a ``.keras`` file, ``python -m akid
import-keras`` it, ``python -m akid predict`` on random images, and compare with
Keras' own prediction (logits: ``classifier_activation=None``, so nothing saturates).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from akid.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
# bench/keras_apps.py runs every family; CI runs a subset with the same models and weights
from keras_apps import FAMILIES as ALL_FAMILIES
from keras_apps import randomize

A = keras.applications

#: the CI subset: one family per architecture style, each at its smallest input
FAMILIES = {
    name: ALL_FAMILIES[name]
    for name in (
        "MobileNet",
        "MobileNetV2",
        "MobileNetV3Small",
        "ResNet50V2",
        "DenseNet121",
        "EfficientNetB0",
        "EfficientNetV2B0",
        "Xception",
        "InceptionV3",
    )
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_application_imports_and_predicts_like_keras(family, tmp_path, capsys):
    fn, size = FAMILIES[family]
    rng = np.random.default_rng(0)
    model = fn(weights=None, classes=10, input_shape=(size, size, 3), classifier_activation=None)
    randomize(model, rng)
    model.save(tmp_path / "m.keras")
    x = rng.uniform(0, 255, (2, size, size, 3)).astype("float32")
    np.save(tmp_path / "x.npy", x)

    assert main(["import-keras", str(tmp_path / "m.keras"), "-o", str(tmp_path / "akid")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["unsupported"] == []
    assert summary["params"] == model.count_params()
    assert summary["weights"].endswith("weights.weights.h5")

    assert (
        main(
            [
                "predict",
                summary["graph"],
                "--weights",
                summary["weights"],
                "--input",
                str(tmp_path / "x.npy"),
                "-o",
                str(tmp_path / "y.npz"),
            ]
        )
        == 0
    )
    ours = np.load(tmp_path / "y.npz")
    (y,) = [ours[k] for k in ours.files]
    want = model.predict(x, verbose=0)
    scale = float(np.max(np.abs(want)))
    assert scale > 0
    assert float(np.max(np.abs(y - want))) <= 1e-4 * scale, f"{family}: max diff {np.max(np.abs(y - want))} at scale {scale}"


def test_unsupported_model_file_lists_every_problem(tmp_path, capsys):
    x = keras.Input(shape=(8, 8, 3), name="x")
    h = keras.layers.Conv2D(2, 3, data_format="channels_first", name="cf")(x)
    y = keras.layers.LeakyReLU(name="leaky")(h)
    keras.Model(x, y).save(tmp_path / "m.keras")
    assert main(["import-keras", str(tmp_path / "m.keras"), "-o", str(tmp_path / "out")]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert not summary["ok"]
    assert {(u["node_id"], u["param"]) for u in summary["unsupported"]} == {("cf", "data_format"), ("leaky", None)}
    assert not (tmp_path / "out").exists()


def test_model_json_imports_without_weights(tmp_path, capsys):
    model = A.MobileNet(weights=None, classes=10, input_shape=(32, 32, 3))
    (tmp_path / "m.json").write_text(model.to_json())
    assert main(["import-keras", str(tmp_path / "m.json"), "-o", str(tmp_path / "out")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["weights"] is None and summary["params"] == model.count_params()
