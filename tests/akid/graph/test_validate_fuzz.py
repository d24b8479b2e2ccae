"""Property test: no document, however broken, makes the validator raise.

Thousands of random and corrupted documents (random structure, random keys and
types, truncated JSON text, mutated golden graphs) go through ``load_graph`` +
``validate``. Every one must come back as a report whose every error names a
node id or a JSON path — the two things the UI can point at.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akid.blocks import block_types
from akid.errors import GraphFormatError
from akid.graph.schema import load_graph
from akid.graph.validate import validate
from tests.akid.graph.graphs import GOLDEN, golden

TYPES = block_types() + ["Nope", "", "ConvUnit", "ResUnit", "Sub"]
IDS = ["x", "y", "a", "b", "c", "in", "out", ""]
PORTS = ["in", "out", "out0", "out1", "out7", "a", "b", "sum", ""]
PARAM_KEYS = [
    "units",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "shape",
    "feature",
    "target",
    "loss",
    "num",
    "axis",
    "rate",
    "pool_size",
    "target_shape",
    "dtype",
    "activation",
    "time_steps",
    "bogus",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["same", "valid", "relu", "image", "label", "mse", "int32", "x", ""]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(PARAM_KEYS + IDS), inner, max_size=4)),
    max_leaves=12,
)
params = st.dictionaries(st.sampled_from(PARAM_KEYS), st.one_of(scalars, st.lists(st.integers(-2, 9), max_size=5)), max_size=4)
nodes = st.fixed_dictionaries(
    {"id": st.sampled_from(IDS), "type": st.sampled_from(TYPES)},
    optional={"params": params, "position": json_values, "label": json_values},
)
edges = st.fixed_dictionaries(
    {"source": st.sampled_from(IDS), "target": st.sampled_from(IDS)},
    optional={
        "id": st.sampled_from(["e1", "e2", "e3"]),
        "source_port": st.sampled_from(PORTS),
        "target_port": st.sampled_from(PORTS),
        "feedback": st.booleans(),
    },
)


@st.composite
def graph_docs(draw):
    doc = {"format": "akid.graph/v1", "nodes": draw(st.lists(nodes, max_size=8)), "edges": draw(st.lists(edges, max_size=10))}
    if draw(st.booleans()):
        doc["params"] = {"time_steps": draw(st.one_of(st.integers(-1, 5), scalars))}
    if draw(st.integers(0, 4)) == 0:
        inner = {"nodes": draw(st.lists(nodes, max_size=5)), "edges": draw(st.lists(edges, max_size=5))}
        doc["blocks"] = {draw(st.sampled_from(["Sub", "Dense", "ConvUnit"])): draw(st.one_of(st.just(inner), json_values))}
    return doc


@st.composite
def mutated_golden(draw):
    doc = golden(draw(st.sampled_from(GOLDEN)))
    for _ in range(draw(st.integers(1, 4))):
        _mutate(doc, draw)
    return doc


def _mutate(obj, draw, depth=0):
    """Replace, delete or add one thing somewhere inside ``obj`` (in place)."""
    if isinstance(obj, dict) and obj:
        key = draw(st.sampled_from(sorted(obj)))
        action = draw(st.integers(0, 4))
        if action == 0:
            del obj[key]
        elif action == 1:
            obj[key] = draw(json_values)
        elif action == 2:
            obj[draw(st.sampled_from(PARAM_KEYS + ["ui", "feedback"]))] = draw(json_values)
        elif isinstance(obj[key], (dict, list)) and depth < 6:
            _mutate(obj[key], draw, depth + 1)
    elif isinstance(obj, list) and obj:
        i = draw(st.integers(0, len(obj) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:
            obj.pop(i)
        elif action == 1:
            obj.append(json.loads(json.dumps(obj[i])))  # duplicate (ids clash)
        elif isinstance(obj[i], (dict, list)) and depth < 6:
            _mutate(obj[i], draw, depth + 1)
        else:
            obj[i] = draw(json_values)


@st.composite
def truncated_text(draw):
    text = json.dumps(golden(draw(st.sampled_from(GOLDEN))))
    return text[: draw(st.integers(0, len(text)))]


documents = st.one_of(json_values, graph_docs(), mutated_golden(), truncated_text(), st.binary(max_size=20))


def _check(doc):
    try:
        load_graph(doc)
    except GraphFormatError as exc:
        assert exc.issues and all(i.path for i in exc.issues)
        assert all("Received:" in i.message for i in exc.issues), exc.issues
    report = validate(doc)
    j = json.loads(json.dumps(report.to_json()))
    assert j["ok"] == (not j["errors"])
    for err in j["errors"]:
        assert err["node_id"] or err["path"], err
        assert "Received:" in err["message"], err  # Keras style: say what was received
    return report


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents)
def test_validator_never_raises_and_always_points_somewhere(doc):
    _check(doc)


def test_mutations_of_valid_graphs_are_caught_somewhere():
    """Removing any one edge of a golden graph makes it invalid (every edge matters)."""
    for name in GOLDEN:
        base = golden(name)
        for i in range(len(base["edges"])):
            doc = golden(name)
            doc["edges"].pop(i)
            assert not _check(doc).ok, (name, i)
