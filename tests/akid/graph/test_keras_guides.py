"""The Keras developer guide's functional-API examples come in and compute what Keras computes.

From keras.io/guides/functional_api (smaller sizes, same structure): each model
is built in Keras with random weights, saved as ``.keras``, imported with
``python -m akid import-keras`` and run with ``python -m akid predict``; the
predictions equal Keras' (max abs diff <= 1e-4 of the output scale), the
parameter counts are equal and nothing is reported unsupported. The guide's
shared-layer examples are tested with shared layers; its custom-layer and custom-RNN
examples run user Python code, which akid does not import.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from akid.cli import main

L = keras.layers


def ticket_classifier() -> tuple[keras.Model, dict[str, np.ndarray]]:
    """Multi-input, multi-output: title and body of unknown length, tags, two heads."""
    num_tags, num_words, num_departments = 12, 100, 4
    title = keras.Input(shape=(None,), name="title")
    body = keras.Input(shape=(None,), name="body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    title_features = L.LSTM(16)(L.Embedding(num_words, 8)(title))
    body_features = L.LSTM(4)(L.Embedding(num_words, 8)(body))
    x = L.concatenate([title_features, body_features, tags])
    priority = L.Dense(1, name="priority")(x)
    department = L.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title, body, tags], outputs={"priority": priority, "department": department})
    rng = np.random.default_rng(0)
    feed = {
        "title": rng.integers(0, num_words, (3, 7)).astype("float32"),
        "body": rng.integers(0, num_words, (3, 13)).astype("float32"),
        "tags": rng.integers(0, 2, (3, num_tags)).astype("float32"),
    }
    return model, feed


def toy_resnet() -> tuple[keras.Model, dict[str, np.ndarray]]:
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = L.Conv2D(8, 3, activation="relu")(inputs)
    x = L.Conv2D(16, 3, activation="relu")(x)
    block_1_output = L.MaxPooling2D(3)(x)
    x = L.Conv2D(16, 3, activation="relu", padding="same")(block_1_output)
    x = L.Conv2D(16, 3, activation="relu", padding="same")(x)
    block_2_output = L.add([x, block_1_output])
    x = L.Conv2D(16, 3, activation="relu", padding="same")(block_2_output)
    x = L.Conv2D(16, 3, activation="relu", padding="same")(x)
    block_3_output = L.add([x, block_2_output])
    x = L.Conv2D(16, 3, activation="relu")(block_3_output)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(32, activation="relu")(x)
    x = L.Dropout(0.5)(x)
    outputs = L.Dense(10)(x)
    model = keras.Model(inputs, outputs, name="toy_resnet")
    return model, {"img": np.random.default_rng(1).uniform(0, 1, (2, 32, 32, 3)).astype("float32")}


def mnist_mlp() -> tuple[keras.Model, dict[str, np.ndarray]]:
    inputs = keras.Input(shape=(784,), name="digits")
    x = L.Dense(64, activation="relu")(inputs)
    x = L.Dense(64, activation="relu")(x)
    outputs = L.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    return model, {"digits": np.random.default_rng(2).normal(size=(4, 784)).astype("float32")}


def ensemble() -> tuple[keras.Model, dict[str, np.ndarray]]:
    """Models are callable like layers: three small models averaged."""

    def get_model():
        inputs = keras.Input(shape=(16,))
        return keras.Model(inputs, L.Dense(1)(inputs))

    model1, model2, model3 = get_model(), get_model(), get_model()
    inputs = keras.Input(shape=(16,), name="x")
    outputs = L.average([model1(inputs), model2(inputs), model3(inputs)])
    return keras.Model(inputs=inputs, outputs=outputs), {"x": np.random.default_rng(3).normal(size=(3, 16)).astype("float32")}


def _encoder_layers(x):
    x = L.Conv2D(16, 3, activation="relu")(x)
    x = L.Conv2D(32, 3, activation="relu")(x)
    x = L.MaxPooling2D(3)(x)
    x = L.Conv2D(32, 3, activation="relu")(x)
    x = L.Conv2D(16, 3, activation="relu")(x)
    return L.GlobalMaxPooling2D()(x)


def _decoder_layers(x):
    x = L.Reshape((4, 4, 1))(x)
    x = L.Conv2DTranspose(16, 3, activation="relu")(x)
    x = L.Conv2DTranspose(32, 3, activation="relu")(x)
    x = L.UpSampling2D(3)(x)
    x = L.Conv2DTranspose(16, 3, activation="relu")(x)
    return L.Conv2DTranspose(1, 3, activation="relu")(x)


def autoencoder() -> tuple[keras.Model, dict[str, np.ndarray]]:
    """Encoder and decoder in one graph: 28x28 -> 16 -> 28x28."""
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    model = keras.Model(encoder_input, _decoder_layers(_encoder_layers(encoder_input)), name="autoencoder")
    return model, {"img": np.random.default_rng(4).uniform(0, 1, (2, 28, 28, 1)).astype("float32")}


def nested_autoencoder() -> tuple[keras.Model, dict[str, np.ndarray]]:
    """All models are callable: the encoder and decoder models called inside a third."""
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    encoder = keras.Model(encoder_input, _encoder_layers(encoder_input), name="encoder")
    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    decoder = keras.Model(decoder_input, _decoder_layers(decoder_input), name="decoder")
    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    model = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")
    return model, {"img": np.random.default_rng(5).uniform(0, 1, (2, 28, 28, 1)).astype("float32")}


GUIDES = {
    "ticket_classifier": ticket_classifier,
    "toy_resnet": toy_resnet,
    "mnist_mlp": mnist_mlp,
    "ensemble": ensemble,
    "autoencoder": autoencoder,
    "nested_autoencoder": nested_autoencoder,
}


def randomize(model: keras.Model, rng) -> None:
    for w in model.weights:
        w.assign(rng.normal(scale=0.3, size=w.shape).astype(w.dtype))


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_guide_model_imports_and_predicts_like_keras(guide, tmp_path, capsys):
    model, feed = GUIDES[guide]()
    randomize(model, np.random.default_rng(7))
    model.save(tmp_path / "m.keras")
    assert main(["import-keras", str(tmp_path / "m.keras"), "-o", str(tmp_path / "akid")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["unsupported"] == [], summary
    assert summary["params"] == model.count_params()

    np.savez(tmp_path / "x.npz", **feed)
    argv = ["predict", summary["graph"], "--weights", summary["weights"], "--input", str(tmp_path / "x.npz")]
    assert main([*argv, "-o", str(tmp_path / "y.npz")]) == 0
    ours = np.load(tmp_path / "y.npz")
    want = model.predict(feed if len(feed) > 1 else next(iter(feed.values())), verbose=0)
    want = want if isinstance(want, dict) else {"": want}
    assert len(ours.files) == len(want)
    for key, w in want.items():
        (out_id,) = [k for k in ours.files if k.startswith(key)] if key else ours.files
        y = ours[out_id]
        scale = max(float(np.max(np.abs(w))), 1e-3)
        assert y.shape == w.shape
        assert float(np.max(np.abs(y - w))) <= 1e-4 * scale, f"{guide}/{key}: max diff {np.max(np.abs(y - w))}"
