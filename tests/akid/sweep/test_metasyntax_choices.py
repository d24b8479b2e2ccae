"""Sweep choices in the meta-syntax: each form parses to its marker and prints back the same."""

import pytest

from akid.graph.metasyntax import MetaSyntaxError, format, parse

FORMS = [
    "Input(8, 8, 1) > [Conv2D({8|16}, 3, padding=same) > ReLU] * {1|2} > Flatten > Dense(10) > Output(label)\n",
    "x: Input(8) > Dropout(0.1..0.5) > Dense(4, {relu|tanh}) > Output\n",
    "x: Input(8) > Dropout(0.0001..0.1 log) > Dense(8..64) > Output\n",
    "x: Input(8) > ?Dropout(0.3) > ?drop: Dropout(0.1) > Dense(2) > Output\n",
    "x: Input(8) > Reshape(target_shape={[2, 4]|[4, 2]}) > Flatten > Dense(2) > Output\n",
]


@pytest.mark.parametrize("text", FORMS)
def test_choices_round_trip(text):
    doc = parse(text)
    assert format(doc) == text
    assert parse(format(doc)) == doc


def test_markers_in_the_document():
    doc = parse("x: Input(8) > ?Dropout(0.1..0.5 log) > [Dense({8|16}) > ReLU] * {1|3} > Output")
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["dropout1"]["$optional"] is True
    assert nodes["dropout1"]["params"]["rate"] == {"$range": [0.1, 0.5], "log": True}
    assert nodes["dense1"]["params"]["units"] == {"$choice": [8, 16]}
    assert doc["$repeats"] == [{"id": "repeat1", "nodes": ["dense1", "relu1"], "times": {"$choice": [1, 3]}}]


@pytest.mark.parametrize(
    "text, message",
    [
        ("x: Input(8) > Dense({8|-1}) > Output", "greater than or equal to 1"),
        ("x: Input(8) > Dropout(0.5..0.1) > Output", "low < high"),
        ("x: Input(8) > Dropout(0..0.1 log) > Output", "log range"),
        ("x: Input(8) > [Dense(8)] * {0|2} > Output", "positive integers"),
        ("x: Input(8) > ?(Dense(2), Dense(2)) > Output", "single block"),
        ("x: Input(8) > Dense({8|16) > Output", "'}'"),
    ],
)
def test_bad_choices_are_syntax_errors(text, message):
    with pytest.raises(MetaSyntaxError) as err:
        parse(text)
    assert message in str(err.value)


def test_named_nodes_in_a_repeat_choice_round_trip():
    doc = parse("x: Input(8) > [h: Dense(8) > ReLU] * {1|2} > y: Output")
    assert doc["$repeats"][0]["nodes"] == ["h", "relu1"]
    assert parse(format(doc)) == doc
    with pytest.raises(MetaSyntaxError, match="inside a repeat"):
        parse("x: Input(8) > [h: Dense(8) > ReLU] * 2 > y: Output")  # a fixed repeat copies names: still refused
