"""Fine-tuning: a run starts from imported weights or another run's checkpoint; frozen blocks keep their weights."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from train_helpers import Recorder, tiny_mlp

FAST = {"epochs": 1, "steps_per_epoch": 3, "observers": {"histograms_every": 0, "images_every": 0, "tensorboard": False}}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """tiny_mlp trained 2 epochs on digits: its checkpoint is the source to fine-tune from."""
    from akid.train import api

    logdir = tmp_path_factory.mktemp("source")
    cfg = {**FAST, "epochs": 2, "steps_per_epoch": None}
    api.train(tiny_mlp(), cfg, logdir=logdir)
    return logdir


def _first_loss(rec: Recorder) -> float:
    return rec.points("loss")[0][1]


def test_run_from_a_trained_checkpoint_starts_at_a_lower_loss(trained, tmp_path):
    from akid.train import api
    from akid.train.init_weights import write_init_spec

    scratch, tuned = Recorder(), Recorder()
    api.train(tiny_mlp(), FAST, logdir=tmp_path / "scratch", sink=scratch)
    write_init_spec(tmp_path / "tuned", {"run_logdir": str(trained), "graph": tiny_mlp(), "label": "the source run"})
    api.train(tiny_mlp(), FAST, logdir=tmp_path / "tuned", sink=tuned)
    assert _first_loss(tuned) < 0.5 * _first_loss(scratch)
    logs = [p["message"] for p, _ in tuned.of("log") if p["message"].startswith("init weights")]
    assert logs and "loaded 2 nodes ['fc', 'logits']" in logs[0] and "missing (fresh initialisation) []" in logs[0]


def test_imported_weights_load_by_node_id_partially(tmp_path):
    """A changed head (other shape) and a node the graph lacks are skipped and reported; the rest is loaded exactly."""
    from akid.graph.compile import build_model
    from akid.graph.weights import save_weights
    from akid.train.init_weights import WEIGHTS_COPY, load_init_weights, write_init_spec

    rng = np.random.default_rng(0)
    fc = [rng.normal(size=(64, 32)).astype("float32"), rng.normal(size=(32,)).astype("float32")]
    save_weights(
        {"fc": fc, "logits": [np.zeros((32, 5), "float32"), np.zeros(5, "float32")], "gone": [np.ones(2, "float32")]},
        tmp_path / WEIGHTS_COPY,
    )
    write_init_spec(tmp_path, {"weights": WEIGHTS_COPY, "label": "imported"})
    model = build_model(tiny_mlp())
    before = model.program.layers["logits"].get_weights()
    messages = []
    report = load_init_weights(model, tmp_path, lambda m, *a: messages.append(m))
    assert report == {"loaded": ["fc"], "missing": ["logits"], "skipped": ["gone", "logits"], "frozen": []}
    got = model.program.layers["fc"].get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(got, fc))
    assert all(np.array_equal(a, b) for a, b in zip(model.program.layers["logits"].get_weights(), before))
    assert "loaded 1 nodes ['fc']" in messages[0]


def test_a_frozen_block_keeps_its_weights_through_training(trained, tmp_path):
    from akid.graph.compile import build_model
    from akid.graph.weights import model_weights
    from akid.train import api
    from akid.train.checkpoints import restore_model
    from akid.train.init_weights import write_init_spec

    graph = copy.deepcopy(tiny_mlp())
    graph["nodes"][1]["params"]["trainable"] = False  # fc frozen, logits trained
    write_init_spec(tmp_path, {"run_logdir": str(trained), "graph": tiny_mlp(), "label": "source"})
    rec = Recorder()
    api.train(graph, FAST, logdir=tmp_path, sink=rec)
    source = build_model(tiny_mlp())
    restore_model(source, trained)
    after = build_model(graph)
    restore_model(after, tmp_path)
    w0, w1 = model_weights(source), model_weights(after)
    assert all(np.array_equal(a, b) for a, b in zip(w0["fc"], w1["fc"]))
    assert not all(np.array_equal(a, b) for a, b in zip(w0["logits"], w1["logits"]))
    assert any("frozen (trainable=false) ['fc']" in p["message"] for p, _ in rec.of("log"))


def test_trainable_maps_to_keras_both_ways():
    from akid.graph.export import from_keras_json, to_keras_json

    graph = copy.deepcopy(tiny_mlp())
    graph["nodes"][1]["params"]["trainable"] = False
    back = from_keras_json(to_keras_json(graph))
    params = {n["id"]: n["params"] for n in back["nodes"]}
    assert params["fc"].get("trainable") is False and "trainable" not in params["logits"]


def test_a_frozen_keras_layer_arrives_frozen_and_weightless_ones_import_as_usual():
    import keras

    from akid.graph.export import from_keras_json

    inp = keras.Input((4,))
    h = keras.layers.Dense(3, name="base", trainable=False)(inp)
    h = keras.layers.ReLU(name="act", trainable=False)(h)
    out = keras.layers.Dense(2, name="head")(h)
    doc = from_keras_json(keras.Model(inp, out).to_json())
    params = {n["id"]: n["params"] for n in doc["nodes"]}
    assert params["base"]["trainable"] is False and "trainable" not in params["act"] and "trainable" not in params["head"]
