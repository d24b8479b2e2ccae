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


def test_masked_token_sequences_train(tmp_path):
    """Embedding(mask_zero) -> LSTM trains (inside tf.function the mask rides on the tensors too):
    the label is whether token 1 occurs, and padding (0) of any length around it must not matter."""
    rng = np.random.default_rng(0)
    n, length = 600, 12
    tokens = rng.integers(2, 9, (n, length))
    label = rng.integers(0, 2, n)
    for i in range(n):
        if label[i]:
            tokens[i, rng.integers(0, length // 2)] = 1
        tokens[i, rng.integers(length // 2, length) :] = 0  # padding
    np.savez(tmp_path / "tok.npz", tokens=tokens.astype(np.int32), label=label.astype(np.int64))
    data = {
        "source": "npz",
        "params": {"path": str(tmp_path / "tok.npz"), "features": {"tokens": "tokens"}, "targets": {"label": "label"}},
    }
    doc = {
        "format": "akid.graph/v1",
        "name": "masked",
        "nodes": [
            {"id": "tokens", "type": "Input", "params": {"shape": [None], "feature": "tokens", "dtype": "int32"}},
            {"id": "emb", "type": "Embedding", "params": {"input_dim": 9, "output_dim": 8, "mask_zero": True}},
            {"id": "rnn", "type": "LSTM", "params": {"units": 8}},
            {"id": "logits", "type": "Dense", "params": {"units": 2}},
            {"id": "label", "type": "Output", "params": {"target": "label"}},
        ],
        "edges": [
            {"id": "e1", "source": "tokens", "target": "emb"},
            {"id": "e2", "source": "emb", "target": "rnn"},
            {"id": "e3", "source": "rnn", "target": "logits"},
            {"id": "e4", "source": "logits", "target": "label"},
        ],
    }
    result = api.train(
        doc,
        {"data": data, "epochs": 4, "observers": QUIET, "optimizer": {"learning_rate": 0.01}},
        logdir=tmp_path / "run",
        sink=Recorder(),
    )
    assert result["val"]["label/accuracy"] > 0.8
    # more padding changes nothing: the mask reaches the LSTM
    short = api.predict(doc, tmp_path / "run", {"tokens": tokens[:8]})
    longer = api.predict(doc, tmp_path / "run", {"tokens": np.pad(tokens[:8], ((0, 0), (0, 7)))})
    np.testing.assert_allclose(np.asarray(short["label"]), np.asarray(longer["label"]), atol=1e-5)
