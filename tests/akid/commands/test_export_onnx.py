"""``python -m akid export G --to onnx``: onnxruntime computes what the akid model computes."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from akid.cli import main
from akid.graph.compile import build_model
from akid.graph.weights import model_weights, save_weights

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in requirements-dev.txt")
GRAPHS = Path(__file__).resolve().parents[2] / "fixtures" / "graphs"


@pytest.mark.parametrize("name", ["residual.json", "two_in_two_out.json", "composite.json"])
def test_onnx_matches_the_akid_model(name, tmp_path, capsys):
    doc = json.loads((GRAPHS / name).read_text())
    model = build_model(doc)
    weights = save_weights(model_weights(model), tmp_path / "w.weights.h5")
    assert main(["export", str(GRAPHS / name), "--to", "onnx", "-o", str(tmp_path / "m.onnx"), "--weights", str(weights)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    rng = np.random.default_rng(0)
    feed = {nid: rng.normal(size=(3, *b["shape"])).astype(b["dtype"]) for nid, b in model.bindings["inputs"].items()}
    got = dict(zip([o.name for o in session.get_outputs()], session.run(None, feed)))
    want = model(feed, training=False)
    assert set(got) == set(want)
    for k in want:
        np.testing.assert_allclose(got[k], np.asarray(want[k]), rtol=1e-4, atol=1e-5)


def test_onnx_needs_an_output_file(capsys):
    assert main(["export", str(GRAPHS / "residual.json"), "--to", "onnx"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["param"] == "out"
