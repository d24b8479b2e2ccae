"""Sequence models: Bidirectional, masks and unknown lengths compute what Keras computes.

Each Keras model is saved as a ``.keras`` file with random weights, imported
with ``python -m akid import-keras`` and run with ``python -m akid predict`` on
padded sequences of two different lengths; the predictions must equal Keras'
own. Masks matter here: padded steps change an LSTM's output unless the mask
reaches it, so equality shows the mask flows through akid's runtime as in Keras.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from akid.cli import main
from akid.errors import AkidError
from akid.graph.export_import import from_keras_json
from akid.graph.validate import analyze

L = keras.layers


def padded_tokens(rng, batch: int, length: int, vocab: int) -> np.ndarray:
    """Token ids with trailing padding (0) of different lengths per row."""
    x = rng.integers(1, vocab, (batch, length)).astype("int32")
    for i in range(batch):
        x[i, rng.integers(1, length) :] = 0
    return x


def padded_vectors(rng, batch: int, length: int, feat: int) -> np.ndarray:
    x = rng.normal(size=(batch, length, feat)).astype("float32")
    for i in range(batch):
        x[i, rng.integers(1, length) :] = 0.0
    return x


def randomize(model: keras.Model, rng) -> None:
    for layer in model.layers:
        ws = layer.get_weights()
        if ws:
            layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in ws])


def import_and_predict(model: keras.Model, xs: list[np.ndarray], tmp_path, capsys) -> list[np.ndarray]:
    """``import-keras`` then ``predict`` once per input array (the lengths differ): akid's outputs."""
    model.save(tmp_path / "m.keras")
    assert main(["import-keras", str(tmp_path / "m.keras"), "-o", str(tmp_path / "akid")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["unsupported"] == []
    assert summary["params"] == model.count_params()
    outs = []
    for k, x in enumerate(xs):
        np.save(tmp_path / f"x{k}.npy", x)
        argv = ["predict", summary["graph"], "--weights", summary["weights"], "--input", str(tmp_path / f"x{k}.npy")]
        assert main([*argv, "-o", str(tmp_path / f"y{k}.npz")]) == 0
        capsys.readouterr()
        y = np.load(tmp_path / f"y{k}.npz")
        outs.append(y[y.files[0]])
    return outs


def assert_same(ours: np.ndarray, want: np.ndarray) -> None:
    scale = max(float(np.max(np.abs(want))), 1e-3)
    assert ours.shape == want.shape
    assert float(np.max(np.abs(ours - want))) <= 1e-4 * scale, f"max diff {np.max(np.abs(ours - want))} at scale {scale}"


def test_embedding_mask_zero_bidirectional_lstm_predicts_like_keras(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h = L.Embedding(20, 4, mask_zero=True, name="emb")(x)
    h = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi")(h)
    h = L.Bidirectional(L.GRU(2), merge_mode="sum", name="bi2")(h)
    model = keras.Model(x, L.Dense(2, name="head")(h))
    randomize(model, rng)
    xs = [padded_tokens(rng, 3, 7, 20), padded_tokens(rng, 2, 11, 20)]
    ours = import_and_predict(model, xs, tmp_path, capsys)
    for x_, y in zip(xs, ours):
        assert_same(y, model.predict(x_, verbose=0))
    doc = json.loads((tmp_path / "akid" / "graph.json").read_text())
    by_id = {n["id"]: n for n in doc["nodes"]}
    assert by_id["tokens"]["params"]["shape"] == [None]
    assert by_id["emb"]["params"]["mask_zero"] is True
    assert by_id["bi"]["type"] == "LSTM" and by_id["bi"]["params"]["bidirectional"] is True
    assert by_id["bi2"]["type"] == "GRU" and by_id["bi2"]["params"]["merge_mode"] == "sum"


def test_masked_mean_text_classifier_predicts_like_keras(tmp_path, capsys):
    """Keras' classic text classifier: the mean over the real tokens only (padding masked out)."""
    rng = np.random.default_rng(3)
    x = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h = L.Embedding(30, 6, mask_zero=True, name="emb")(x)
    h = L.Dense(5, activation="relu", name="hidden")(h)  # passes the mask on
    h = L.GlobalAveragePooling1D(name="mean")(h)
    model = keras.Model(x, L.Dense(3, name="head")(h))
    randomize(model, rng)
    xs = [padded_tokens(rng, 4, 9, 30), padded_tokens(rng, 2, 5, 30)]
    ours = import_and_predict(model, xs, tmp_path, capsys)
    for x_, y in zip(xs, ours):
        assert_same(y, model.predict(x_, verbose=0))


def test_masking_gru_predicts_like_keras(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = keras.Input(shape=(None, 3), name="steps")
    h = L.Masking(0.0, name="mask")(x)
    h = L.GRU(4, return_sequences=True, name="g1")(h)
    h = L.GRU(2, name="g2")(h)
    model = keras.Model(x, h)
    randomize(model, rng)
    xs = [padded_vectors(rng, 3, 6, 3), padded_vectors(rng, 2, 9, 3)]
    ours = import_and_predict(model, xs, tmp_path, capsys)
    for x_, y in zip(xs, ours):
        assert_same(y, model.predict(x_, verbose=0))
    # the mask matters: without it the padded steps change the result
    unmasked = keras.Model(x, model.get_layer("g2")(model.get_layer("g1")(x)))
    assert float(np.max(np.abs(unmasked.predict(xs[0], verbose=0) - ours[0]))) > 1e-3


def test_akid_graph_with_mask_and_bidirectional_exports_to_keras_exactly():
    """akid -> Keras JSON -> akid is exact, and the plain Keras model computes what akid's compiler does."""
    from akid.graph.compile import build_model
    from akid.graph.export_keras import keras_model_with_weights

    doc = {
        "format": "akid.graph/v1",
        "name": "seq",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [None], "feature": "tokens", "dtype": "int32"}},
            {"id": "e", "type": "Embedding", "params": {"input_dim": 9, "output_dim": 3, "mask_zero": True}},
            {"id": "r", "type": "LSTM", "params": {"units": 2, "bidirectional": True, "merge_mode": "ave"}},
            {"id": "y", "type": "Output", "params": {"target": "label"}},
        ],
        "edges": [{"source": "x", "target": "e"}, {"source": "e", "target": "r"}, {"source": "r", "target": "y"}],
    }
    a = analyze(doc)
    assert not a.issues, a.issues
    assert a.shapes.inferences["r"].outputs["out"] == (2,)
    ours = build_model(doc)
    plain = keras_model_with_weights(
        doc, {nid: layer.get_weights() for nid, layer in ours.program.layers.items() if layer.weights}
    )
    back = from_keras_json(plain.to_json())
    assert {n["id"]: n["params"] for n in back["nodes"] if n["type"] in ("LSTM", "Embedding")} == {
        "e": {"input_dim": 9, "output_dim": 3, "mask_zero": True},
        "r": {"units": 2, "bidirectional": True, "merge_mode": "ave"},
    }
    x = padded_tokens(np.random.default_rng(2), 3, 5, 9)
    np.testing.assert_allclose(np.asarray(ours({"x": x})["y"]), np.asarray(plain({"x": x})["y"]), atol=1e-5)


def test_backward_layer_that_differs_is_refused_by_name():
    x = keras.Input(shape=(5, 2), name="x")
    h = L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3, activation="relu", go_backwards=True), name="bi")(x)
    with pytest.raises(AkidError) as info:
        from_keras_json(keras.Model(x, h).to_json())
    (issue,) = info.value.issues
    assert (issue.node_id, issue.param) == ("bi", "backward_layer")
    assert "activation" in issue.message


