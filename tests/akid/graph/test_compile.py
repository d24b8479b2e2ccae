"""Compiling graphs to Keras: golden graphs train, routing and feedback are exact."""

import numpy as np
import pytest
import tensorflow as tf

from akid.errors import GraphValidationError
from akid.graph.compile import GraphModel, build_model
from akid.graph.validate import validate
from tests.akid.graph.graphs import GOLDEN, doc, edge, golden, node


def _feed(model, batch=4, seed=0):
    rng = np.random.default_rng(seed)
    feed = {}
    for nid, b in model.bindings["inputs"].items():
        shape = (batch, *b["shape"])
        feed[nid] = (
            rng.integers(0, 5, shape).astype("int32") if b["dtype"] == "int32" else rng.normal(size=shape).astype("float32")
        )
    return feed


def _loss(model, out, batch, rng):
    total = 0.0
    for nid, b in model.bindings["outputs"].items():
        y = out[nid]
        if b["loss"] == "sparse_categorical_crossentropy":
            labels = rng.integers(0, b["shape"][-1], (batch,))
            total += tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, y, from_logits=True))
        else:
            total += b["weight"] * tf.reduce_mean(tf.square(y - 1.0))
    return total


@pytest.fixture(scope="module")
def models():
    tf.keras.utils.set_random_seed(0)  # deterministic initial weights: "the loss goes down" must not flake
    return {name: build_model(golden(name)) for name in GOLDEN}


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_graph_builds_counts_and_trains(models, name):
    model = models[name]
    report = validate(golden(name))
    assert model.count_params() == report.params > 0
    for nid, info in report.nodes.items():
        assert model.block(nid).name == nid
        assert model.block(nid).count_params() == info["params"], nid
    feed = _feed(model)
    weights = model.trainable_weights
    opt = tf.keras.optimizers.SGD(0.05)
    losses = []
    for _step in range(2):
        rng = np.random.default_rng(1)
        with tf.GradientTape() as tape:
            out = model(feed, training=True)
            loss = _loss(model, out, 4, rng)
        grads = tape.gradient(loss, weights)
        assert all(g is not None for g in grads), [w.path for w, g in zip(weights, grads) if g is None]
        before = [w.numpy().copy() for w in weights]
        opt.apply(grads, weights)
        losses.append(float(loss))
    assert any(not np.allclose(b, w.numpy()) for b, w in zip(before, weights))
    assert losses[1] < losses[0]
    for nid, b in model.bindings["outputs"].items():
        assert list(out[nid].shape[1:]) == b["shape"]


def test_return_all_gives_every_node_with_inferred_shapes(models):
    model = models["two_in_two_out"]
    out = model(_feed(model), return_all=True)
    report = validate(golden("two_in_two_out")).to_json()
    for nid, info in report["nodes"].items():
        want = next(iter(info["outputs"].values()))
        assert list(out[nid].shape[1:]) == want, nid
    assert model.bindings["outputs"]["value"] == {
        "target": "value",
        "loss": "mse",
        "from_logits": False,
        "metrics": ["mae"],
        "weight": 0.5,
        "shape": [1],
    }
    assert model.bindings["inputs"]["aux"] == {"feature": "aux", "shape": [4], "dtype": "float32"}


def test_merge_follows_edge_order_and_split_routes_ports():
    g = doc(
        [node("x", "Input", shape=[6]), node("s", "Split", num=3), node("c", "Concat"), node("y", "Output")],
        [edge("x", "s"), edge("s", "c", sp="out2", eid="1"), edge("s", "c", sp="out0", eid="2"), edge("c", "y")],
    )
    model = build_model(g)
    x = np.arange(12, dtype="float32").reshape(2, 6)
    np.testing.assert_array_equal(model({"x": x})["y"].numpy(), np.concatenate([x[:, 4:], x[:, :2]], axis=1))


def test_feedback_carries_the_previous_step_and_starts_at_zero():
    # a_t = x + a_{t-1}, a_{-1} = 0  ->  after 3 steps a = 3x
    g = doc(
        [node("x", "Input", shape=[3]), node("a", "Add"), node("y", "Output")],
        [edge("x", "a"), edge("a", "a", feedback=True), edge("a", "y")],
        params={"time_steps": 3},
    )
    x = np.array([[1.0, 2.0, -1.0]], dtype="float32")
    np.testing.assert_allclose(build_model(g)({"x": x})["y"].numpy(), 3 * x)


def test_feedback_loop_shares_weights_across_steps(models):
    model = models["feedback"]
    assert model.count_params() == validate(golden("feedback")).params  # one Dense per node, not per step
    assert model.program.steps == 3
    h = model.block("h")
    x = _feed(model, batch=2)["x"]
    # unroll by hand with the model's own layers
    p = model.block("proj")(x)
    state = tf.zeros((2, 16))
    for _ in range(3):
        state = h(p + state)
    np.testing.assert_allclose(model({"x": x})["y"].numpy(), model.block("out")(state).numpy(), rtol=1e-5, atol=1e-6)


def test_int_inputs_keep_their_dtype_for_embedding():
    g = doc(
        [
            node("t", "Input", shape=[5], dtype="int32", feature="tokens"),
            node("e", "Embedding", input_dim=20, output_dim=4),
            node("f", "Flatten"),
            node("y", "Output"),
        ],
        [edge("t", "e"), edge("e", "f"), edge("f", "y")],
    )
    model = build_model(g)
    assert model.bindings["inputs"]["t"]["dtype"] == "int32"
    out = model({"t": np.array([[1, 2, 3, 4, 19]], dtype="int32")}, return_all=True)
    assert out["t"].dtype == tf.int32 and out["y"].shape == (1, 20)


def test_invalid_graph_raises_with_every_issue():
    g = doc([node("x", "Input"), node("c", "Conv2D", filters=0), node("d", "Nope")], [edge("x", "c")])
    with pytest.raises(GraphValidationError) as info:
        build_model(g)
    got = {i.code for i in info.value.issues}
    assert {"bad_param", "unknown_block", "no_output"} <= got


def test_config_round_trip_rebuilds_the_same_graph(models):
    model = models["residual"]
    clone = GraphModel.from_config(model.get_config())
    clone.build_from_bindings()
    clone.set_weights(model.get_weights())
    feed = _feed(model)
    np.testing.assert_allclose(model(feed)["y"].numpy(), clone(feed)["y"].numpy(), rtol=1e-5, atol=1e-6)


def test_keras_fit_and_save_load_round_trip(models, tmp_path):
    """The trainer relies on plain Keras: compile/fit with dict outputs, .keras files (composites included)."""
    import keras

    model = build_model(golden("composite"))
    model.compile(optimizer="sgd", loss={"y": keras.losses.SparseCategoricalCrossentropy(from_logits=True)})
    feed = _feed(model, batch=8)
    history = model.fit(feed, {"y": np.arange(8) % 10}, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, GraphModel) and loaded.count_params() == model.count_params()
    np.testing.assert_allclose(loaded(feed)["y"].numpy(), model(feed)["y"].numpy(), rtol=1e-5, atol=1e-5)


def test_int_inputs_reaching_float_blocks_are_cast():
    g = doc(
        [node("t", "Input", shape=[3], dtype="int32", feature="ids"), node("d", "Dense", units=2), node("y", "Output")],
        [edge("t", "d"), edge("d", "y")],
    )
    out = build_model(g)({"t": np.array([[1, 2, 3]], dtype="int32")})["y"]
    assert out.dtype == tf.float32 and out.shape == (1, 2)
