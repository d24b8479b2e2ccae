"""The training loop: several heads, feedback graphs, cancel/resume, early stopping, errors, predict."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from train_helpers import Recorder, digits_cnn, feedback_rnn, tiny_mlp, two_in_two_out, two_view_npz

from akid.errors import DataError, GraphValidationError
from akid.train import api

QUIET = {"histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}


def _halves(points):
    values = [v for _, v in sorted(points)]
    k = max(1, len(values) // 4)
    return float(np.mean(values[:k])), float(np.mean(values[-k:]))


def test_two_inputs_two_outputs_both_losses_decrease(tmp_path):
    rec = Recorder()
    data = two_view_npz(tmp_path / "two.npz")
    result = api.train(two_in_two_out(), {"data": data, "epochs": 3, "observers": QUIET}, logdir=tmp_path / "run", sink=rec)
    for name in ("label/loss", "digit/loss"):
        first, last = _halves(rec.points(name))
        assert last < 0.6 * first, (name, first, last)
    assert {"label/accuracy", "digit/mae", "label/loss", "digit/loss", "loss"} <= set(result["val"])
    assert result["val"]["label/accuracy"] > 0.8
    assert result["val_accuracy"] == {"label": result["val"]["label/accuracy"]}
    # the total is the weighted sum of the heads
    v = result["val"]
    assert v["loss"] == pytest.approx(v["label/loss"] + 0.05 * v["digit/loss"], rel=1e-5)


def test_feedback_graph_trains(tmp_path):
    rec = Recorder()
    result = api.train(feedback_rnn(), {"epochs": 2, "observers": QUIET}, logdir=tmp_path, sink=rec)
    first, last = _halves(rec.points("loss"))
    assert last < 0.5 * first
    assert result["val"]["label/accuracy"] > 0.7


def test_cancel_then_resume_continues_the_loss_curve(tmp_path):
    stop = threading.Event()
    rec1 = Recorder()

    def sink(kind, payload, attachments):
        rec1(kind, payload, attachments)
        if kind == "metrics" and max(p["step"] for p in payload["points"]) >= 50:
            stop.set()

    cfg = {
        "epochs": 3,
        "checkpoint_every": 10,
        "optimizer": {"learning_rate": 0.01},
        "observers": {**QUIET, "flush_interval": 0.0},
    }
    first = api.train(tiny_mlp(), cfg, logdir=tmp_path, sink=sink, stop=stop)
    assert first["state"] == "cancelled"
    stopped_at = first["steps"]
    assert 50 <= stopped_at < first["total_steps"]
    assert rec1.events[-1][1]["state"] == "cancelled"

    rec2 = Recorder()
    second = api.train(tiny_mlp(), cfg, logdir=tmp_path, sink=rec2, resume=True)
    assert second["state"] == "completed" and second["resumed_from"] == stopped_at
    # the data position was restored: exactly the remaining steps ran, no epoch was repeated
    assert second["steps"] == second["total_steps"] == first["total_steps"]
    steps2 = [s for s, _ in rec2.points("loss")]
    assert min(steps2) == stopped_at + 1 and len(steps2) == second["total_steps"] - stopped_at
    initial = np.mean([v for _, v in sorted(rec1.points("loss"))[:3]])
    before = np.mean([v for _, v in sorted(rec1.points("loss"))[-5:]])
    after = np.mean([v for _, v in sorted(rec2.points("loss"))[:5]])
    assert after < 0.7 * initial and after < 1.5 * before, (initial, before, after)


def test_early_stopping_clip_norm_and_jit(tmp_path):
    rec = Recorder()
    cfg = {
        "epochs": 20,
        "steps_per_epoch": 5,
        "clip_norm": 0.5,
        "jit_compile": True,
        "observers": QUIET,
        "mixed_precision": True,
        "optimizer": {"name": "sgd", "learning_rate": 1e-4},
        "early_stopping": {"monitor": "label/accuracy", "patience": 1, "min_delta": 0.5},
    }
    result = api.train(tiny_mlp(), cfg, logdir=tmp_path, sink=rec)
    assert result["early_stopped"] and result["epochs"] == 2 and result["steps"] == 10
    norms = [v for _, v in rec.points("grad_norm")]
    assert norms and all(n > 0 for n in norms)
    assert all(v == pytest.approx(1e-4) for _, v in rec.points("lr"))
    assert any("mixed precision" in p["message"] for p, _ in rec.of("log"))  # CPU: skipped, said so


def test_mirrored_strategy_and_schedule(tmp_path):
    rec = Recorder()
    cfg = {"epochs": 1, "strategy": "mirrored", "schedule": {"name": "warmup_cosine", "warmup_steps": 5}, "observers": QUIET}
    result = api.train(tiny_mlp(), cfg, logdir=tmp_path, sink=rec)
    lrs = [v for _, v in sorted(rec.points("lr"))]
    assert result["state"] == "completed" and lrs[0] < lrs[4] and lrs[-1] < lrs[5]


def test_user_mistakes_are_issues_with_node_ids(tmp_path):
    rec = Recorder()
    bad = digits_cnn()
    bad["nodes"][0]["params"]["shape"] = [10, 10, 1]
    with pytest.raises(DataError) as err:
        api.train(bad, {"epochs": 1}, logdir=tmp_path, sink=rec)
    assert err.value.issues[0].node_id == "image" and err.value.issues[0].code == "shape_mismatch"
    kinds = [k for k, _, _ in rec.events]
    assert kinds[-2:] == ["error", "status"] and rec.events[-1][1]["state"] == "failed"
    assert rec.events[-2][1]["issues"][0]["node_id"] == "image"
    bad = tiny_mlp()
    bad["nodes"][1]["params"]["units"] = 0
    with pytest.raises(GraphValidationError) as err:
        api.train(bad, None, logdir=tmp_path)
    assert err.value.issues[0].node_id == "fc"


def test_predict_from_latest_checkpoint(cnn_run):
    from sklearn.datasets import load_digits

    d = load_digits()
    images = d.images[:20] / 16.0
    out = api.predict(digits_cnn(), cnn_run["logdir"], {"image": images})
    probs = np.asarray(out["label"])
    assert probs.shape == (20, 10) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert (probs.argmax(axis=1) == d.target[:20]).mean() >= 0.8
    one = api.predict(digits_cnn(), cnn_run["logdir"], {"image": images[0].tolist()})
    assert np.asarray(one["label"]).shape == (1, 10)
    with pytest.raises(DataError):
        api.predict(digits_cnn(), cnn_run["logdir"], {"image": np.zeros((3, 7))})


def test_predict_applies_the_runs_deterministic_jokers(tmp_path):
    cfg = {
        "epochs": 1,
        "steps_per_epoch": 2,
        "observers": QUIET,
        "jokers": [{"type": "Normalize", "params": {"mean": 0.5, "std": 0.25}}],
    }
    api.train(tiny_mlp(), cfg, logdir=tmp_path)
    from akid.graph.compile import build_model
    from akid.train.checkpoints import restore_model

    x = np.random.default_rng(0).random((4, 64)).astype("float32")
    model = build_model(tiny_mlp())
    restore_model(model, tmp_path)
    expected = np.asarray(model({"image": (x - 0.5) / 0.25}, training=False)["label"])
    got = np.asarray(api.predict(tiny_mlp(), tmp_path, {"image": x})["label"])
    e = np.exp(expected - expected.max(axis=1, keepdims=True))
    assert np.allclose(got, e / e.sum(axis=1, keepdims=True), atol=1e-5)


def test_several_steps_per_call_end_exactly_where_observers_look(tmp_path):
    """Calls run many steps, but an observer that reads the model at a step sees that step's model."""
    from akid.train.kid import Kid
    from akid.train.observers import Observer, ScalarObserver

    class Watcher(Observer):
        def __init__(self):
            self.seen = {}

        def next_step(self, step):
            return (step // 7 + 1) * 7

        def on_step_end(self, kid, step, epoch, logs):
            self.seen[step] = int(kid.optimizer.iterations.numpy())

    watcher, rec = Watcher(), Recorder()
    cfg = {"epochs": 2, "steps_per_epoch": 30, "checkpoint_every": 0, "observers": QUIET}
    kid = Kid(tiny_mlp(), cfg, tmp_path, sink=rec, observers=[ScalarObserver(), watcher])
    kid.chunk_seconds = 60.0  # chunks as long as the boundaries allow
    try:
        result = kid.fit()
    finally:
        kid.close()
    assert result["steps"] == 60 and sorted(watcher.seen) == list(range(1, 61))
    assert all(watcher.seen[s] == s for s in range(7, 61, 7))  # boundaries: the model of exactly that step
    assert watcher.seen[30] == 30 and watcher.seen[60] == 60  # epoch ends too
    assert any(watcher.seen[s] > s for s in watcher.seen)  # and in between, one call ran several steps
    assert sorted(s for s, _ in rec.points("loss")) == list(range(1, 61))
    walls = [p["wall"] for k, pl, _ in rec.events if k == "metrics" for p in pl["points"] if p["name"] == "loss"]
    assert walls == sorted(walls)  # each point carries its own step's time, in order


def test_gradient_histograms_read_the_gradients_the_step_applied(tmp_path):
    """At a boundary step the gradients come out of the training call itself (no second
    forward/backward pass): with plain SGD they are exactly (w_before - w_after) / lr."""
    from akid.train.kid import Kid
    from akid.train.observers import Observer

    lr = 0.5

    class Watcher(Observer):
        def __init__(self):
            self.weights, self.grads = {}, {}

        def next_step(self, step):
            return step + 1  # every call ends at the step we read

        def on_train_begin(self, kid):
            self.weights[0] = {(n, v): w.copy() for n, v, w in kid.weight_values()}

        def on_step_end(self, kid, step, epoch, logs):
            self.weights[step] = {(n, v): w.copy() for n, v, w in kid.weight_values()}
            self.grads[step] = {(n, v): g for n, v, g in kid.gradient_values()}

    watcher = Watcher()
    cfg = {
        "epochs": 1,
        "steps_per_epoch": 4,
        "checkpoint_every": 0,
        "observers": QUIET,
        "optimizer": {"name": "sgd", "learning_rate": lr, "momentum": 0.0},
    }
    kid = Kid(tiny_mlp(), cfg, tmp_path, sink=Recorder(), observers=[watcher])
    try:
        kid.fit()
    finally:
        kid.close()
    assert sorted(watcher.grads) == [1, 2, 3, 4]
    for step, grads in watcher.grads.items():
        assert set(grads) == set(watcher.weights[step]) and len(grads) == 4  # kernel and bias of fc and logits
        for key, g in grads.items():
            applied = (watcher.weights[step - 1][key] - watcher.weights[step][key]) / lr
            assert np.allclose(g, applied, atol=1e-5), (step, key)
        assert any(np.abs(g).max() > 1e-4 for g in grads.values())


def test_one_training_pipeline_per_fit(tmp_path, monkeypatch):
    """A new epoch must not build (and start) a new input pipeline: that cost ~0.3 ms per step of a short epoch."""
    from akid.train.steps import StepFunctions

    made = []
    original = StepFunctions.train_dataset

    def counting(self, epoch, skip, until_epoch=None):
        made.append((epoch, skip, until_epoch))
        return original(self, epoch, skip, until_epoch)

    monkeypatch.setattr(StepFunctions, "train_dataset", counting)
    result = api.train(tiny_mlp(), {"epochs": 3, "steps_per_epoch": 5, "observers": QUIET}, logdir=tmp_path)
    assert result["steps"] == 15 and result["state"] == "completed"
    assert made == [(0, 0, 3)]