def test_bidirectional_merge_mode_none_imports_as_two_ports_and_predicts_like_keras(tmp_path, capsys):
    """merge_mode=None: Keras returns [forward, backward]; akid's node has ports fwd and bwd."""
    rng = np.random.default_rng(4)
    x = keras.Input(shape=(None, 2), name="x")
    f, b = L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode=None, name="bi")(x)
    h = L.Concatenate(name="join")([L.Dense(2, name="back")(b), f])  # the backward one first: order matters
    model = keras.Model(x, L.GlobalAveragePooling1D(name="mean")(h))
    randomize(model, rng)
    xs = [rng.normal(size=(3, 5, 2)).astype("float32"), rng.normal(size=(2, 7, 2)).astype("float32")]
    ours = import_and_predict(model, xs, tmp_path, capsys)
    for x_, y in zip(xs, ours):
        assert_same(y, model.predict(x_, verbose=0))
    doc = json.loads((tmp_path / "akid" / "graph.json").read_text())
    assert next(n for n in doc["nodes"] if n["id"] == "bi")["params"]["merge_mode"] is None
    ports = {(e["source"], e.get("source_port"), e["target"]) for e in doc["edges"] if e["source"] == "bi"}
    assert ports == {("bi", "bwd", "back"), ("bi", "fwd", "join")}


