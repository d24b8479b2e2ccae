"""The space of a graph with choices: dimensions, size, concrete variants, validation before training."""

import math

import pytest

from akid.graph.metasyntax import parse
from akid.graph.validate import validate
from akid.sweep.space import (
    SweepError,
    check_space,
    concretize,
    concretize_config,
    invalid_variants,
    probe_assignments,
    space_of,
)

DONE_WHEN = "Input(8,8,1) > [Conv2D({8|16},3,padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)"


def test_dimensions_and_size():
    space = space_of(parse(DONE_WHEN))
    assert [d.name for d in space.dimensions] == ["conv2d1.filters", "repeat1*"]
    assert space.size == 4
    assert len(space.grid()) == 4


def test_every_variant_is_a_plain_valid_graph():
    space = space_of(parse(DONE_WHEN))
    for assignment in space.grid():
        doc = concretize(space.graph, assignment)
        assert "$repeats" not in doc
        report = validate(doc)
        assert report.ok, report.errors
        convs = [n for n in doc["nodes"] if n["type"] == "Conv2D"]
        assert len(convs) == assignment["repeat1*"]
        assert all(n["params"]["filters"] == assignment["conv2d1.filters"] for n in convs)


def test_optional_node_is_bypassed():
    doc = parse("x: Input(8) > ?d: Dropout(0.3) > Dense(2) > Output")
    plain = concretize(doc, {"d?": False})
    assert "d" not in {n["id"] for n in plain["nodes"]}
    assert {(e["source"], e["target"]) for e in plain["edges"]} == {("x", "dense1"), ("dense1", "output1")}
    kept = concretize(doc, {"d?": True})
    assert "$optional" not in next(n for n in kept["nodes"] if n["id"] == "d")
    assert validate(plain).ok and validate(kept).ok


def test_config_choices():
    space = space_of(
        parse("x: Input(8) > Dense(2) > Output"),
        {"optimizer": {"learning_rate": {"$range": [0.0001, 0.1], "log": True}}, "batch_size": {"$choice": [16, 32]}},
    )
    assert {d.name for d in space.dimensions} == {"config.optimizer.learning_rate", "config.batch_size"}
    assert space.size == math.inf and space.discrete_size == 2
    cfg = concretize_config(space.config, {"config.batch_size": 32, "config.optimizer.learning_rate": 0.01})
    assert cfg == {"optimizer": {"learning_rate": 0.01}, "batch_size": 32}


def test_invalid_combinations_are_named_before_training():
    space = space_of(parse("x: Input(8) > Reshape({[2,4]|[3,3]}) > Flatten > Dense(2) > Output"))
    bad = invalid_variants(space)
    assert [b["assignment"] for b in bad] == [{"reshape1.target_shape": [3, 3]}]
    with pytest.raises(SweepError) as err:
        check_space(space)
    assert "reshape1.target_shape=[3, 3]" in err.value.issues[0].message


def test_large_spaces_are_checked_one_dimension_at_a_time():
    values = {"$choice": list(range(1, 41))}
    doc = parse("x: Input(8) > Dense(8) > Dense(8) > Dense(2) > Output")
    for n in doc["nodes"][1:4]:
        n["params"]["units"] = values
    space = space_of(doc)
    assert space.size == 40**3
    probes = probe_assignments(space)
    assert len(probes) == 1 + 3 * 39  # not 64,000
    assert invalid_variants(space) == []


def test_too_large_a_space_is_refused_with_its_size():
    doc = parse("x: Input(8) > Dense(8) > Dense(8) > Dense(8) > Dense(2) > Output")
    for n in doc["nodes"][1:4]:
        n["params"]["units"] = {"$choice": list(range(1, 101))}
    with pytest.raises(SweepError) as err:
        space_of(doc)
    assert err.value.issues[0].code == "space_too_large"
    assert "1,000,000" in err.value.issues[0].message


@pytest.mark.parametrize(
    "marker, message",
    [
        ({"$choice": []}, "non-empty"),
        ({"$choice": [1, 1]}, "twice"),
        ({"$range": [3, 1]}, "low < high"),
        ({"$range": [1, 2], "nope": 1}, "only 'log'"),
    ],
)
def test_malformed_markers(marker, message):
    doc = parse("x: Input(8) > Dense(8) > Output")
    doc["nodes"][1]["params"]["units"] = marker
    with pytest.raises(SweepError) as err:
        space_of(doc)
    assert message in err.value.issues[0].message
    assert err.value.issues[0].node_id == "dense1"
