"""The fused Adam update equals Keras' Adam to float rounding, and is used only where it is exactly that."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from akid.train.fused_adam import MIN_FUSED_SIZE, fused_adam


def _pair(seed: int = 0):
    """Two identical models: a large kernel (fused) and small ones (Keras' own ops)."""
    models = []
    for _ in range(2):
        keras.utils.set_random_seed(seed)
        x = keras.Input((256,))
        h = keras.layers.Dense(256, activation="relu")(x)  # 65,536 weights: fused
        models.append(keras.Model(x, keras.layers.Dense(3)(h)))  # 768 + 3: Keras' ops
    return models


def test_fused_steps_equal_keras_adam_with_a_schedule():
    ref, fused_model = _pair()
    schedule = keras.optimizers.schedules.ExponentialDecay(3e-3, 2, 0.5)
    opt_ref, opt_fused = keras.optimizers.Adam(schedule), keras.optimizers.Adam(schedule)
    for m, o in ((ref, opt_ref), (fused_model, opt_fused)):
        o.build(m.trainable_variables)
    apply = fused_adam(opt_fused, fused_model.trainable_variables)
    assert apply is not None
    assert any(int(np.prod(v.shape)) >= MIN_FUSED_SIZE for v in fused_model.trainable_variables)

    def step(model, update):
        @tf.function(autograph=False)
        def run(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True))
            grads = tape.gradient(loss, model.trainable_variables)
            update(grads, model.trainable_variables)

        return run

    run_ref = step(ref, opt_ref.apply)
    run_fused = step(fused_model, apply)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.normal(size=(16, 256)).astype("float32")
        y = rng.integers(0, 3, size=(16,))
        run_ref(x, y)
        run_fused(x, y)
    assert int(opt_fused.iterations.numpy()) == int(opt_ref.iterations.numpy()) == 5
    for a, b in zip(ref.trainable_variables, fused_model.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    moved = np.abs(ref.trainable_variables[0].numpy() - _pair()[0].trainable_variables[0].numpy()).max()
    assert moved > 1e-3  # the steps did train


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.optimizers.AdamW(1e-3),
        lambda: keras.optimizers.Adam(1e-3, weight_decay=0.01),
        lambda: keras.optimizers.Adam(1e-3, clipnorm=1.0),
        lambda: keras.optimizers.Adam(1e-3, amsgrad=True),
        lambda: keras.optimizers.SGD(1e-3),
    ],
)
def test_anything_beyond_plain_adam_keeps_keras_apply(make):
    model = _pair()[0]
    opt = make()
    opt.build(model.trainable_variables)
    assert fused_adam(opt, model.trainable_variables) is None


def test_small_models_keep_keras_apply():
    x = keras.Input((8,))
    model = keras.Model(x, keras.layers.Dense(4)(x))
    opt = keras.optimizers.Adam(1e-3)
    opt.build(model.trainable_variables)
    assert fused_adam(opt, model.trainable_variables) is None