def test_bidirectional_merge_mode_none_round_trips_through_keras():
    from akid.graph.compile import build_model
    from akid.graph.export_keras import keras_model_with_weights

    doc = {
        "format": "akid.graph/v1",
        "name": "two_way",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [None, 3], "feature": "x"}},
            {"id": "r", "type": "LSTM", "params": {"units": 2, "bidirectional": True, "merge_mode": None}},
            {"id": "f", "type": "Output", "params": {"target": "f", "loss": "mse", "from_logits": False}},
            {"id": "b", "type": "Output", "params": {"target": "b", "loss": "mse", "from_logits": False}},
        ],
        "edges": [
            {"id": "e0", "source": "x", "target": "r"},
            {"id": "e1", "source": "r", "source_port": "fwd", "target": "f"},
            {"id": "e2", "source": "r", "source_port": "bwd", "target": "b"},
        ],
    }
    a = analyze(doc)
    assert not a.issues, a.issues
    assert a.shapes.inferences["r"].outputs == {"fwd": (2,), "bwd": (2,)}
    ours = build_model(doc)
    plain = keras_model_with_weights(
        doc, {nid: layer.get_weights() for nid, layer in ours.program.layers.items() if layer.weights}
    )
    assert plain.get_layer("r").merge_mode is None
    back = from_keras_json(plain.to_json())
    assert next(n for n in back["nodes"] if n["id"] == "r")["params"] == doc["nodes"][1]["params"]
    assert {(e["source_port"], e["target"]) for e in back["edges"] if e["source"] == "r"} == {("fwd", "f"), ("bwd", "b")}
    x = np.random.default_rng(5).normal(size=(2, 4, 3)).astype("float32")
    got, want = ours({"x": x}), plain({"x": x})
    for port in ("f", "b"):
        np.testing.assert_allclose(np.asarray(got[port]), np.asarray(want[port]), atol=1e-5)
    assert float(np.max(np.abs(np.asarray(got["f"]) - np.asarray(got["b"])))) > 1e-3


def test_merge_mode_none_needs_bidirectional_and_an_unknown_port_is_named():
    doc = _chain([4, 2], ("LSTM", {"units": 2, "merge_mode": None}))
    issues = analyze(doc).issues
    assert ("bad_param", "n0", "merge_mode") in [(i.code, i.node_id, i.param) for i in issues]
    two = _chain([4, 2], ("LSTM", {"units": 2, "bidirectional": True, "merge_mode": None}))
    bad = [i for i in analyze(two).issues if i.code == "bad_port"]
    assert bad and "fwd" in bad[0].message and "bwd" in bad[0].message


def _chain(input_shape, *blocks) -> dict:
    nodes = [{"id": "x", "type": "Input", "params": {"shape": input_shape, "feature": "x"}}]
    for k, (t, p) in enumerate(blocks):
        nodes.append({"id": f"n{k}", "type": t, "params": p})
    nodes.append({"id": "y", "type": "Output", "params": {"target": "label"}})
    ids = [n["id"] for n in nodes]
    return {"format": "akid.graph/v1", "nodes": nodes, "edges": [{"source": a, "target": b} for a, b in zip(ids, ids[1:])]}


@pytest.mark.parametrize(
    "doc, node, param",
    [
        (_chain([None], ("Dense", {"units": 2})), "n0", None),
        (_chain([None, 8], ("Flatten", {}), ("Dense", {"units": 2})), "n0", None),
        (_chain([None, 8], ("Reshape", {"target_shape": [4, 2]})), "n0", "target_shape"),
    ],
    ids=["dense-on-null", "flatten-over-null", "reshape-without-minus-one"],
)
def test_blocks_needing_a_known_size_name_the_node(doc, node, param):
    issues = analyze(doc).issues
    assert [(i.node_id, i.param) for i in issues] == [(node, param)]
    assert "null" in issues[0].message


