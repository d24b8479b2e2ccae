"""Composite blocks: graphs used as blocks, nested, validated and compiled."""

import numpy as np
import pytest

from akid.blocks.composite import BlockResolver
from akid.graph.compile import build_model
from akid.graph.validate import validate
from tests.akid.graph.graphs import codes, doc, edge, golden, node


def _unit(units=4):
    """A two-input, two-output composite: (a, b) -> (Dense(a) + b, Dense(a))."""
    return {
        "nodes": [
            node("a", "Input", shape=[4]),
            node("b", "Input", shape=[4]),
            node("d", "Dense", units=units),
            node("m", "Add"),
            node("sum", "Output"),
            node("lin", "Output"),
        ],
        "edges": [edge("a", "d"), edge("d", "m"), edge("b", "m"), edge("m", "sum"), edge("d", "lin")],
    }


def _outer(blocks, unit_type="Unit"):
    return doc(
        [
            node("x", "Input", shape=[4]),
            node("z", "Input", shape=[4], feature="z"),
            node("u", unit_type),
            node("c", "Concat"),
            node("y", "Output"),
        ],
        [edge("x", "u", tp="a"), edge("z", "u", tp="b"), edge("u", "c", sp="sum"), edge("u", "c", sp="lin"), edge("c", "y")],
        blocks=blocks,
    )


def test_ports_are_inner_input_and_output_ids():
    cls = BlockResolver({"Unit": _unit()}).resolve("Unit")
    p = cls.Params()
    assert [q.name for q in cls.input_ports(p)] == ["a", "b"]
    assert [q.name for q in cls.output_ports(p)] == ["sum", "lin"]


def test_multi_port_composite_validates_and_runs_like_its_inside():
    g = _outer({"Unit": _unit()})
    r = validate(g)
    assert r.ok, r.errors
    assert r.nodes["u"]["params"] == 20 and r.nodes["u"]["outputs"] == {"sum": [4], "lin": [4]}
    model = build_model(g)
    assert model.count_params() == r.params == 20
    x, z = np.ones((2, 4), "float32"), np.full((2, 4), 2.0, "float32")
    out = model({"x": x, "z": z}, return_all=True)
    d = model.block("u").program.layers["d"]
    lin = d(x).numpy()
    np.testing.assert_allclose(out["y"].numpy(), np.concatenate([lin + z, lin], axis=1), rtol=1e-6)


def test_nested_composites_and_shape_polymorphism():
    r = validate(golden("composite"))
    assert r.ok, r.errors
    assert r.nodes["r1"]["params"] == 3 * 3 * 4 * 4 + 4
    # ConvUnit's inner Input declares [8, 8, 4]; shapes are re-inferred from what arrives.
    g = golden("composite")
    g["nodes"][2]["type"] = "ConvUnit"
    g["nodes"][1]["params"]["filters"] = 3
    r3 = validate(g)
    assert r3.ok, r3.errors
    assert r3.nodes["r1"]["params"] == 3 * 3 * 3 * 4 + 4
    # ...and a mismatch deep inside is pinned on the outer node, naming the inner one.
    g["nodes"][2]["type"] = "ResUnit"
    bad = validate(g)
    assert codes(bad) == ["shape_mismatch"] and bad.errors[0].node_id == "r1"
    assert "'add'" in bad.errors[0].message


def test_inner_problems_are_reported_on_the_outer_node():
    broken = _unit()
    broken["nodes"][2] = node("d", "Dense", units=0)
    r = validate(_outer({"Unit": broken}))
    assert codes(r)[0] == "bad_composite" and r.errors[0].node_id == "u"
    assert "'d'" in r.errors[0].message and "units" in r.errors[0].message


def test_recursion_and_shadowing_are_errors():
    selfish = {
        "nodes": [node("i", "Input"), node("me", "Loop"), node("o", "Output")],
        "edges": [edge("i", "me", tp="i"), edge("me", "o", sp="o")],
    }
    r = validate(
        doc(
            [node("x", "Input"), node("l", "Loop"), node("y", "Output")],
            [edge("x", "l", tp="i"), edge("l", "y", sp="o")],
            blocks={"Loop": selfish},
        )
    )
    assert any("contains itself" in i.message and i.node_id == "l" for i in r.errors), r.errors
    r2 = validate(
        doc(
            [node("x", "Input", shape=[4]), node("u", "Dense"), node("y", "Output")],
            [edge("x", "u"), edge("u", "y")],
            blocks={"Dense": _unit()},
        )
    )
    assert any("built-in" in i.message for i in r2.errors)


def test_unknown_composite_type_is_an_unknown_block():
    r = validate(_outer({"Unit": _unit()}, unit_type="Unti"))
    i = next(i for i in r.errors if i.code == "unknown_block")
    assert i.node_id == "u" and "Unit" in i.message


@pytest.mark.parametrize("bad", [[], "text", {"nodes": "x"}])
def test_malformed_definitions_do_not_crash(bad):
    r = validate(_outer({"Unit": bad}))
    assert not r.ok and all(i.node_id or i.path for i in r.errors)


def test_composite_with_its_own_feedback_loop():
    # inner: a_t = in + a_{t-1} over 2 steps -> 2 * in; used twice in a row -> 4 * x
    acc = {
        "params": {"time_steps": 2},
        "nodes": [node("in", "Input", shape=[3]), node("a", "Add"), node("out", "Output")],
        "edges": [edge("in", "a"), edge("a", "a", feedback=True), edge("a", "out")],
    }
    g = doc(
        [node("x", "Input", shape=[3]), node("p", "Acc"), node("q", "Acc"), node("y", "Output")],
        [edge("x", "p"), edge("p", "q"), edge("q", "y")],
        blocks={"Acc": acc},
    )
    assert validate(g).ok
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    np.testing.assert_allclose(build_model(g)({"x": x})["y"].numpy(), 4 * x)
