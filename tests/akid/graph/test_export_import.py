"""from_keras_json: Keras model JSON -> graph doc, read as data, with clear refusals."""

import json
import pathlib

import keras
import numpy as np
import pytest

from akid.blocks import get_block
from akid.errors import AkidError
from akid.graph.compile import build_model
from akid.graph.export import from_keras_json, to_keras_json
from akid.graph.schema import load_graph

GRAPHS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "graphs"


def structure(doc):
    """Node types, fully-defaulted params and edges: what the model computes."""
    g = load_graph(doc)
    nodes = {}
    for n in g.nodes:
        p = get_block(n.type).parse_params(n.params).model_dump()
        p.pop("feature", None), p.pop("target", None)
        nodes[n.id] = (n.type, p)
    edges = sorted((e.source, e.source_port, e.target, e.target_port) for e in g.edges)
    return nodes, edges


@pytest.mark.parametrize("name", ["sequential", "residual", "two_in_two_out"])
def test_keras_json_round_trip_keeps_the_graph(name):
    doc = json.loads((GRAPHS / f"{name}.json").read_text())
    back = from_keras_json(to_keras_json(doc))
    nodes, edges = structure(back)
    want_nodes, want_edges = structure(doc)
    for nid, (t, p) in want_nodes.items():
        if t == "Output":
            p.pop("loss"), p.pop("metrics"), p.pop("weight"), p.pop("from_logits")
            nodes[nid][1].pop("loss"), nodes[nid][1].pop("metrics"), nodes[nid][1].pop("weight"), nodes[nid][1].pop("from_logits")
    assert nodes == want_nodes
    assert edges == want_edges


def test_functional_model_imports_with_activation_params_and_builds():
    x = keras.Input(shape=(8, 8, 1), name="img")
    c = keras.layers.Conv2D(4, (3, 3), padding="same", activation="relu", name="conv")(x)
    b = keras.layers.BatchNormalization(name="bn")(c)
    p = keras.layers.MaxPooling2D(name="pool")(b)
    f = keras.layers.Flatten(name="flat")(p)
    t = keras.Input(shape=(5,), name="tok", dtype="int32")
    e = keras.layers.Embedding(30, 4, name="emb")(t)
    r = keras.layers.GRU(6, name="gru")(e)
    m = keras.layers.Concatenate(name="cat")([f, r])
    d = keras.layers.Dropout(0.2, name="drop")(m)
    lin = keras.layers.Activation("linear", name="noop")(d)
    y = keras.layers.Dense(10, activation="softmax", name="probs")(lin)
    model = keras.Model([x, t], y, name="imported_net")
    doc = from_keras_json(model.to_json())
    n = {node["id"]: node for node in doc["nodes"]}
    assert doc["name"] == "imported_net"
    assert n["conv"]["params"]["activation"] == "relu" and n["conv"]["params"]["kernel_size"] == 3
    assert n["probs"]["params"]["activation"] == "softmax"
    assert n["tok"]["params"]["dtype"] == "int32" and n["img"]["params"]["shape"] == [8, 8, 1]
    assert "noop" not in n  # a linear Activation is a pass-through
    outs = [node for node in doc["nodes"] if node["type"] == "Output"]
    assert len(outs) == 1 and outs[0]["params"]["target"] == "label" and outs[0]["params"]["from_logits"] is False
    cat_in = [e["source"] for e in doc["edges"] if e["target"] == "cat"]
    assert cat_in == ["flat", "gru"]  # merge order kept
    assert ("drop", "probs") in {(e["source"], e["target"]) for e in doc["edges"]}
    built = build_model(doc)
    assert built.count_params() == model.count_params()
    pos = {node["id"]: node["position"]["x"] for node in doc["nodes"]}
    assert all(pos[e["source"]] < pos[e["target"]] for e in doc["edges"])  # laid out left to right


def test_sequential_model_imports_as_a_chain():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.LayerNormalization(), keras.layers.Dense(3)],
        name="seq",
    )
    doc = from_keras_json(model.to_json())
    types = [n["type"] for n in doc["nodes"]]
    assert types == ["Input", "Dense", "LayerNorm", "Dense", "Output"]
    assert len(doc["edges"]) == 4
    assert build_model(doc).count_params() == model.count_params()


def test_keras2_inbound_nodes_format_is_read():
    text = json.dumps(
        {
            "class_name": "Model",
            "config": {
                "name": "old",
                "input_layers": [["in", 0, 0]],
                "output_layers": [["out", 0, 0]],
                "layers": [
                    {
                        "class_name": "InputLayer",
                        "name": "in",
                        "config": {"batch_input_shape": [None, 6], "dtype": "float32"},
                        "inbound_nodes": [],
                    },
                    {
                        "class_name": "Dense",
                        "name": "h",
                        "config": {"units": 4, "activation": "relu"},
                        "inbound_nodes": [[["in", 0, 0, {}]]],
                    },
                    {"class_name": "Dense", "name": "g", "config": {"units": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]},
                    {"class_name": "Add", "name": "out", "config": {}, "inbound_nodes": [[["h", 0, 0, {}], ["g", 0, 0, {}]]]},
                ],
            },
        }
    )
    doc = from_keras_json(text)
    assert [(e["source"], e["target"]) for e in doc["edges"]] == [
        ("in", "h"),
        ("in", "g"),
        ("h", "out"),
        ("g", "out"),
        ("out", "out_output"),
    ]
    assert build_model(doc).count_params() == 2 * (6 * 4 + 4)


def _model_json(layer, shape=(8, 8, 3)):
    x = keras.Input(shape=shape, name="x")
    return keras.Model(x, layer(x)).to_json()


