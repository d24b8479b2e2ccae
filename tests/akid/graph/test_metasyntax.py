"""Meta-syntax parsing: what each construct builds, and errors that point at the right place."""

import pytest

from akid.graph.metasyntax import MetaSyntaxError, format, parse
from akid.graph.schema import load_graph

BRANCHY = """
x: Input(8,8,1, feature=image)
x > c1: Conv2D(8,3,padding=same) > r1: ReLU
x > c2: Conv2D(8,1)   # a 1x1 side branch
(r1, c2) > a: Add > Flatten > Dense(10) > Output(label)
"""


def edges(doc):
    return [(e["source"], e["source_port"], e["target"], e["target_port"], e.get("feedback", False)) for e in doc["edges"]]


def nodes(doc):
    return {n["id"]: (n["type"], n["params"]) for n in doc["nodes"]}


def test_chain_with_repeat_gets_deterministic_ids_and_key_params():
    doc = parse("Input(8,8,1) > [Conv2D(16,3) > ReLU] * 3 > Flatten > Dense(10) > Output(label)")
    assert [n["id"] for n in doc["nodes"]] == [
        "input1",
        "conv2d1",
        "relu1",
        "conv2d2",
        "relu2",
        "conv2d3",
        "relu3",
        "flatten1",
        "dense1",
        "output1",
    ]
    assert nodes(doc)["input1"] == ("Input", {"shape": [8, 8, 1]})
    assert nodes(doc)["conv2d3"] == ("Conv2D", {"filters": 16, "kernel_size": 3})
    assert nodes(doc)["output1"] == ("Output", {"target": "label"})
    chain = [(s, t) for s, _, t, _, _ in edges(doc)]
    assert sorted(chain) == sorted(zip([n["id"] for n in doc["nodes"]], [n["id"] for n in doc["nodes"]][1:]))
    load_graph(doc)  # a well-formed document


def test_branches_and_merge_keep_edge_order():
    doc = parse(BRANCHY)
    assert nodes(doc)["c1"] == ("Conv2D", {"filters": 8, "kernel_size": 3, "padding": "same"})
    assert nodes(doc)["x"] == ("Input", {"shape": [8, 8, 1], "feature": "image"})
    into_add = [(s, t) for s, _, t, _, _ in edges(doc) if t == "a"]
    assert into_add == [("r1", "a"), ("c2", "a")]
    assert ("a", "out", "flatten1", "in", False) in edges(doc)
    # left-to-right layout: every edge goes rightwards
    pos = {n["id"]: n["position"]["x"] for n in doc["nodes"]}
    assert all(pos[s] < pos[t] for s, _, t, _, _ in edges(doc))


def test_branchy_graph_validates_and_compiles():
    from akid.graph import validate

    report = validate.validate(parse(BRANCHY))
    assert report.ok, report.errors


def test_keywords_values_quoting_and_settings():
    doc = parse("""
    @name "my net"
    @description "two words"
    @time_steps 4
    i: Input(shape=[64], feature="my feature") > Dense(units=3, activation=relu, use_bias=false)
    Dropout(0.25, seed=null) > Conv2D(4, [3, 5], strides=[1, 2], padding='same')
    Output(label, mse, from_logits=False, metrics=[mae, mse], weight=1e-3)
    """)
    assert doc["name"] == "my net" and doc["description"] == "two words"
    assert doc["params"] == {"time_steps": 4}
    n = nodes(doc)
    assert n["i"][1] == {"shape": [64], "feature": "my feature"}
    assert n["dense1"][1] == {"units": 3, "activation": "relu", "use_bias": False}
    assert n["dropout1"][1] == {"rate": 0.25, "seed": None}
    assert n["conv2d1"][1] == {"filters": 4, "kernel_size": [3, 5], "strides": [1, 2], "padding": "same"}
    assert n["output1"][1] == {"target": "label", "loss": "mse", "from_logits": False, "metrics": ["mae", "mse"], "weight": 0.001}


def test_ports_feedback_fanout_and_multiline_chains():
    doc = parse("""
    x: Input(8) > s: Split(2)
    s.out1 > d: Dense(4) >
        t: Tanh
    (s.out0, t) > c: Concat
    t ~> d2: Dense(4) > (Sigmoid, Tanh)
    """)
    e = edges(doc)
    assert ("s", "out1", "d", "in", False) in e
    assert [x for x in e if x[2] == "c"] == [("s", "out0", "c", "in", False), ("t", "out", "c", "in", False)]
    assert ("t", "out", "d2", "in", True) in e
    assert ("d2", "out", "sigmoid1", "in", False) in e and ("d2", "out", "tanh1", "in", False) in e


def test_equal_sized_tuples_connect_pairwise_and_auto_ids_skip_names():
    doc = parse("dense1: Dense(2) > (Dense(3), Dense(4)) > (ReLU, Tanh)")
    assert [n["id"] for n in doc["nodes"]] == ["dense1", "dense2", "dense3", "relu1", "tanh1"]
    assert ("dense2", "out", "relu1", "in", False) in edges(doc)
    assert ("dense3", "out", "tanh1", "in", False) in edges(doc)
    assert ("dense2", "out", "tanh1", "in", False) not in edges(doc)


