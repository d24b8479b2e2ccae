"""Shared layers (``"shares": "<owner id>"``): validation, counting, compiling, weights files, code export."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from akid.errors import AkidError
from akid.graph.compile import build_model
from akid.graph.validate import validate
from tests.akid.graph.graphs import doc, edge, node

X = node("x", "Input", shape=[6], feature="image")
Z = node("z", "Input", shape=[6], feature="aux")


def siamese(**override):
    """x -> enc, z -> enc2 (shares enc), Concat -> Output; ``override`` replaces enc2's fields."""
    enc2 = {**node("enc2", "Dense", units=4), "shares": "enc", **override}
    return doc(
        [X, Z, node("enc", "Dense", units=4), enc2, node("cat", "Concat"), node("y", "Output")],
        [edge("x", "enc"), edge("z", "enc2"), edge("enc", "cat"), edge("enc2", "cat"), edge("cat", "y")],
    )


def only(report, code):
    found = [i for i in report.errors if i.code == code]
    assert len(found) == 1, [i.to_dict() for i in report.errors]
    i = found[0]
    assert i.node_id == "enc2" and i.param == "shares" and i.path.endswith(".shares"), i
    return i


def test_shared_weights_count_once_in_the_report():
    r = validate(siamese())
    assert r.ok, r.errors
    assert r.nodes["enc"]["params"] == 6 * 4 + 4
    assert r.nodes["enc2"]["params"] == 0 and r.nodes["enc2"]["shares"] == "enc"
    assert r.nodes["enc2"]["flops"] == r.nodes["enc"]["flops"] > 0  # each call still computes
    assert r.params == 28 + 0


def test_shares_is_loaded_and_dumped_as_a_node_key():
    from akid.graph.schema import dump_graph, load_graph

    g = load_graph(siamese())
    assert g.node("enc2").shares == "enc" and g.node("enc").shares is None
    dumped = dump_graph(g)
    assert [n.get("shares") for n in dumped["nodes"]] == [None, None, None, "enc", None, None]
    bad = siamese(shares=3)
    with pytest.raises(AkidError, match="shares must be str"):
        load_graph(bad)


@pytest.mark.parametrize(
    ("override", "code", "says"),
    [
        ({"shares": "nope"}, "shares_unknown", "'nope', which is not a node"),
        ({"shares": "enc2"}, "shares_self", "itself"),
        ({"type": "Conv1D", "params": {"filters": 4, "kernel_size": 1}}, "shares_type", "a Dense"),
        ({"params": {"units": 5}}, "shares_params", "['units']"),
        ({"params": {"units": 4, "activation": "relu"}}, "shares_params", "['activation']"),
        ({"shares": "x"}, "shares_io", "Input and Output"),
    ],
)
def test_bad_shares_are_specific_errors_on_the_sharing_node(override, code, says):
    d = siamese(**override)
    if override.get("type") == "Conv1D":  # give it an input Conv1D accepts, so only `shares` is wrong
        d["nodes"][1] = node("z", "Input", shape=[3, 6], feature="aux")
        d["nodes"][4] = node("cat", "Flatten")
        d["edges"] = [edge("x", "enc"), edge("z", "enc2"), edge("enc2", "cat"), edge("cat", "y"), edge("enc", "y2")]
        d["nodes"].append(node("y2", "Output", target="t2"))
    i = only(validate(d), code)
    assert says in i.message, i.message


def test_a_chain_of_shares_names_the_owner_to_use():
    d = siamese()
    d["nodes"].append({**node("enc3", "Dense", units=4), "shares": "enc2"})
    d["edges"] += [edge("x", "enc3"), edge("enc3", "cat")]
    r = validate(d)
    chain = [i for i in r.errors if i.code == "shares_chain"]
    assert [(i.node_id, i.param) for i in chain] == [("enc3", "shares")]
    assert "shares='enc'" in chain[0].message


def test_inputs_the_shared_weights_cannot_take_are_refused():
    d = siamese()
    d["nodes"][1] = node("z", "Input", shape=[5], feature="aux")  # enc's kernel is 6 x 4
    i = only(validate(d), "shares_shape")
    assert "[[5]]" in i.message and "[[6]]" in i.message
    d["nodes"][1] = node("z", "Input", shape=[3, 6], feature="aux")  # same last dim: Dense accepts it
    d["nodes"][4] = node("cat", "Flatten")
    d["edges"] = [edge("x", "enc"), edge("z", "enc2"), edge("enc2", "cat"), edge("cat", "y"), edge("enc", "y2")]
    d["nodes"].append(node("y2", "Output", target="t2"))
    assert validate(d).ok