@pytest.mark.parametrize(
    "layer, words",
    [
        (keras.layers.LeakyReLU(name="leaky"), ["'leaky'", "LeakyReLU", "cannot import"]),
        (keras.layers.Conv2D(2, 3, data_format="channels_first", name="cf"), ["'cf'", "data_format"]),
        (keras.layers.Dense(2, kernel_regularizer="l2", name="reg"), ["'reg'", "kernel_regularizer"]),
        (keras.layers.Activation("glu", name="act"), ["'act'", "glu"]),
        (keras.layers.BatchNormalization(renorm=True, name="bn"), ["'bn'", "renorm"]),
    ],
)
def test_unsupported_layers_are_named(layer, words):
    with pytest.raises(AkidError) as info:
        from_keras_json(_model_json(layer))
    msg = str(info.value)
    for w in words:
        assert w in msg


def test_every_unsupported_layer_and_option_is_listed_at_once():
    x = keras.Input(shape=(8, 8, 3), name="x")
    h = keras.layers.Conv2D(2, 3, data_format="channels_first", kernel_regularizer="l2", name="cf")(x)
    h = keras.layers.LeakyReLU(name="leaky")(h)
    h = keras.layers.Flatten(name="flat")(h)
    y = keras.layers.Dense(2, bias_constraint="non_neg", name="dense")(h)
    with pytest.raises(AkidError) as info:
        from_keras_json(keras.Model(x, y).to_json())
    found = {(i.node_id, i.param) for i in info.value.issues}
    assert found == {("cf", "data_format"), ("cf", "kernel_regularizer"), ("leaky", None), ("dense", "bias_constraint")}


def test_lambda_layers_are_refused_without_running_anything():
    text = _model_json(keras.layers.Lambda(lambda t: t * 2, name="lam"))
    with pytest.raises(AkidError, match="'lam' is a Lambda"):
        from_keras_json(text)


@pytest.mark.parametrize(
    "text, code",
    [("not json", "bad_json"), ('{"class_name": "Dense", "config": {}}', "bad_keras_json"), ("[1]", "bad_keras_json")],
)
def test_bad_input_is_an_issue(text, code):
    with pytest.raises(AkidError) as info:
        from_keras_json(text)
    assert info.value.issues[0].code == code


def test_imported_model_computes_the_same_after_weight_copy():
    x = keras.Input(shape=(6, 4), name="seq")
    h = keras.layers.LSTM(5, return_sequences=True, name="lstm")(x)
    h = keras.layers.Conv1D(3, 2, padding="same", name="conv")(h)
    h = keras.layers.Flatten(name="flat")(h)
    y = keras.layers.Dense(2, name="head")(h)
    model = keras.Model(x, y)
    doc = from_keras_json(model.to_json())
    built = build_model(doc)
    for layer in model.layers:
        if layer.weights:
            built.block(layer.name).set_weights(layer.get_weights())
    data = np.random.default_rng(1).normal(size=(2, 6, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(built({"seq": data})["head_output"]), np.asarray(model(data)), rtol=1e-4, atol=1e-5)


def test_nested_models_become_composite_blocks():
    doc = json.loads((GRAPHS / "composite.json").read_text())
    back = from_keras_json(to_keras_json(doc))
    assert set(back["blocks"]) == {"U", "R1"}  # r1 and r2 are the same model: one block type
    types = {n["id"]: n["type"] for n in back["nodes"]}
    assert types["r1"] == types["r2"] == "R1"
    inner = {n["id"]: n["type"] for n in back["blocks"]["R1"]["nodes"]}
    assert inner == {"in": "Input", "u": "U", "add": "Add", "out": "Output"}
    assert build_model(back).count_params() == build_model(doc).count_params()


def test_nested_model_with_two_inputs_keeps_its_ports():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    pair = keras.Model([a, b], keras.layers.Dense(3, name="d")(keras.layers.Concatenate(name="cat")([a, b])), name="pair")
    x = keras.Input((4,), name="x")
    h = keras.layers.Dense(4, name="h")(x)
    y = pair([x, h])
    doc = from_keras_json(keras.Model(x, y).to_json())
    into_pair = [(e["source"], e["target_port"]) for e in doc["edges"] if e["target"] == "pair"]
    assert into_pair == [("x", "a"), ("h", "b")]
    assert build_model(doc).count_params() == keras.Model(x, y).count_params()


def _mutations():
    from hypothesis import strategies as st

    leaf = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=4), st.just("__keras_tensor__"))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
        max_leaves=8,
    )


def test_malformed_json_is_always_an_issue_never_a_crash():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    x = keras.Input((4,), name="x")
    base = json.loads(keras.Model(x, keras.layers.Dense(2, name="d")(x)).to_json())
    paths = []

    def walk(obj, path):
        paths.append(path)
        items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
        for k, v in items:
            walk(v, path + [k])

    walk(base, [])

    @settings(max_examples=150, deadline=None)
    @given(st.sampled_from(paths[1:]), _mutations())
    def check(path, value):
        doc = json.loads(json.dumps(base))
        target = doc
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value
        try:
            from_keras_json(json.dumps(doc))
        except AkidError:
            pass

    check()


def test_decoded_json_objects_are_accepted_and_left_untouched():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    data = json.loads(model.to_json())
    before = json.dumps(data, sort_keys=True)
    doc = from_keras_json(data)
    assert [n["type"] for n in doc["nodes"]] == ["Input", "Dense", "Output"]
    assert json.dumps(data, sort_keys=True) == before
    with pytest.raises(AkidError):
        from_keras_json(object())
