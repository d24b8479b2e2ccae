"""``python -m akid export G --to onnx|keras-file``: onnxruntime and Keras compute what the akid model computes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from akid.cli import main
from akid.graph.compile import build_model
from akid.graph.weights import model_weights, save_weights

GRAPHS = Path(__file__).resolve().parents[2] / "fixtures" / "graphs"


@pytest.mark.parametrize("name", ["residual.json", "two_in_two_out.json", "composite.json", "shared.json"])
def test_onnx_matches_the_akid_model(name, tmp_path, capsys):
    import onnxruntime as ort  # requirements-dev.txt

    doc = json.loads((GRAPHS / name).read_text())
    model = build_model(doc)
    weights = save_weights(model_weights(model), tmp_path / "w.weights.h5")
    assert main(["export", str(GRAPHS / name), "--to", "onnx", "-o", str(tmp_path / "m.onnx"), "--weights", str(weights)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    rng = np.random.default_rng(0)
    feed = {nid: rng.normal(size=(3, *b["shape"])).astype(b["dtype"]) for nid, b in model.bindings["inputs"].items()}
    got = dict(zip([o.name for o in session.get_outputs()], session.run(None, feed)))
    want = model(feed, training=False)
    assert set(got) == set(want)
    for k in want:
        np.testing.assert_allclose(got[k], np.asarray(want[k]), rtol=1e-4, atol=1e-5)


def test_onnx_needs_an_output_file(capsys):
    assert main(["export", str(GRAPHS / "residual.json"), "--to", "onnx"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["param"] == "out"


def test_keras_file_export_carries_the_weights(tmp_path, capsys):
    import keras

    doc = json.loads((GRAPHS / "residual.json").read_text())
    model = build_model(doc)
    weights = save_weights(model_weights(model), tmp_path / "w.weights.h5")
    out = tmp_path / "m.keras"
    assert main(["export", str(GRAPHS / "residual.json"), "--to", "keras-file", "-o", str(out), "--weights", str(weights)]) == 0
    assert json.loads(capsys.readouterr().out)["keras_file"] == str(out)
    loaded = keras.saving.load_model(out, compile=False)
    x = np.random.default_rng(1).normal(size=(2, *model.bindings["inputs"]["x"]["shape"])).astype("float32")
    np.testing.assert_allclose(np.asarray(loaded({"x": x})["y"]), np.asarray(model({"x": x})["y"]), rtol=1e-6, atol=1e-6)


def test_a_trained_run_exports_as_a_keras_file_with_its_checkpoint_weights(tmp_path, capsys):
    import keras
    import tensorflow as tf

    from akid.train.checkpoints import checkpoint_dir, model_trackable

    doc = json.loads((GRAPHS / "residual.json").read_text())
    trained = build_model(doc)
    ckpt = tf.train.Checkpoint(model=model_trackable(trained), step=tf.Variable(7, dtype=tf.int64))
    tf.train.CheckpointManager(ckpt, str(checkpoint_dir(tmp_path / "run")), max_to_keep=1).save()
    out = tmp_path / "trained.keras"
    assert (
        main(["export", str(GRAPHS / "residual.json"), "--to", "keras-file", "-o", str(out), "--run", str(tmp_path / "run")]) == 0
    )
    capsys.readouterr()
    loaded = keras.saving.load_model(out, compile=False)
    x = np.random.default_rng(2).normal(size=(2, *trained.bindings["inputs"]["x"]["shape"])).astype("float32")
    np.testing.assert_allclose(np.asarray(loaded({"x": x})["y"]), np.asarray(trained({"x": x})["y"]), rtol=1e-6, atol=1e-6)