def test_the_size_limit_counts_shared_weights_once():
    assert validate(siamese(), max_params=28).ok
    assert [i.code for i in validate(siamese(), max_params=27).errors] == ["model_too_large"]


def test_one_layer_object_runs_at_both_sites_and_trains_as_one():
    import keras

    model = build_model(siamese())
    assert model.block("enc") is model.block("enc2")
    assert model.count_params() == validate(siamese()).params == 28
    assert len(model.trainable_weights) == 2
    x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    out = model({"x": x, "z": x}, training=False)["y"]
    np.testing.assert_allclose(np.asarray(out[:, :4]), np.asarray(out[:, 4:]))  # same input, same weights
    before = [np.asarray(w).copy() for w in model.block("enc").get_weights()]
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss={"y": "mse"})
    model.fit({"x": x, "z": -x}, {"y": np.ones((4, 8), "float32")}, epochs=1, verbose=0)
    after = model.block("enc").get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(after, before))  # the step changed the shared weights
    for a, b in zip(model.block("enc2").get_weights(), after):
        np.testing.assert_array_equal(a, b)
    out = model({"x": x, "z": x}, training=False)["y"]
    np.testing.assert_allclose(np.asarray(out[:, :4]), np.asarray(out[:, 4:]))


def test_weights_file_has_one_entry_per_shared_layer(tmp_path):
    from akid.graph.weights import model_weights, read_weights, save_weights, set_weights

    model = build_model(siamese())
    assert sorted(model_weights(model)) == ["enc"]
    path = save_weights(model, tmp_path / "w.h5")
    again = build_model(siamese())
    assert set_weights(again, read_weights(path)) == ["enc"]
    np.testing.assert_array_equal(again.block("enc2").get_weights()[0], model.block("enc").get_weights()[0])
    extra = {**read_weights(path), "enc2": read_weights(path)["enc"]}
    with pytest.raises(AkidError, match="shares the layer of 'enc'") as err:
        set_weights(again, extra)
    assert [(i.code, i.node_id) for i in err.value.issues] == [("bad_weights", "enc2")]


def test_code_export_calls_one_layer_at_each_site():
    from akid.graph.export_code import to_python_keras

    src = to_python_keras(siamese())
    assert src.count("keras.layers.Dense(") == 1 and "name='enc2'" not in src
    env: dict = {}
    exec(compile(src, "<export>", "exec"), env)
    m = env["model"]
    assert m.count_params() == 28
    assert len(m.get_layer("enc")._inbound_nodes) == 2


def test_code_export_with_feedback_shares_the_layer_in_the_subclass():
    from akid.graph.export_code import to_python_keras

    d = copy.deepcopy(siamese())
    d["nodes"][4] = node("cat", "Add")
    d["nodes"][3]["params"] = {"units": 4}
    d["nodes"].insert(4, node("back", "Dense", units=6))
    d["edges"] += [edge("cat", "back"), edge("back", "x2", feedback=True)]
    # feed the fed-back value into enc2's input through an Add with z
    d["nodes"].insert(2, node("x2", "Add"))
    d["edges"] = [e for e in d["edges"] if e["target"] != "enc2"] + [edge("z", "x2"), edge("x2", "enc2")]
    d["params"] = {"time_steps": 2}
    d["nodes"].append(node("y2", "Output", target="t2"))
    d["edges"].append(edge("back", "y2"))
    assert validate(d).ok, validate(d).errors
    src = to_python_keras(d)
    assert "class GraphModel" in src
    env: dict = {}
    exec(compile(src, "<export>", "exec"), env)
    m = env["model"]
    feed = {"x": np.ones((2, 6), "float32"), "z": np.ones((2, 6), "float32")}
    m(feed)
    assert m.count_params() == build_model(d).count_params() == validate(d).params


def test_init_weights_load_a_shared_layer_once(tmp_path):
    """Fine-tuning: an entry for a sharing node is skipped (its owner's is the one), never reported missing."""
    from akid.graph.weights import save_weights
    from akid.train.init_weights import WEIGHTS_COPY, load_init_weights, write_init_spec

    w = [np.ones((6, 4), "float32"), np.zeros(4, "float32")]
    save_weights({"enc": w, "enc2": w}, tmp_path / WEIGHTS_COPY)
    write_init_spec(tmp_path, {"weights": WEIGHTS_COPY, "label": "imported"})
    model = build_model(siamese())
    report = load_init_weights(model, tmp_path, lambda *a: None)
    assert report == {"loaded": ["enc"], "missing": [], "skipped": ["enc2"], "frozen": []}
    np.testing.assert_array_equal(model.block("enc2").get_weights()[0], w[0])


