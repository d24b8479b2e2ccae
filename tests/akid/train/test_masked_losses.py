"""A masked per-step head is weighted as Keras weights it: padded steps count nothing.

The same model (Embedding(mask_zero) -> LSTM(return_sequences) -> Dense per step)
runs in akid's trainer and as the Keras model akid exports; on padded data
akid's ``evaluate`` equals Keras' ``evaluate`` (loss and accuracy, over several
batches of different real lengths), and N steps of SGD land on the same weights
as Keras' ``fit`` on the same batches.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from akid.graph.export_keras import keras_model_with_weights
from akid.graph.weights import model_weights
from akid.train.config import TrainConfig
from akid.train.distribute import WorkerInfo
from akid.train.model_setup import build_setup
from akid.train.objectives import Head, metric_terms, sample_loss
from akid.train.steps import StepFunctions

QUIET = {"histograms_every": 0, "images_every": 0, "confusion": True, "tensorboard": False}
LENGTH, BATCH = 10, 8


def tagger() -> dict:
    nodes = [
        {"id": "tokens", "type": "Input", "params": {"shape": [LENGTH], "feature": "tokens", "dtype": "int32"}},
        {"id": "emb", "type": "Embedding", "params": {"input_dim": 12, "output_dim": 6, "mask_zero": True}},
        {"id": "rnn", "type": "LSTM", "params": {"units": 8, "return_sequences": True}},
        {"id": "logits", "type": "Dense", "params": {"units": 3}},
        {"id": "tags", "type": "Output", "params": {"target": "tags", "metrics": ["accuracy"]}},
    ]
    ids = [n["id"] for n in nodes]
    edges = [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(zip(ids, ids[1:]))]
    return {"format": "akid.graph/v1", "name": "tagger", "nodes": nodes, "edges": edges}


def padded(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Token sequences of random real lengths, zero-padded; a tag per step (padding tagged too,
    with a class the model would get wrong, so counting padded steps changes every figure)."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, 12, (n, LENGTH))
    tags = tokens % 3
    for i in range(n):
        real = rng.integers(1, LENGTH)
        tokens[i, real:] = 0
        tags[i, real:] = 2
    return tokens.astype(np.int32), tags.astype(np.int64)


@pytest.fixture()
def setup(tmp_path):
    tokens, tags = padded(400)
    np.savez(tmp_path / "tok.npz", tokens=tokens, tags=tags)
    cfg = TrainConfig(
        data={
            "source": "npz",
            "params": {"path": str(tmp_path / "tok.npz"), "features": {"tokens": "tokens"}, "targets": {"tags": "tags"}},
        },
        batch_size=BATCH,
        optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.0},
        observers=QUIET,
    )
    strategy = tf.distribute.get_strategy()
    return build_setup(tagger(), cfg, strategy, WorkerInfo()), cfg, strategy


def keras_twin(setup, lr: float = 0.5):
    import keras

    model = keras_model_with_weights(tagger(), model_weights(setup.model))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def test_evaluate_equals_keras_evaluate_on_padded_data(setup):
    setup, cfg, strategy = setup
    steps = StepFunctions(setup, strategy, cfg)
    xs, ys = [], []
    for x, y in setup.sensor.dataset("val"):
        xs.append(x["tokens"].numpy())
        ys.append(y["tags"].numpy())
    x, y = np.concatenate(xs), np.concatenate(ys)
    assert len(xs) > 1 and len({int((b > 0).sum()) for b in xs}) > 1  # several batches, unequal real steps
    batch = len(xs[0])
    ours, confusion = steps.evaluate()
    keras_loss, keras_acc = keras_twin(setup).evaluate({"tokens": x}, {"tags": y}, batch_size=batch, verbose=0)
    assert ours["tags/loss"] == pytest.approx(keras_loss, rel=1e-5)
    assert ours["tags/accuracy"] == pytest.approx(keras_acc, rel=1e-5)
    # the unmasked figures differ: the test would notice a trainer that counts padding
    logits = keras_twin(setup).predict({"tokens": x}, batch_size=batch, verbose=0)["tags"]
    assert (logits.argmax(-1) == y).mean() != pytest.approx(keras_acc, rel=1e-3)
    assert int(confusion["tags"].sum()) == int((x > 0).sum())  # padded steps are not predictions


def test_sgd_steps_land_on_keras_fit_weights(setup):
    setup, cfg, strategy = setup
    steps = StepFunctions(setup, strategy, cfg)
    twin = keras_twin(setup)
    tokens, tags = padded(BATCH * 4, seed=1)
    rows = []
    for i in range(4):
        sl = slice(i * BATCH, (i + 1) * BATCH)
        rows.append(steps.unpack(steps.train({"tokens": tf.constant(tokens[sl])}, {"tags": tf.constant(tags[sl])}, False)))
    history = twin.fit({"tokens": tokens}, {"tags": tags}, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    ours = model_weights(setup.model)
    theirs = {layer.name: layer.get_weights() for layer in twin.layers}
    compared = 0
    for nid, arrays in ours.items():
        for a, b in zip(arrays, theirs[nid]):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
            compared += 1
    assert compared >= 5
    # Keras' history is the mean of its per-batch losses; ours are the per-batch losses
    assert np.mean([r["tags/loss"] for r in rows]) == pytest.approx(history.history["loss"][0], rel=1e-5)


def test_masked_terms_by_hand():
    """Two samples of 3 steps, 4 real: loss = mean over the real steps; metrics divide by real steps."""
    head = Head("t", "mse", False, 1.0, ["mae"])
    from keras.src.backend.common.masking import set_keras_mask

    p = tf.constant([[[1.0], [2.0], [9.0]], [[0.0], [1.0], [1.0]]])
    set_keras_mask(p, tf.constant([[True, True, False], [True, True, False]]))
    y = tf.zeros([2, 3, 1])
    per = sample_loss(head, y, p)
    assert float(tf.reduce_mean(per)) == pytest.approx((1 + 4 + 0 + 1) / 4)
    sums, weight = metric_terms(head, y, p)
    assert float(sums[0]) / float(weight) == pytest.approx((1 + 2 + 0 + 1) / 4)
