"""The validator: every problem at once, each pinned to a node (and port/param)."""

import json
import time

import pytest

from akid.graph.validate import validate
from tests.akid.graph.graphs import GOLDEN, chain, codes, doc, edge, golden, node

X = node("x", "Input", shape=[8], feature="image")
Y = node("y", "Output", target="label")


def one(report, code):
    found = [i for i in report.errors if i.code == code]
    assert len(found) == 1, f"expected one {code!r} issue, got {[i.to_dict() for i in report.errors]}"
    return found[0]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_graphs_are_valid_and_report_json(name):
    r = validate(golden(name))
    assert r.ok, r.errors
    j = json.loads(json.dumps(r.to_json()))
    assert set(j) == {"ok", "errors", "shapes", "nodes", "params", "flops"}
    assert set(j["shapes"]) == {e["id"] for e in golden(name)["edges"]}
    assert j["params"] == sum(n["params"] for n in j["nodes"].values()) > 0
    assert j["flops"] > 0


def test_sequential_shapes_params_and_flops():
    j = validate(golden("sequential")).to_json()
    assert j["shapes"] == {"e1": [8, 8, 1], "e2": [8, 8, 4], "e3": [8, 8, 4], "e4": [4, 4, 4], "e5": [64], "e6": [10]}
    assert j["nodes"]["conv"] == {"outputs": {"out": [8, 8, 4]}, "params": 3 * 3 * 1 * 4 + 4, "flops": 2 * 9 * 4 * 64}
    assert j["nodes"]["y"]["outputs"] == {"result": [10]}
    assert j["params"] == 40 + 650


def test_format_errors_come_back_as_issues_with_paths():
    r = validate({"format": "akid.graph/v1", "nodes": [{"id": "a"}], "bogus": 1})
    assert not r.ok and {"missing_key", "unknown_key"} <= set(codes(r))
    assert all(i.path for i in r.errors)
    assert codes(validate("{not json")) == ["bad_json"]
    assert codes(validate({"format": "akid.graph/v9", "nodes": []})) == ["unknown_format"]


def test_unknown_block_suggests_close_names():
    i = one(validate(doc([X, node("d", "Dens"), Y], [edge("x", "d"), edge("d", "y")])), "unknown_block")
    assert i.node_id == "d" and "Dense" in i.message and "Received: type='Dens'" in i.message


def test_bad_params_name_node_and_param():
    r = validate(doc([X, node("d", "Dense", units=0, colour="red"), Y], [edge("x", "d"), edge("d", "y")]))
    assert {(i.code, i.node_id, i.param) for i in r.errors} == {("bad_param", "d", "units"), ("unknown_param", "d", "colour")}


def test_ports_that_do_not_exist():
    r = validate(
        doc(
            [X, node("s", "Split", num=2, axis=0), node("d", "Dense"), Y],
            [edge("x", "s"), edge("s", "d", sp="out5"), edge("s", "y", sp="out0", tp="inn")],
        )
    )
    bad = sorted((i.node_id, i.port) for i in r.errors if i.code == "bad_port")
    assert bad == [("s", "out5"), ("y", "inn")]
    assert "missing_input" not in codes(r)  # the lost edges are the problem, not a second one


def test_missing_and_extra_inputs():
    r = validate(
        doc(
            [X, node("a", "Add"), node("d", "Dense"), node("r", "ReLU"), Y],
            [edge("x", "d"), edge("x", "d", eid="again"), edge("d", "r"), edge("r", "y")],
        )
    )
    miss = one(r, "missing_input")
    assert (miss.node_id, miss.port) == ("a", "in")
    extra = one(r, "extra_input")
    assert (extra.node_id, extra.port) == ("d", "in") and "again" in extra.message


def test_multi_ports_accept_several_edges_in_order():
    r = validate(doc([X, node("c", "Concat"), Y], [edge("x", "c", eid="1"), edge("x", "c", eid="2"), edge("c", "y")]))
    assert r.ok and r.to_json()["nodes"]["c"]["outputs"]["out"] == [16]


def test_cycle_without_feedback_is_an_error_and_with_feedback_is_not():
    nodes = [X, node("a", "Add"), node("d", "Dense", units=8), Y]
    loop = [edge("x", "a"), edge("a", "d"), edge("d", "y")]
    bad = validate(doc(nodes, loop + [edge("d", "a")]))
    i = one(bad, "cycle")
    assert i.node_id in {"a", "d"} and "'a'" in i.message and "'d'" in i.message
    good = validate(doc(nodes, loop + [edge("d", "a", feedback=True)], params={"time_steps": 2}))
    assert good.ok, good.errors


def test_unreachable_nodes():
    r = validate(
        doc(
            [X, node("d", "Dense"), node("side", "ReLU"), node("island", "Input", feature="other"), Y],
            [edge("x", "d"), edge("d", "y"), edge("x", "side")],
        )
    )
    got = {i.node_id: i.message for i in r.errors if i.code == "unreachable"}
    assert set(got) == {"side", "island"}
    assert "does not reach any Output" in got["side"]


