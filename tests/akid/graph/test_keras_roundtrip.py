"""akid -> Keras JSON -> akid and akid -> .keras -> akid are exact for every golden graph.

Exact means: the same node ids, block types, params (compared after parsing,
so ``swish`` and its Keras name ``silu`` are one value) and wiring, composite
definitions included; through a ``.keras`` file the weights come back too, so
the re-imported graph predicts the same. Data bindings (Output loss, target,
Input feature) are not part of a Keras model and are left out of the comparison. ``shared.json``
has a shared layer: it leaves as one Keras layer called twice and comes back with ``shares``.
The feedback graph has no Keras functional form: it is refused with a clear error.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from akid.blocks import get_block, has_block
from akid.errors import AkidError
from akid.graph.compile import build_model
from akid.graph.export import from_keras_json, to_keras_json

GRAPHS = Path(__file__).resolve().parents[2] / "fixtures" / "graphs"
GOLDEN = sorted(p.name for p in GRAPHS.glob("*.json"))
BINDINGS = ("feature", "target", "loss", "metrics", "weight", "from_logits")


def structure(doc: dict, blocks: dict | None = None) -> tuple:
    blocks = {**(blocks or {}), **doc.get("blocks", {})}
    nodes = {}
    for n in doc["nodes"]:
        if has_block(n["type"]):
            params = get_block(n["type"]).parse_params(n.get("params", {})).model_dump()
            nodes[n["id"]] = (n["type"], {k: v for k, v in params.items() if k not in BINDINGS}, n.get("shares"))
        else:  # a composite: compare its definition, not the type name Keras' nested model gave it
            nodes[n["id"]] = ("composite", structure(blocks[n["type"]], blocks))
    wiring = sorted(
        (e["source"], e.get("source_port", "out"), e["target"], e.get("target_port", "in")) for e in doc.get("edges", [])
    )
    return tuple(sorted(nodes.items())), tuple(wiring)


def load(name: str) -> dict:
    return json.loads((GRAPHS / name).read_text())


def has_feedback(doc: dict) -> bool:
    return any(e.get("feedback") for e in doc.get("edges", []))


@pytest.mark.parametrize("name", GOLDEN)
def test_keras_json_round_trip_is_exact(name):
    doc = load(name)
    if has_feedback(doc):
        with pytest.raises(AkidError, match="feedback"):
            to_keras_json(doc)
        return
    assert structure(from_keras_json(to_keras_json(doc))) == structure(doc)


@pytest.mark.parametrize("name", GOLDEN)
def test_keras_file_round_trip_keeps_structure_and_weights(name, tmp_path):
    from akid.graph.export_keras import build_keras_model
    from akid.graph.keras_file import import_keras_file
    from akid.graph.weights import set_weights

    doc = load(name)
    if has_feedback(doc):
        pytest.skip("a feedback graph has no Keras functional form (see the JSON test)")
    ours = build_model(doc)
    model = build_keras_model(doc)
    for nid, layer in ours.program.layers.items():
        if layer.weights and not ours.program.plans[nid].node.shares:  # a shared layer is one Keras layer
            model.get_layer(nid).set_weights(layer.get_weights())
    model.save(tmp_path / "m.keras")
    back = import_keras_file(tmp_path / "m.keras")
    assert structure(back.doc) == structure(doc)
    again = build_model(back.doc)
    set_weights(again, back.weights)
    feed = {
        nid: np.random.default_rng(0).normal(size=(2, *b["shape"])).astype(b["dtype"])
        for nid, b in ours.bindings["inputs"].items()
    }
    want, got = ours(feed, training=False), again(feed, training=False)
    for k in want:
        np.testing.assert_allclose(np.asarray(got[k]), np.asarray(want[k]), rtol=1e-6, atol=1e-6)


def test_swish_comes_back_as_its_keras_name_and_the_same_function():
    doc = {
        "format": "akid.graph/v1",
        "name": "g",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [4]}},
            {"id": "d", "type": "Dense", "params": {"units": 3, "activation": "swish"}},
            {"id": "a", "type": "Activation", "params": {"activation": "hard_swish"}},
            {"id": "y", "type": "Output"},
        ],
        "edges": [{"source": "x", "target": "d"}, {"source": "d", "target": "a"}, {"source": "a", "target": "y"}],
    }
    back = from_keras_json(to_keras_json(doc))
    by_id = {n["id"]: n for n in back["nodes"]}
    assert by_id["d"]["params"]["activation"] == "silu" and by_id["a"]["params"]["activation"] == "hard_silu"
    assert structure(back) == structure(doc)
