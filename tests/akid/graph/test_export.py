"""to_python: the generated code runs and rebuilds the same model (weights copied by layer name)."""

import ast
import json
import pathlib

import numpy as np
import pytest

from akid.errors import AkidError
from akid.graph.compile import build_model
from akid.graph.export import to_keras_json, to_python
from akid.graph.metasyntax import parse

GRAPHS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "graphs"
PLAIN = [p for p in sorted(GRAPHS.glob("*.json")) if "blocks" not in json.loads(p.read_text())]

# Every block the keras flavor maps, in one graph (three inputs, two outputs).
ZOO = parse("""
img: Input(8,8,1, feature=image) > Conv2D(4, 3, padding=same) > BatchNorm(0.9) > ReLU > AvgPool2D(2) > s: Split(2, axis=2)
s.out0 > Sigmoid > m: Multiply
s.out1 > Tanh > m
m > MaxPool2D(2, strides=1, padding=same) > GlobalAvgPool2D > g: Dropout(0.3)
seq: Input(6, 4, feature=seq) > LSTM(8, true) > GRU(5) > Dense(4, relu) > r: Reshape(2, 2) > Reshape(4)
> c: Concat
ids: Input(5, feature=ids, dtype=int32) > Embedding(20, 3) > LayerNorm > Conv1D(2, 2) > Flatten > c
g > c
c > Dense(10) > Softmax > Output(label, from_logits=false)
c > Dense(1, sigmoid, false) > Output(flag, binary_crossentropy)
""")


def run_code(src):
    tree = ast.parse(src)  # generated code is valid Python
    ns = {}
    exec(compile(tree, "<generated>", "exec"), ns)
    return ns["model"]


def sample_inputs(model, seed=0):
    rng = np.random.default_rng(seed)
    out = {}
    for nid, b in model.bindings["inputs"].items():
        if b["dtype"] == "int32":
            out[nid] = rng.integers(0, 20, size=(3, *b["shape"])).astype("int32")
        else:
            out[nid] = rng.normal(size=(3, *b["shape"])).astype("float32")
    return out


def assert_same(a, b):
    assert set(a) == set(b)
    for k in a:
        np.testing.assert_allclose(np.asarray(a[k]), np.asarray(b[k]), rtol=1e-4, atol=1e-5)


def copy_weights(graph_model, keras_model):
    """By layer name, into nested models for composite blocks (a shared layer has its owner's name)."""

    def copy(layers, target):
        for block in layers.values():
            if hasattr(block, "program"):  # a composite block: its own layers by inner node id
                copy(block.program.layers, target.get_layer(block.name))
            elif block.get_weights():
                target.get_layer(block.name).set_weights(block.get_weights())

    copy(graph_model.program.layers, keras_model)


FEEDBACK_WITH_COMPOSITE = parse("""
@time_steps 3
@block Cell {
  i: Input(8) > Dense(8, tanh) > o: Output   # single ports: "> Cell >" needs no port names
}
x: Input(4, feature=image) > Dense(8) > mix: Add > h: Cell > Dense(10) > Output(label)
h ~> mix
""")


ALL = sorted(GRAPHS.glob("*.json"))


@pytest.mark.parametrize(
    "doc",
    [json.loads(p.read_text()) for p in ALL] + [ZOO, FEEDBACK_WITH_COMPOSITE],
    ids=[p.stem for p in ALL] + ["zoo", "feedback_with_composite"],
)
def test_keras_flavor_rebuilds_the_same_model(doc):
    ref = build_model(doc)
    x = sample_inputs(ref)
    src = to_python(doc, flavor="keras")
    assert "akid" not in src.split('"""')[-1]  # plain Keras: no akid import
    model = run_code(src)
    model(x)  # builds the subclass form; harmless for functional
    assert model.count_params() == ref.count_params()
    copy_weights(ref, model)
    assert_same(ref(x), model(x))


def test_keras_flavor_of_feedback_graph_is_a_time_step_loop():
    doc = json.loads((GRAPHS / "feedback.json").read_text())
    src = to_python(doc, flavor="keras")
    assert "class GraphModel(keras.Model)" in src and "range(self.time_steps)" in src
    ref = build_model(doc)
    model = run_code(src)
    x = sample_inputs(ref)
    before = model(x)
    copy_weights(ref, model)
    after = model(x)
    assert not np.allclose(np.asarray(before["y"]), np.asarray(after["y"]))  # the copy is what makes them equal
    assert_same(ref(x), after)
    # one step less would be a different model: the loop really runs time_steps times
    model.time_steps = 2
    assert not np.allclose(np.asarray(model(x)["y"]), np.asarray(after["y"]))


