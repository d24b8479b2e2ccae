"""Jokers: registered as blocks, deterministic under a seed, identity outside training."""

import numpy as np
import pytest
import tensorflow as tf

from akid.blocks import block_specs, get_block

RANDOM = ["RandomFlip", "RandomCrop", "RandomRotation", "RandomTranslation", "RandomColor", "GaussianNoise"]
X = tf.constant(np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32"))
SEED = tf.constant([7, 11], tf.int64)


def test_jokers_are_registered_with_category_joker():
    specs = {s["type"]: s for s in block_specs()}
    for name in RANDOM + ["Normalize", "OneHot"]:
        assert specs[name]["category"] == "joker"
        assert "feature" in specs[name]["defaults"]


@pytest.mark.parametrize("name", RANDOM)
def test_random_jokers_identity_at_inference_and_deterministic(name):
    cls = get_block(name)
    a, b = cls({"seed": 5}), cls({"seed": 5})
    np.testing.assert_array_equal(a(X, training=False).numpy(), X.numpy())
    np.testing.assert_array_equal(a(X).numpy(), X.numpy())
    ya, yb = a(X, training=True).numpy(), b(X, training=True).numpy()
    np.testing.assert_array_equal(ya, yb)
    assert ya.shape == X.shape
    assert not np.array_equal(ya, X.numpy())
    # stateless path used by the sensor: same seed, same batch
    np.testing.assert_array_equal(a.augment(X, SEED).numpy(), b.augment(X, SEED).numpy())
    assert not np.array_equal(a.augment(X, SEED).numpy(), a.augment(X, SEED + 1).numpy())


def test_flip_flips_whole_samples():
    y = get_block("RandomFlip")({"mode": "horizontal"}).augment(X, SEED).numpy()
    for i in range(len(y)):
        assert np.array_equal(y[i], X.numpy()[i]) or np.array_equal(y[i], X.numpy()[i, :, ::-1])


def test_crop_is_a_padded_shift():
    x = tf.reshape(tf.range(1, 65, dtype=tf.float32), [1, 8, 8, 1])
    x = tf.tile(x, [8, 1, 1, 1])
    y = get_block("RandomCrop")({"padding": 2}).augment(x, SEED).numpy()[..., 0]
    src = np.pad(x.numpy()[0, ..., 0], 2)
    for sample in y:
        assert any(np.array_equal(sample, src[i : i + 8, j : j + 8]) for i in range(5) for j in range(5))


def test_zero_strength_is_identity():
    for name, params in [
        ("RandomRotation", {"factor": 0.0}),
        ("RandomTranslation", {"height_factor": 0.0, "width_factor": 0.0}),
        ("RandomColor", {"brightness": 0.0, "contrast": 0.0}),
        ("GaussianNoise", {"stddev": 0.0}),
        ("RandomCrop", {"padding": 0}),
    ]:
        np.testing.assert_allclose(get_block(name)(params).augment(X, SEED).numpy(), X.numpy(), atol=1e-5, err_msg=name)


def test_normalize_and_one_hot_always_apply():
    norm = get_block("Normalize")({"mean": [0.5, 0.0, 1.0], "std": 2.0})
    np.testing.assert_allclose(norm(X, training=False).numpy(), (X.numpy() - [0.5, 0.0, 1.0]) / 2.0, rtol=1e-6)
    onehot = get_block("OneHot")({"num_classes": 3})
    out = onehot(tf.constant([0, 2, 1]), training=False).numpy()
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert onehot.infer(onehot.p, {"in": [()]}).outputs["out"] == (3,)


def test_infer_rejects_wrong_rank_and_bad_params():
    from akid.errors import ShapeError

    cls = get_block("RandomRotation")
    with pytest.raises(ShapeError, match="height, width, channels"):
        cls.infer(cls.Params(), {"in": [(64,)]}, node_id="j")
    norm = get_block("Normalize")
    with pytest.raises(ShapeError, match="mean has 2 values"):
        norm.infer(norm.parse_params({"mean": [0.1, 0.2]}), {"in": [(8, 8, 3)]})
    with pytest.raises(ShapeError, match="std must be > 0"):
        norm.infer(norm.parse_params({"std": 0.0}), {"in": [(8, 8, 3)]})


def test_jokers_work_inside_tf_function():
    joker = get_block("RandomTranslation")({"seed": 3})

    @tf.function
    def step(x):
        return joker(x, training=True)

    a = step(X).numpy()
    b = step(X).numpy()
    assert a.shape == X.shape and not np.array_equal(a, b)  # the seed generator advances