def test_the_trainer_trains_a_graph_with_a_shared_layer(tmp_path):
    """Two views of a digit through one Dense encoder (the flat picture and the pixels are the same 64 values)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
    from train_helpers import Recorder, two_view_npz

    from akid.train import api

    nodes = [
        node("pixels", "Input", shape=[64], feature="pixels"),
        node("picture", "Input", shape=[8, 8, 1], feature="image"),
        node("flat", "Flatten"),
        node("enc", "Dense", units=16, activation="relu"),
        {**node("enc2", "Dense", units=16, activation="relu"), "shares": "enc"},
        node("join", "Concat"),
        node("logits", "Dense", units=10),
        node("label", "Output", target="label", metrics=["accuracy"]),
    ]
    edges = [
        edge("pixels", "enc"),
        edge("picture", "flat"),
        edge("flat", "enc2"),
        edge("enc", "join"),
        edge("enc2", "join"),
        edge("join", "logits"),
        edge("logits", "label"),
    ]
    g = doc(nodes, edges)
    quiet = {"tensorboard": False}  # weight histograms, images and the confusion matrix on: they name weights by node
    data = two_view_npz(tmp_path / "two.npz")
    result = api.train(g, {"data": data, "epochs": 2, "observers": quiet}, logdir=tmp_path / "run", sink=Recorder())
    assert result["val"]["label/accuracy"] > 0.5


def test_meta_syntax_reads_and_writes_shares():
    from akid.graph.metasyntax import MetaSyntaxError, format, parse

    text = "x: Input(6) > enc: Dense(4) > y: Output\nz: Input(6, feature=aux) > enc2: Dense(4, shares=enc) > y2: Output(t2)\n"
    d = parse(text)
    assert next(n for n in d["nodes"] if n["id"] == "enc2")["shares"] == "enc"
    assert "shares" not in next(n for n in d["nodes"] if n["id"] == "enc2")["params"]
    assert "enc2: Dense(4, shares=enc)" in format(d)
    assert validate(d).ok
    with pytest.raises(MetaSyntaxError) as err:
        parse("x: Input(6) > d: Dense(4, shares=[1], shares=x) > Output")
    assert [(i.param, i.node_id) for i in err.value.issues] == [("shares", "d"), ("shares", "d")]


def test_a_shared_composite_needs_the_same_weights_per_inner_node():
    """Two inner Dense layers on inputs of sizes (2, 4) or (4, 2): the same total, other weights."""
    body = doc(
        [
            node("p", "Input", shape=[2]),
            node("q", "Input", shape=[4]),
            node("dp", "Dense", units=3),
            node("dq", "Dense", units=3),
            node("s", "Add"),
            node("o", "Output"),
        ],
        [edge("p", "dp"), edge("q", "dq"), edge("dp", "s"), edge("dq", "s"), edge("s", "o")],
    )
    nodes = [
        node("a", "Input", shape=[2], feature="a"),
        node("b", "Input", shape=[4], feature="b"),
        node("u", "Pair"),
        {**node("v", "Pair"), "shares": "u"},
        node("m", "Concat"),
        node("y", "Output"),
    ]
    same = [edge("a", "u", tp="p"), edge("b", "u", tp="q"), edge("a", "v", tp="p"), edge("b", "v", tp="q")]
    tail = [edge("u", "m", sp="o"), edge("v", "m", sp="o"), edge("m", "y")]
    ok = validate(doc(nodes, same + tail, blocks={"Pair": body}))
    assert ok.ok, ok.errors
    assert ok.params == 2 * 3 + 3 + 4 * 3 + 3
    model = build_model(doc(nodes, same + tail, blocks={"Pair": body}))
    assert model.block("v") is model.block("u") and model.count_params() == ok.params
    swapped = same[:2] + [edge("b", "v", tp="p"), edge("a", "v", tp="q")]
    r = validate(doc(nodes, swapped + tail, blocks={"Pair": body}))
    assert "shares_shape" in [i.code for i in r.errors if i.node_id == "v"]
