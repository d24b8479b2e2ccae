"""Property: what validates compiles, with the parameter count and output shapes the validator said.

Hypothesis draws small random graphs (random Input rank and sizes, some unknown (null),
then a few
random blocks with random params, each fed from a random earlier node, merges
from two; sometimes a block ``shares`` an earlier one's layer) — many are invalid, which is fine: the property is only
``validate ok  =>  build_model succeeds, compiled params == validator params,
every node's output shape == the validator's``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from akid.graph.compile import build_model
from akid.graph.validate import validate

small = st.integers(1, 3)
sizes = st.one_of(small, st.lists(small, min_size=2, max_size=2))
ACTS = st.sampled_from(["linear", "relu", "silu", "gelu", "tanh", "hard_silu"])
MERGE = st.sampled_from(["concat", "sum", "mul", "ave", None])  # None: two outputs, fwd and bwd


def first_port(node: dict) -> str:
    """The output port later nodes read: Split's first part, a two-output recurrent block's fwd."""
    if node["type"] == "Split":
        return "out0"
    if node["type"] in ("LSTM", "GRU") and "merge_mode" in node["params"] and node["params"]["merge_mode"] is None:
        return "fwd"
    return "out"


#: the size an unknown (null) Input axis has in the sample the compiled model is run on
RUN_LENGTH = 5

BLOCKS = {
    "Dense": st.fixed_dictionaries({"units": st.integers(1, 5), "activation": ACTS, "use_bias": st.booleans()}),
    "Conv2D": st.fixed_dictionaries(
        {
            "filters": st.sampled_from([2, 4]),
            "kernel_size": sizes,
            "strides": st.sampled_from([1, 2]),
            "padding": st.sampled_from(["valid", "same"]),
            "groups": st.sampled_from([1, 2]),
            "dilation_rate": st.sampled_from([1, 2]),
        }
    ),
    "Conv1D": st.fixed_dictionaries(
        {"filters": st.integers(1, 3), "kernel_size": small, "padding": st.sampled_from(["valid", "same"])}
    ),
    "DepthwiseConv2D": st.fixed_dictionaries(
        {"kernel_size": sizes, "depth_multiplier": st.integers(1, 2), "padding": st.sampled_from(["valid", "same"])}
    ),
    "SeparableConv2D": st.fixed_dictionaries(
        {"filters": st.integers(1, 3), "kernel_size": sizes, "strides": st.sampled_from([1, 2])}
    ),
    "MaxPool2D": st.fixed_dictionaries(
        {"pool_size": sizes, "strides": st.sampled_from([None, 1, 2]), "padding": st.sampled_from(["valid", "same"])}
    ),
    "AvgPool2D": st.fixed_dictionaries({"pool_size": sizes}),
    "GlobalAvgPool2D": st.fixed_dictionaries({"keepdims": st.booleans()}),
    "ZeroPadding2D": st.fixed_dictionaries({"padding": st.integers(0, 2)}),
    "Cropping2D": st.fixed_dictionaries({"cropping": st.integers(0, 1)}),
    "Conv2DTranspose": st.fixed_dictionaries(
        {
            "filters": st.integers(1, 3),
            "kernel_size": sizes,
            "strides": st.sampled_from([1, 2]),
            "padding": st.sampled_from(["valid", "same"]),
        }
    ),
    "UpSampling2D": st.fixed_dictionaries({"size": sizes}),
    "GlobalAvgPool1D": st.fixed_dictionaries({"keepdims": st.booleans()}),
    "Flatten": st.just({}),
    "Reshape": st.just({"target_shape": [-1]}),
    "ReLU": st.fixed_dictionaries({"max_value": st.sampled_from([None, 6.0]), "negative_slope": st.sampled_from([0.0, 0.1])}),
    "Activation": st.fixed_dictionaries({"activation": ACTS}),
    "Softmax": st.just({}),
    "Dropout": st.fixed_dictionaries({"rate": st.sampled_from([0.0, 0.5])}),
    "BatchNorm": st.fixed_dictionaries({"axis": st.sampled_from([-1, 0]), "center": st.booleans(), "scale": st.booleans()}),
    "LayerNorm": st.fixed_dictionaries({"rms_scaling": st.booleans(), "center": st.booleans()}),
    "LSTM": st.fixed_dictionaries(
        {
            "units": small,
            "return_sequences": st.booleans(),
            "use_bias": st.booleans(),
            "bidirectional": st.booleans(),
            "merge_mode": MERGE,
        }
    ),
    "GRU": st.fixed_dictionaries(
        {"units": small, "reset_after": st.booleans(), "bidirectional": st.booleans(), "merge_mode": MERGE}
    ),
    "Masking": st.fixed_dictionaries({"mask_value": st.sampled_from([0.0, 0.5])}),
    "Split": st.just({"num": 2}),
    "Add": st.just({}),
    "Multiply": st.just({}),
    "Concat": st.just({}),
}
MERGES = {"Add", "Multiply", "Concat"}


@st.composite
def graphs(draw):
    shape = draw(st.lists(st.one_of(st.integers(1, 9), st.none()), min_size=1, max_size=3))
    nodes = [{"id": "x", "type": "Input", "params": {"shape": shape}}]
    edges = []
    ports = [("x", "out")]
    for i in range(draw(st.integers(1, 5))):
        nid = f"n{i}"
        earlier = [n for n in nodes[1:] if n["type"] not in MERGES and "shares" not in n]
        if earlier and draw(st.booleans()):  # a second call of an earlier node's layer
            owner = draw(st.sampled_from(earlier))
            t = owner["type"]
            nodes.append({"id": nid, "type": t, "params": dict(owner["params"]), "shares": owner["id"]})
        else:
            t = draw(st.sampled_from(sorted(BLOCKS)))
            nodes.append({"id": nid, "type": t, "params": draw(BLOCKS[t])})
        sources = [draw(st.sampled_from(ports))]
        if "shares" in nodes[-1] and draw(st.booleans()):  # often the owner's input: shapes that fit its weights
            sources = [(e["source"], e["source_port"]) for e in edges if e["target"] == nodes[-1]["shares"]]
        for src, port in draw(st.lists(st.sampled_from(ports), min_size=2, max_size=2)) if t in MERGES else sources:
            edges.append({"source": src, "source_port": port, "target": nid})
        ports.append((nid, first_port(nodes[-1])))
    src, port = ports[-1]
    nodes.append({"id": "y", "type": "Output", "params": {"loss": "mse", "metrics": []}})
    edges.append({"source": src, "source_port": port, "target": "y"})
    used = {e["source"] for e in edges}
    for n in nodes[1:-1]:
        if "shares" in n and n["id"] not in used:  # a sharer left as a branch gets its own Output
            nodes.append({"id": f"y_{n['id']}", "type": "Output", "params": {"loss": "mse", "metrics": []}})
            edges.append({"source": n["id"], "source_port": first_port(n), "target": f"y_{n['id']}"})
    return {"format": "akid.graph/v1", "name": "g", "nodes": nodes, "edges": edges}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(graphs())
@example(  # once validated, then failed in Keras: an unknown size need not split evenly
    {
        "format": "akid.graph/v1",
        "name": "g",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [None]}},
            {"id": "n0", "type": "Split", "params": {"num": 2}},
            {"id": "y", "type": "Output", "params": {"loss": "mse", "metrics": []}},
        ],
        "edges": [
            {"source": "x", "source_port": "out", "target": "n0"},
            {"source": "n0", "source_port": "out0", "target": "y"},
        ],
    }
)
def test_what_validates_compiles_with_the_same_params_and_shapes(doc):
    report = validate(doc)
    unknown = None in doc["nodes"][0]["params"]["shape"]
    event(("valid" if report.ok else "invalid") + (" with an unknown size" if unknown else ""))
    if not report.ok:
        return
    if any("shares" in n for n in doc["nodes"]):
        event("valid with a shared layer")
    model = build_model(doc)
    assert model.count_params() == report.params
    run_shape = [RUN_LENGTH if d is None else d for d in doc["nodes"][0]["params"]["shape"]]
    x = np.random.default_rng(0).normal(size=(2, *run_shape)).astype("float32")
    values = model({"x": x}, training=False, return_all=True)
    for nid, info in report.nodes.items():
        got = values[nid]
        outs = list(info["outputs"].values())
        tensors = got if isinstance(got, list) else [got]
        for want, t in zip(outs, tensors):
            got_shape = list(t.shape[1:])
            assert len(got_shape) == len(want) and all(w is None or w == g for w, g in zip(want, got_shape)), (
                f"{nid}: validator says {want}, the model gives {got_shape}"
            )


@st.composite
def shared_graphs(draw):
    """x -> owner (a random block) and a second call of its layer, fed from x or from the owner's output."""
    shape = draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
    t = draw(st.sampled_from(sorted(set(BLOCKS) - MERGES - {"Split"})))
    params = draw(BLOCKS[t])
    src = draw(st.sampled_from(["x", "owner"]))
    out = {"loss": "mse", "metrics": []}
    nodes = [
        {"id": "x", "type": "Input", "params": {"shape": shape}},
        {"id": "owner", "type": t, "params": params},
        {"id": "again", "type": t, "params": dict(params), "shares": "owner"},
        {"id": "y1", "type": "Output", "params": out},
        {"id": "y2", "type": "Output", "params": out},
    ]
    edges = [
        {"source": "x", "target": "owner"},
        {"source": src, "target": "again"},
        {"source": "owner", "target": "y1"},
        {"source": "again", "target": "y2"},
    ]
    return {"format": "akid.graph/v1", "name": "g", "nodes": nodes, "edges": edges}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(shared_graphs())
def test_shared_layers_compile_with_weights_counted_once(doc):
    test_what_validates_compiles_with_the_same_params_and_shapes.hypothesis.inner_test(doc)
    report = validate(doc)
    if report.ok:
        assert report.nodes["again"]["params"] == 0 and report.nodes["again"]["shares"] == "owner"
