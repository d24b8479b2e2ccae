"""Templates: valid, laid out left to right, bound to digits, and trainable (gradients reach every weight)."""

import numpy as np
import pytest

from akid.graph.metasyntax import format, parse
from akid.graph.metasyntax_format import _defaults
from akid.graph.schema import load_graph
from akid.graph.templates import TEMPLATES, template_list
from akid.graph.validate import validate

IDS = ["mlp", "lenet", "resnet", "two_in_two_out", "recurrent"]


def test_the_five_templates_exist_and_list_copies():
    assert list(TEMPLATES) == IDS
    listed = template_list()
    assert [t["id"] for t in listed] == IDS
    for t in listed:
        assert set(t) == {"id", "name", "description", "graph"} and t["name"] and t["description"]
        assert t["graph"] == TEMPLATES[t["id"]]
    listed[0]["graph"]["nodes"].clear()
    assert TEMPLATES["mlp"]["nodes"]  # callers get copies


@pytest.mark.parametrize("tid", IDS)
def test_layout_reads_left_to_right(tid):
    g = load_graph(TEMPLATES[tid])
    pos = {n.id: (n.position["x"], n.position["y"]) for n in g.nodes}
    assert len(set(pos.values())) == len(pos)  # no two nodes on top of each other
    for e in g.edges:
        if not e.feedback:
            (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
            assert x0 < x1, (e.source, e.target)
            if y0 == y1:  # a straight edge must not run behind another node (e.g. resnet's skip)
                assert not [n for n, (x, y) in pos.items() if y == y0 and x0 < x < x1], (e.source, e.target)


@pytest.mark.parametrize("tid", IDS)
def test_bound_to_digits(tid):
    g = load_graph(TEMPLATES[tid])
    for n in g.nodes:
        if n.type == "Input":
            assert n.params["feature"] == "image" and np.prod(n.params["shape"]) == 64
        if n.type == "Output":
            assert n.params["target"] == "label"
    assert canon(parse(format(TEMPLATES[tid]))) == canon(TEMPLATES[tid])


def canon(doc):
    g = load_graph(doc)
    return (
        {n.id: (n.type, {**_defaults(n.type), **n.params}) for n in g.nodes},  # the printer leaves defaults out
        sorted((e.target, e.source, e.source_port, e.feedback) for e in g.edges),
        g.params,
    )


def test_each_template_has_its_shape():
    types = {tid: [n["type"] for n in TEMPLATES[tid]["nodes"]] for tid in IDS}
    assert TEMPLATES["mlp"]["nodes"][0]["params"]["shape"] == [64] and "Dropout" in types["mlp"]
    assert {"Conv2D", "MaxPool2D"} <= set(types["lenet"])
    adds = [n["id"] for n in TEMPLATES["resnet"]["nodes"] if n["type"] == "Add"]
    assert len(adds) == 1 and sum(e["target"] == adds[0] for e in TEMPLATES["resnet"]["edges"]) == 2
    assert types["two_in_two_out"].count("Input") == 2 and types["two_in_two_out"].count("Output") == 2
    assert TEMPLATES["recurrent"]["params"]["time_steps"] > 1
    assert any(e.get("feedback") for e in TEMPLATES["recurrent"]["edges"])


def _require_valid(tid):
    report = validate(TEMPLATES[tid])
    assert report.ok, [i.message for i in report.errors]


@pytest.mark.parametrize("tid", IDS)
def test_validates(tid):
    _require_valid(tid)


@pytest.mark.parametrize("tid", IDS)
def test_compiles_and_every_weight_gets_a_gradient(tid):
    import tensorflow as tf

    from akid.graph.compile import build_model

    _require_valid(tid)
    model = build_model(TEMPLATES[tid])
    rng = np.random.default_rng(0)
    images = rng.random((4, 8, 8, 1)).astype("float32")
    labels = np.array([0, 3, 7, 9])
    x = {nid: images.reshape(4, *b["shape"]) for nid, b in model.bindings["inputs"].items()}
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        out = model(x, training=True)
        loss = sum(loss_fn(labels, y) for y in out.values())
    assert all(tuple(y.shape) == (4, 10) for y in out.values())
    grads = tape.gradient(loss, model.trainable_variables)
    assert model.trainable_variables
    for v, g in zip(model.trainable_variables, grads):
        assert g is not None and float(tf.reduce_sum(tf.abs(g))) > 0, v.path