def test_split_of_an_unknown_size_is_refused_and_of_a_known_axis_beside_it_is_not():
    """Keras splits only sizes the count divides: an unknown (null) size could fail on the first batch."""
    doc = _chain([None, 8], ("Split", {"num": 2, "axis": 0}))
    doc["edges"][-1]["source_port"] = "out0"
    issues = analyze(doc).issues
    assert [(i.node_id, i.param) for i in issues] == [("n0", "axis")]
    assert "null" in issues[0].message and "shape=[null, 8]" in issues[0].message
    doc["nodes"][1]["params"]["axis"] = 1
    report = analyze(doc)
    assert not report.issues and report.shapes.inferences["n0"].outputs["out1"] == (None, 4)


def test_merge_shape_errors_write_unknown_sizes_as_null():
    """Every shape in an error reads as the graph document writes it, so a user can paste it back."""
    from akid.blocks.merge import Add, Concat
    from akid.errors import ShapeError

    with pytest.raises(ShapeError) as add:
        Add.infer(Add.Params(), {"in": [(None, 8), (None, 4)]}, node_id="a")
    (issue,) = add.value.issues
    assert issue.node_id == "a" and "shapes=[[null, 8], [null, 4]]" in issue.message and "None" not in issue.message
    with pytest.raises(ShapeError) as concat:
        Concat.infer(Concat.Params(axis=-1), {"in": [(None, 3, 8), (None, 5, 4)]}, node_id="c")
    assert "shapes=[[null, 3, 8], [null, 5, 4]]" in concat.value.issues[0].message


def test_unknown_length_shapes_propagate_and_compile():
    from akid.graph.compile import build_model

    doc = _chain(
        [None, 3],
        ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "same"}),
        ("Reshape", {"target_shape": [-1, 2, 2]}),
        ("Reshape", {"target_shape": [-1, 4]}),
        ("GRU", {"units": 2, "bidirectional": True}),
    )
    a = analyze(doc)
    assert not a.issues, a.issues
    assert a.shapes.inferences["n0"].outputs["out"] == (None, 4)
    assert a.shapes.inferences["n3"].outputs["out"] == (4,)
    model = build_model(doc)
    assert model.count_params() == sum(i.params for i in a.shapes.inferences.values())
    for steps in (2, 13):
        assert tuple(model({"x": np.zeros((1, steps, 3), "float32")})["y"].shape) == (1, 4)


def test_feedback_edge_carrying_a_mask_is_refused():
    doc = {
        "format": "akid.graph/v1",
        "params": {"time_steps": 2},
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [None, 2], "feature": "x"}},
            {"id": "m", "type": "Masking", "params": {}},
            {"id": "add", "type": "Add"},
            {"id": "y", "type": "Output", "params": {"target": "label"}},
        ],
        "edges": [
            {"source": "x", "target": "m"},
            {"source": "m", "target": "add"},
            {"source": "add", "target": "add", "feedback": True},
            {"source": "add", "target": "y"},
        ],
    }
    issues = analyze(doc).issues
    assert [(i.code, i.node_id) for i in issues] == [("mask_dropped", "add")]


def test_unknown_sizes_bind_to_the_data_sets_fixed_shape():
    from akid.data.sensor import fits_unknown

    assert fits_unknown((20, 8), [None, 8])
    assert fits_unknown((20,), [None])
    assert not fits_unknown((20, 7), [None, 8])
    assert not fits_unknown((160,), [None, 8])


def test_mask_table_agrees_with_keras():
    """PASSES_MASK (static) is exactly the blocks whose stock Keras layer passes masks on."""
    from akid.blocks import all_blocks
    from akid.blocks.runtime import build_keras_layer
    from akid.graph.masks import CONSUMES_MASK, PASSES_MASK

    passes, consumes = set(), set()
    for name, spec in all_blocks().items():
        if spec.keras is None or name in ("Masking", "Embedding"):
            continue
        cls, kwargs = spec.keras.to_keras(spec.Params())
        layer = build_keras_layer(cls, kwargs)
        if layer.supports_masking:
            (consumes if name in CONSUMES_MASK else passes).add(name)
    assert passes == PASSES_MASK - {"Output"}
    assert consumes == CONSUMES_MASK  # each uses the mask (else it would be dropped with a warning)