@pytest.mark.parametrize("path", sorted(GRAPHS.glob("*.json")), ids=lambda p: p.stem)
def test_akid_flavor_rebuilds_the_same_model(path):
    doc = json.loads(path.read_text())
    ref = build_model(doc)
    model = run_code(to_python(doc, flavor="akid"))
    assert model.count_params() == ref.count_params()
    model.set_weights(ref.get_weights())
    x = sample_inputs(ref)
    assert_same(ref(x), model(x))


def test_keras_flavor_refuses_feedback_inside_composites_and_bad_flavors():
    doc = parse("""
    @time_steps 2
    @block Loop {
      i: Input(4) > a: Add > h: Dense(4) > o: Output
      h ~> a
    }
    Input(4, feature=image) > Loop > Output(label)
    """)
    with pytest.raises(AkidError, match="composite block 'Loop' has feedback"):
        to_python(doc, flavor="keras")
    with pytest.raises(AkidError, match="flavor"):
        to_python(doc, flavor="torch")


def test_invalid_graphs_are_not_exported():
    from akid.errors import GraphValidationError

    bad = parse("Input(4) > Conv2D(3) > Output")
    with pytest.raises(GraphValidationError):
        to_python(bad, flavor="keras")


EVIL = [
    "x'); import os; os.system('touch PWNED'); ('",
    'x"); __import__("os").system("touch PWNED"); ("',
    'a"""\nimport os\nos.system("touch PWNED")\n"""',
    "b\\'\n#",
]


def evil_graph():
    """Node ids are restricted to a safe charset now, so the hostile strings go where free text is allowed:
    the graph name, a feature, a target and a label."""
    text = (
        "@name "
        + json.dumps(EVIL[2])
        + "\n"
        + " > ".join(
            [f"x: Input(4, feature={json.dumps(EVIL[0])})", "d: Dense(3)", "r: ReLU", f"y: Output({json.dumps(EVIL[1])})"]
        )
    )
    doc = parse(text)
    doc["nodes"][1]["label"] = EVIL[3]
    return doc


def test_malicious_node_ids_are_refused_by_name():
    from akid.graph.validate import validate

    text = " > ".join([f"{json.dumps(EVIL[0])}: Input(4)", f"{json.dumps(EVIL[1])}: Dense(3)", "y: Output"])
    report = validate(parse(text))
    bad = {e.node_id for e in report.errors if e.code == "invalid_id"}
    assert bad == {EVIL[0], EVIL[1]}


def test_malicious_strings_stay_strings_in_keras_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = to_python(evil_graph(), flavor="keras")
    tree = ast.parse(src)
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert "system" not in calls and "Import" not in {type(n).__name__ for n in tree.body[2:]}
    model = run_code(src)
    assert not (tmp_path / "PWNED").exists()
    assert model.name == EVIL[2].replace("/", "_")
    out = model({"x": np.ones((2, 4), "float32")})
    assert set(out) == {"y"}


def test_malicious_strings_stay_strings_in_akid_code(tmp_path, monkeypatch):
    from akid.graph.schema import dump_graph, load_graph

    monkeypatch.chdir(tmp_path)
    doc = evil_graph()
    src = to_python(doc, flavor="akid")
    tree = ast.parse(src)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [c.func.id for c in calls] == ["build_model"]  # the only call in the file
    graph_literal = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "GRAPH")
    assert ast.literal_eval(graph_literal) == dump_graph(load_graph(doc))
    model = run_code(src)
    assert not (tmp_path / "PWNED").exists()
    assert model.bindings["inputs"]["x"]["feature"] == EVIL[0]


def test_to_keras_json_is_the_keras_model_json():
    import keras

    doc = json.loads((GRAPHS / "residual.json").read_text())
    text = to_keras_json(doc)
    data = json.loads(text)
    assert data["class_name"] == "Functional"
    assert {layer["name"] for layer in data["config"]["layers"]} >= {"x", "stem", "c1", "c2", "add", "y"}
    model = keras.models.model_from_json(text)  # our own output, so safe to load here
    assert model.count_params() == build_model(doc).count_params()


def test_to_keras_json_refuses_feedback():
    doc = json.loads((GRAPHS / "feedback.json").read_text())
    with pytest.raises(AkidError, match="feedback"):
        to_keras_json(doc)


def test_every_mapped_layer_survives_a_keras_json_round_trip():
    from akid.blocks import get_block
    from akid.graph.export import from_keras_json

    def structure(doc):
        nodes = {}
        for n in doc["nodes"]:
            p = get_block(n["type"]).parse_params(n["params"]).model_dump()
            for k in ("feature", "target", "loss", "metrics", "weight", "from_logits"):
                p.pop(k, None)
            nodes[n["id"]] = (n["type"], p)
        into = {}
        for e in doc["edges"]:
            into.setdefault(e["target"], []).append((e["source"], e["source_port"]))
        return nodes, into

    back = from_keras_json(to_keras_json(ZOO))
    assert structure(back) == structure(ZOO)
    assert build_model(back).count_params() == build_model(ZOO).count_params()
