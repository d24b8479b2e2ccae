"""Training binds an Input's unknown (null) sizes to the data set's fixed ones; predict takes other lengths."""

from __future__ import annotations

import numpy as np
import pytest
from train_helpers import Recorder

from akid.errors import DataError
from akid.train import api

QUIET = {"histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}


def rows_rnn(rows=None) -> dict:
    """Each digit read row by row (any number of rows) by a bidirectional LSTM."""
    nodes = [
        {"id": "image", "type": "Input", "params": {"shape": [rows, 8, 1], "feature": "image"}},
        {"id": "rows", "type": "Reshape", "params": {"target_shape": [-1, 8]}},
        {"id": "rnn", "type": "LSTM", "params": {"units": 16, "bidirectional": True}},
        {"id": "logits", "type": "Dense", "params": {"units": 10}},
        {"id": "label", "type": "Output", "params": {"target": "label"}},
    ]
    ids = [n["id"] for n in nodes]
    return {
        "format": "akid.graph/v1",
        "name": "rows_rnn",
        "nodes": nodes,
        "edges": [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(zip(ids, ids[1:]))],
    }


def test_null_rows_train_on_digits_and_predict_any_length(tmp_path):
    from sklearn.datasets import load_digits

    rec = Recorder()
    result = api.train(rows_rnn(None), {"epochs": 2, "observers": QUIET}, logdir=tmp_path, sink=rec)
    assert result["val"]["label/accuracy"] > 0.5
    d = load_digits()
    images = (d.images[:20] / 16.0)[..., None]
    out = api.predict(rows_rnn(None), tmp_path, {"image": images})
    assert (np.asarray(out["label"]).argmax(axis=1) == d.target[:20]).mean() >= 0.5
    shorter = api.predict(rows_rnn(None), tmp_path, {"image": images[:, :5]})
    assert np.asarray(shorter["label"]).shape == (20, 10)
    with pytest.raises(DataError):
        api.predict(rows_rnn(None), tmp_path, {"image": images[..., 0]})  # rank 2 samples: not [null, 8, 1]


def test_known_sizes_beside_null_must_match_the_data(tmp_path):
    bad = rows_rnn(None)
    bad["nodes"][0]["params"]["shape"] = [None, 7, 1]
    bad["nodes"][1]["params"]["target_shape"] = [-1, 7]
    with pytest.raises(DataError) as err:
        api.train(bad, {"epochs": 1, "observers": QUIET}, logdir=tmp_path, sink=Recorder())
    (issue,) = err.value.issues
    assert (issue.code, issue.node_id, issue.param) == ("shape_mismatch", "image", "shape")
    assert "null" in issue.message