def test_sequence_graph_round_trips_through_meta_syntax_and_exports_as_plain_keras_code():
    """null sizes, mask_zero and bidirectional survive the text form, and the generated Keras code equals akid."""
    import ast

    from akid.graph.compile import build_model
    from akid.graph.export import to_python
    from akid.graph.metasyntax import format_graph, parse

    doc = parse(
        "x: Input(null, feature=tokens, dtype=int32) > Embedding(30, 4, mask_zero=true)"
        " > LSTM(3, true, bidirectional=true) > GRU(2, bidirectional=true, merge_mode=mul) > Dense(2) > Output(label)"
    )
    assert [n["params"]["shape"] for n in doc["nodes"] if n["type"] == "Input"] == [[None]]
    again = parse(format_graph(doc))
    assert [(n["type"], n["params"]) for n in again["nodes"]] == [(n["type"], n["params"]) for n in doc["nodes"]]

    ref = build_model(doc)
    ns: dict = {}
    exec(compile(ast.parse(to_python(doc, flavor="keras")), "<generated>", "exec"), ns)
    model = ns["model"]
    assert model.count_params() == ref.count_params()
    for nid, layer in ref.program.layers.items():
        if layer.get_weights():
            model.get_layer(nid).set_weights(layer.get_weights())
    x = padded_tokens(np.random.default_rng(4), 3, 8, 30)
    (out_id,) = ref.program.output_ids
    np.testing.assert_allclose(np.asarray(model({"x": x})[out_id]), np.asarray(ref({"x": x})[out_id]), atol=1e-5)


def test_feedback_value_of_unknown_size_is_sized_from_the_inputs():
    from akid.graph.compile import build_model

    doc = {
        "format": "akid.graph/v1",
        "params": {"time_steps": 2},
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [None, 2], "feature": "x"}},
            {"id": "add", "type": "Add"},
            {"id": "y", "type": "Output", "params": {"target": "label"}},
        ],
        "edges": [
            {"source": "x", "target": "add"},
            {"source": "add", "target": "add", "feedback": True},
            {"source": "add", "target": "y"},
        ],
    }
    model = build_model(doc)
    for steps in (3, 6):
        x = np.ones((1, steps, 2), "float32")
        np.testing.assert_allclose(np.asarray(model({"x": x})["y"]), 2 * x)


def test_unknown_length_masked_bidirectional_graph_exports_to_onnx(tmp_path):
    """ONNX keeps the unknown length and the mask: onnxruntime equals akid on two lengths."""
    ort = pytest.importorskip("onnxruntime")
    from akid.graph.compile import build_model
    from akid.graph.export_onnx import to_onnx
    from akid.graph.metasyntax import parse

    doc = parse("x: Input(null, 3) > Masking > GRU(4, bidirectional=true) > Dense(2) > Output(label)")
    assert doc["nodes"][0]["params"]["shape"] == [None, 3]  # leading sizes and nulls gather into the shape
    model = build_model(doc)
    to_onnx(doc, tmp_path / "m.onnx", {nid: ly.get_weights() for nid, ly in model.program.layers.items() if ly.weights})
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    (out_id,) = model.program.output_ids
    for steps in (4, 9):
        x = padded_vectors(np.random.default_rng(steps), 2, steps, 3)
        (y,) = session.run(None, {session.get_inputs()[0].name: x})
        np.testing.assert_allclose(y, np.asarray(model({"x": x})[out_id]), atol=1e-4)


def test_bidirectional_merge_mode_none_exports_to_onnx(tmp_path):
    """Both directions come out of ONNX as two outputs, equal to akid's fwd and bwd ports."""
    ort = pytest.importorskip("onnxruntime")
    from akid.graph.compile import build_model
    from akid.graph.export_onnx import to_onnx
    from akid.graph.metasyntax import parse

    doc = parse(
        "x: Input(null, 3) > r: GRU(2, true, bidirectional=true, merge_mode=null)\n"
        "r.fwd > f: Output(f, mse, from_logits=false)\n"
        "r.bwd > b: Output(b, mse, from_logits=false)"
    )
    model = build_model(doc)
    to_onnx(doc, tmp_path / "m.onnx", {nid: ly.get_weights() for nid, ly in model.program.layers.items() if ly.weights})
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    x = np.random.default_rng(6).normal(size=(2, 5, 3)).astype("float32")
    got = dict(zip([o.name for o in session.get_outputs()], session.run(None, {session.get_inputs()[0].name: x})))
    ours = model({"x": x})
    assert len(got) == 2
    for port in ("f", "b"):
        want = np.asarray(ours[port])
        assert any(np.allclose(v, want, atol=1e-4) for v in got.values()), port
