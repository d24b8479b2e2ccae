"""Sweeps over graphs with shared layers (``"shares"``): repeats, optional owners and tied choices."""

from __future__ import annotations

import pytest

from akid.graph.validate import validate
from akid.sweep.space import SweepError, concretize, invalid_variants, space_of


def _n(id, type, shares=None, optional=False, **params):
    node = {"id": id, "type": type, "params": params}
    if shares:
        node["shares"] = shares
    if optional:
        node["$optional"] = True
    return node


def _e(source, target, port="in"):
    return {"id": f"{source}-{target}-{port}", "source": source, "target": target, "target_port": port}


def doc(nodes, edges, **extra):
    return {"format": "akid.graph/v1", "name": "shared", "nodes": nodes, "edges": edges, **extra}


def repeated_pair(repeats=(1, 3)) -> dict:
    """x -> [d1 -> d2 (shares d1)] * n -> head: the repeated block holds an owner and its sharer."""
    nodes = [
        _n("x", "Input", shape=[8], feature="x"),
        _n("d1", "Dense", units=8),
        _n("d2", "Dense", shares="d1", units=8),
        _n("head", "Dense", units=2),
        _n("y", "Output", target="y"),
    ]
    edges = [_e("x", "d1"), _e("d1", "d2"), _e("d2", "head"), _e("head", "y")]
    return doc(nodes, edges, **{"$repeats": [{"id": "r", "nodes": ["d1", "d2"], "times": {"$choice": list(repeats)}}]})


def test_copies_of_a_block_share_within_the_copy():
    plain = concretize(repeated_pair(), {"r*": 3})
    shares = {n["id"]: n.get("shares") for n in plain["nodes"] if n["type"] == "Dense" and n["id"] != "head"}
    assert shares == {"d1": None, "d2": "d1", "d1_2": None, "d2_2": "d1_2", "d1_3": None, "d2_3": "d1_3"}
    report = validate(plain)
    assert report.ok, report.errors
    assert report.params == 3 * (8 * 8 + 8) + (8 * 2 + 2)  # one layer per copy, each called twice


def test_a_copied_sharer_of_an_outside_owner_keeps_that_owner():
    """x -> enc -> [mid (shares enc)] * 3: every copy calls the one outside layer."""
    nodes = [
        _n("x", "Input", shape=[8], feature="x"),
        _n("enc", "Dense", units=8),
        _n("mid", "Dense", shares="enc", units=8),
        _n("y", "Output", target="y", loss="mse", from_logits=False),
    ]
    graph = doc(
        nodes,
        [_e("x", "enc"), _e("enc", "mid"), _e("mid", "y")],
        **{"$repeats": [{"id": "r", "nodes": ["mid"], "times": {"$choice": [3]}}]},
    )
    plain = concretize(graph, {"r*": 3})
    assert [n.get("shares") for n in plain["nodes"] if n["id"].startswith("mid")] == ["enc", "enc", "enc"]
    report = validate(plain)
    assert report.ok and report.params == 8 * 8 + 8


def siamese(owner_optional=True, sharer_optional=False) -> dict:
    """Two inputs through one (optional) encoder, joined."""
    nodes = [
        _n("a", "Input", shape=[8], feature="a"),
        _n("b", "Input", shape=[8], feature="b"),
        _n("enc", "Dense", optional=owner_optional, units=8),
        _n("enc_b", "Dense", shares="enc", optional=sharer_optional, units=8),
        _n("join", "Concat"),
        _n("head", "Dense", units=2),
        _n("y", "Output", target="y"),
    ]
    edges = [_e("a", "enc"), _e("b", "enc_b"), _e("enc", "join"), _e("enc_b", "join", "in"), _e("join", "head"), _e("head", "y")]
    edges[3]["id"] = "second"
    return doc(nodes, edges)


def test_leaving_out_an_optional_owner_takes_its_sharers_along():
    space = space_of(siamese())
    assert [d.name for d in space.dimensions] == ["enc?"]
    plain = concretize(space.graph, {"enc?": False})
    ids = {n["id"] for n in plain["nodes"]}
    assert "enc" not in ids and "enc_b" not in ids
    assert sorted(e["source"] for e in plain["edges"] if e["target"] == "join") == ["a", "b"]
    report = validate(plain)
    assert report.ok, report.errors  # no shares_unknown left behind
    assert report.params == 16 * 2 + 2
    kept = validate(concretize(space.graph, {"enc?": True}))
    assert kept.ok and kept.params == 8 * 8 + 8 + 16 * 2 + 2
    assert invalid_variants(space) == []


def test_an_optional_sharer_alone_leaves_only_that_call_site():
    graph = siamese(owner_optional=False, sharer_optional=True)
    plain = concretize(graph, {"enc_b?": False})
    assert {n["id"] for n in plain["nodes"]} >= {"enc"} and "enc_b" not in {n["id"] for n in plain["nodes"]}
    assert validate(plain).ok
    both = siamese(owner_optional=True, sharer_optional=True)
    assert {n["id"] for n in concretize(both, {"enc?": False, "enc_b?": False})["nodes"]}.isdisjoint({"enc", "enc_b"})


def test_an_owners_choice_is_one_dimension_its_sharers_follow():
    graph = siamese(owner_optional=False)
    for n in graph["nodes"]:
        if n["id"] in ("enc", "enc_b"):
            n["params"]["units"] = {"$choice": [4, 8]}
    space = space_of(graph)
    assert [d.name for d in space.dimensions] == ["enc.units"]
    for units in (4, 8):
        plain = concretize(graph, {"enc.units": units})
        assert {n["params"]["units"] for n in plain["nodes"] if n["id"].startswith("enc")} == {units}
        assert validate(plain).ok
    assert invalid_variants(space) == []


def test_a_left_out_owner_whose_sharer_has_two_inputs_is_named():
    graph = siamese()
    graph["edges"].append({"id": "extra", "source": "a", "target": "enc_b"})
    with pytest.raises(SweepError) as err:
        concretize(graph, {"enc?": False})
    assert err.value.issues[0].node_id == "enc_b"


def test_meta_syntax_repeat_of_an_owner_and_its_sharer():
    from akid.graph.metasyntax import parse

    graph = parse("x: Input(8) > [a: Dense({8|16}, relu) > b: Dense({8|16}, relu, shares=a)] * {1|2} > Dense(2) > Output")
    space = space_of(graph)
    assert [d.name for d in space.dimensions] == ["a.units", "repeat1*"]  # b follows a: one dimension
    plain = concretize(graph, {"a.units": 8, "repeat1*": 2})
    assert {n["id"]: n.get("shares") for n in plain["nodes"] if n["id"].startswith("b")} == {"b": "a", "b_2": "a_2"}
    assert validate(plain).ok
    # units 16 cannot be shared by b (its input is 16 wide, a's weights take 8): named before any trial
    assert invalid_variants(space)