def test_forward_reference_for_feedback_and_quoted_names():
    doc = parse('@time_steps 2\n"in put": Input(4) > a: Add > h: Dense(4)\nh ~> a\n"in put" > Dense(4)')
    assert ("h", "out", "a", "in", True) in edges(doc)
    assert ("in put", "out", "dense1", "in", False) in edges(doc)


def _error(text):
    with pytest.raises(MetaSyntaxError) as info:
        parse(text)
    issues = info.value.issues
    assert all(i.code == "syntax_error" for i in issues)
    return issues


@pytest.mark.parametrize(
    "text, line, col, words",
    [
        ("Input(8,8,1) > Conv2d(16, 3)", 1, 16, ["unknown block 'Conv2d'", "did you mean 'Conv2D'"]),
        ("x: Input(8)\nx > Dens(3)", 2, 5, ["did you mean 'Dense'"]),
        ("Input(8,8,1) > Dense(10", 1, 21, ["unclosed '('"]),
        ("[Dense(3) > ReLU * 2", 1, 1, ["unclosed '['"]),
        ("Dense(3))", 1, 9, ["unmatched ')'"]),
        ("Dense(10, unitz=3)", 1, 11, ["no parameter 'unitz'", "did you mean 'units'"]),
        ("Input(8)\n  > Dense(0)", 2, 11, ["Dense.units", "greater than or equal to 1"]),
        ("Dense(1, relu, true, 5)", 1, 22, ["at most 3 positional"]),
        ("Dense(units=1, 5)", 1, 16, ["positional argument after a keyword"]),
        ("Dense(3, units=4)", 1, 10, ["given twice"]),
        ("Dense(3) >", 1, 11, ["expected a block"]),
        ("Dense(3) Dense(4)", 1, 10, ["join blocks with '>'"]),
        ("a: Dense(3)\nb > a", 2, 1, ["unknown block or node 'b'"]),
        ('"nope" > Dense(3)', 1, 1, ["no node is named 'nope'"]),
        ("a: Dense(3)\na: Dense(4)", 2, 1, ["already defined at line 1, column 1"]),
        ("[a: Dense(3)] * 2", 1, 2, ["inside a repeat"]),
        ("[Dense(3)] * 0", 1, 14, ["positive integer"]),
        ("[Dense(3)] 2", 1, 12, ["expected '*'"]),
        ("(Dense(1), Dense(2)) > (ReLU, ReLU, ReLU)", 1, 22, ["cannot connect 2 outputs to 3 inputs"]),
        ("@time_steps 0", 1, 1, ["@time_steps"]),
        ("@timesteps 3", 1, 1, ["unknown setting", "did you mean 'time_steps'"]),
        ("Dense(3) $ Dense(4)", 1, 10, ["unexpected character '$'"]),
        ('Input(feature="abc)', 1, 15, ["unterminated string"]),
        ("Input(feature=3d)", 1, 15, ["number must not run into letters"]),
        ("a - b", 1, 3, ["'-' only starts a number"]),
    ],
)
def test_errors_point_at_line_and_column(text, line, col, words):
    issues = _error(text)
    first = issues[0]
    assert first.path == f"line:{line}:{col}", first.message
    assert f"line {line}, column {col}" in first.message
    for w in words:
        assert w in first.message


def test_all_semantic_errors_are_reported_at_once():
    issues = _error("Dense(0) > Conv2d(3) > Flattn")
    assert len(issues) == 3
    assert {i.path for i in issues} == {"line:1:7", "line:1:12", "line:1:24"}


def test_text_is_parsed_not_evaluated():
    # Looks like code, is only a string value.
    doc = parse("Input(4, feature=\"__import__('os').system('echo hi')\")")
    assert doc["nodes"][0]["params"]["feature"] == "__import__('os').system('echo hi')"


def test_format_example_reads_like_the_docs():
    text = format(parse(BRANCHY))
    assert text.splitlines() == [
        "x: Input(8, 8, 1) > c1: Conv2D(8, 3, padding=same) > r1: ReLU",  # defaults are left out
        "x > c2: Conv2D(8, 1)",
        "(r1, c2) > a: Add > Flatten > Dense(10) > Output(label)",
    ]


def test_format_quotes_what_would_read_differently():
    doc = parse('i: Input(4, feature="true") > "odd id": Dense(2) > Output(target="with space")')
    text = format(doc)
    assert 'feature="true"' in text and '"odd id": Dense(2)' in text and 'Output("with space")' in text
    assert nodes(parse(text)) == nodes(doc)


def test_trainable_is_keyword_only_so_positional_meaning_is_unchanged():
    """``trainable`` (inherited by blocks with weights) must not take ``use_bias``'s place."""
    assert parse("Dense(1, relu, false)")["nodes"][0]["params"] == {"units": 1, "activation": "relu", "use_bias": False}
    doc = parse("x: Input(4) > d: Dense(3, trainable=false) > y: Output(label)")
    assert doc["nodes"][1]["params"] == {"units": 3, "trainable": False}
    assert "trainable=false" in format(doc)