def test_no_input_no_output():
    r = validate(doc([node("r", "ReLU")], []))
    assert {"no_input", "no_output"} <= set(codes(r))
    assert all(i.path == "$.nodes" for i in r.errors if i.code.startswith("no_"))


def test_shape_errors_do_not_cascade():
    r = validate(
        doc(
            [X, node("c", "Conv2D"), node("r", "ReLU"), node("f", "Flatten"), Y],
            [edge("x", "c"), edge("c", "r"), edge("r", "f"), edge("f", "y")],
        )
    )
    i = one(r, "shape_mismatch")
    assert (i.node_id, i.port) == ("c", "in") and "Received:" in i.message
    assert codes(r) == ["shape_mismatch"]
    assert "c" not in r.nodes and "x" in r.nodes


def test_merge_shape_mismatch_names_the_merge():
    r = validate(
        doc(
            [X, node("d", "Dense", units=4), node("a", "Add"), Y],
            [edge("x", "d"), edge("x", "a"), edge("d", "a"), edge("a", "y")],
        )
    )
    assert one(r, "shape_mismatch").node_id == "a"


def test_one_feature_may_feed_two_inputs_and_one_target_two_outputs():
    r = validate(
        doc(
            [X, node("x2", "Input", shape=[8], feature="image"), node("c", "Concat"), Y, node("y2", "Output", target="label")],
            [edge("x", "c"), edge("x2", "c"), edge("c", "y"), edge("c", "y2")],
        )
    )
    assert r.ok, [i.message for i in r.errors]


def test_feedback_shape_mismatch_is_caught():
    r = validate(
        doc(
            [X, node("a", "Add"), node("d", "Dense", units=3), Y],
            [edge("x", "a"), edge("a", "d"), edge("d", "a", feedback=True), edge("d", "y")],
            params={"time_steps": 3},
        )
    )
    i = one(r, "shape_mismatch")
    assert i.node_id == "a" and "[3]" in i.message


def test_feedback_that_grows_every_step_is_reported():
    r = validate(
        doc(
            [X, node("c", "Concat"), Y], [edge("x", "c"), edge("c", "c", feedback=True), edge("c", "y")], params={"time_steps": 2}
        )
    )
    i = one(r, "feedback_shape")
    assert i.node_id == "c" and i.port == "in"


def test_feedback_target_sees_the_source_shape():
    # Concat(x, fb) feeds Dense(4); the fed-back value is the Dense's [4], not x's [8].
    r = validate(
        doc(
            [X, node("c", "Concat"), node("d", "Dense", units=4), Y],
            [edge("x", "c"), edge("d", "c", feedback=True), edge("c", "d"), edge("d", "y")],
            params={"time_steps": 2},
        )
    )
    assert r.ok, r.errors
    assert r.nodes["c"]["outputs"]["out"] == [12]
    assert r.nodes["d"]["params"] == 12 * 4 + 4


def test_model_size_limit():
    g = doc([X, node("d", "Dense", units=1000), Y], [edge("x", "d"), edge("d", "y")])
    assert validate(g).ok
    i = one(validate(g, max_params=1000), "model_too_large")
    assert i.node_id == "d" and "9,000" in i.message


def test_all_problems_at_once():
    r = validate(
        doc(
            [X, node("u", "Nope"), node("d", "Dense", units=-1), node("a", "Add"), Y],
            [edge("x", "u"), edge("u", "y"), edge("x", "d"), edge("d", "y", eid="second")],
        )
    )
    assert {"unknown_block", "bad_param", "missing_input", "extra_input"} <= set(codes(r))
    assert all(i.node_id or i.path for i in r.errors)


def test_every_issue_message_ends_with_received():
    r = validate(
        doc(
            [X, node("c", "Conv2D"), node("a", "Add"), node("s", "Split"), Y],
            [edge("x", "c"), edge("c", "y"), edge("x", "s", tp="nope")],
        )
    )
    assert r.errors and all("Received:" in i.message for i in r.errors), [i.message for i in r.errors]


def test_thousand_node_chain_validates_fast():
    g = chain(1000)
    validate(chain(10))
    # this thread's CPU time: robust when the machine is shared, and blind to the threads earlier
    # TensorFlow tests in this process leave running (the process's CPU time once read 0.504 s here)
    t0 = time.thread_time()
    r = validate(g)
    elapsed = time.thread_time() - t0
    assert r.ok and len(r.nodes) == 1000
    assert elapsed < 0.5, f"1,000-node chain took {elapsed:.3f}s of CPU"


def test_validation_never_constructs_a_layer(monkeypatch):
    from akid.blocks.base import Block

    def boom(cls, *a, **k):
        raise AssertionError("validate built a Keras layer")

    monkeypatch.setattr(Block, "build_layer", classmethod(boom))
    for name in GOLDEN:
        assert validate(golden(name)).ok
