"""A siamese Keras model (one Embedding+LSTM encoder applied to two inputs) comes in with its weights.

``import-keras`` of its ``.keras`` file gives one node per call of each shared layer (the later
calls carry ``shares``), the weights once, the same parameter count; ``predict`` equals Keras.
"""

from __future__ import annotations

import json

import keras
import numpy as np

from akid.cli import main
from akid.graph.weights import read_weights


def siamese_model(rng: np.random.Generator) -> keras.Model:
    left = keras.Input((7,), dtype="int32", name="left")
    right = keras.Input((7,), dtype="int32", name="right")
    emb = keras.layers.Embedding(30, 5, name="emb")
    enc = keras.layers.LSTM(6, name="enc")
    a, b = enc(emb(left)), enc(emb(right))
    both = keras.layers.Concatenate(name="both")([a, b])
    out = keras.layers.Dense(1, name="score")(both)
    model = keras.Model({"left": left, "right": right}, out, name="siamese")
    for layer in model.layers:
        ws = layer.get_weights()
        if ws:
            layer.set_weights([rng.normal(0, 0.5, w.shape).astype(w.dtype) for w in ws])
    return model


def test_siamese_keras_file_imports_and_predicts_like_keras(tmp_path, capsys):
    rng = np.random.default_rng(0)
    model = siamese_model(rng)
    model.save(tmp_path / "m.keras")
    feed = {"left": rng.integers(0, 30, (3, 7)).astype("int32"), "right": rng.integers(0, 30, (3, 7)).astype("int32")}
    np.savez(tmp_path / "x.npz", **feed)

    assert main(["import-keras", str(tmp_path / "m.keras"), "-o", str(tmp_path / "akid")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["unsupported"] == []
    assert summary["params"] == model.count_params()

    doc = json.loads((tmp_path / "akid" / "graph.json").read_text())
    shares = {n["id"]: n.get("shares") for n in doc["nodes"] if n["type"] in ("Embedding", "LSTM")}
    assert shares == {"emb": None, "emb_call2": "emb", "enc": None, "enc_call2": "enc"}
    assert sorted(read_weights(summary["weights"])) == ["emb", "enc", "score"]  # each shared layer's weights once

    args = ["predict", summary["graph"], "--weights", summary["weights"], "--input", str(tmp_path / "x.npz")]
    assert main([*args, "-o", str(tmp_path / "y.npz")]) == 0
    ours = np.load(tmp_path / "y.npz")
    (y,) = [ours[k] for k in ours.files]
    want = model.predict(feed, verbose=0)
    assert float(np.max(np.abs(want))) > 0
    assert float(np.max(np.abs(y - want))) <= 1e-4


def test_a_layer_shared_across_branches_of_different_depth_imports_in_dependency_order(tmp_path):
    """The second call reads a layer defined after the first call's layer: calls are ordered by what they read."""
    from akid.graph.export_import import from_keras_json
    from akid.graph.validate import validate

    x = keras.Input((4,), name="x")
    d = keras.layers.Dense(4, name="d")
    h = keras.layers.Dense(4, name="h")
    first = d(x)
    again = d(h(first))  # d's second call reads h, which the layer list puts after d
    model = keras.Model(x, keras.layers.Add(name="add")([first, again]))
    doc = from_keras_json(model.to_json())
    by_id = {n["id"]: n for n in doc["nodes"]}
    assert by_id["d_call2"]["shares"] == "d"
    report = validate(doc)
    assert report.ok, report.errors
    assert report.params == model.count_params()


def test_a_nested_model_called_twice_is_one_composite_shared_by_two_nodes(tmp_path):
    from akid.graph.compile import build_model
    from akid.graph.keras_file import import_keras_file
    from akid.graph.weights import set_weights

    i = keras.Input((5,), name="i")
    encoder = keras.Model(i, keras.layers.Dense(3, name="inner")(keras.layers.Dense(4, name="first")(i)), name="encoder")
    a, b = keras.Input((5,), name="a"), keras.Input((5,), name="b")
    model = keras.Model({"a": a, "b": b}, keras.layers.Concatenate(name="cat")([encoder(a), encoder(b)]))
    model.save(tmp_path / "m.keras")
    imp = import_keras_file(tmp_path / "m.keras")
    kinds = {n["id"]: (n["type"], n.get("shares")) for n in imp.doc["nodes"]}
    assert kinds["encoder"] == ("Encoder", None) and kinds["encoder_call2"] == ("Encoder", "encoder")
    assert sorted(imp.weights) == ["encoder"]
    ours = build_model(imp.doc)
    set_weights(ours, imp.weights)
    assert ours.count_params() == model.count_params()
    feed = {k: np.random.default_rng(1).normal(size=(2, 5)).astype("float32") for k in ("a", "b")}
    (got,) = ours(feed, training=False).values()
    np.testing.assert_allclose(np.asarray(got), model.predict(feed, verbose=0), atol=1e-5)
