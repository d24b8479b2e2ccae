"""Observers emit the documented payloads, cheaply; TensorBoard files hold the same data."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from akid.train import pictures


def test_metrics_are_batched_with_documented_names(cnn_run):
    rec, result = cnn_run["rec"], cnn_run["result"]
    batches = rec.of("metrics")
    steps = result["steps"]
    assert len(batches) < steps / 2  # batched: far fewer events than steps
    names = {pt["name"] for p, _ in batches for pt in p["points"] if pt["split"] == "train"}
    assert {"loss", "label/loss", "label/accuracy", "lr", "grad_norm", "step_time", "samples_per_sec"} <= names
    for p, _ in batches:
        for pt in p["points"]:
            assert set(pt) == {"step", "epoch", "split", "name", "value", "wall"}
            assert isinstance(pt["value"], float) and pt["split"] in ("train", "val")
    train_steps = sorted({s for s, _ in rec.points("loss")})
    assert train_steps == list(range(1, steps + 1))  # every step's scalars arrive, none twice
    val = rec.points("label/accuracy", split="val")
    assert [s for s, _ in val] == [steps // 2, steps] and val[-1][1] == pytest.approx(result["val"]["label/accuracy"])


def test_status_events(cnn_run):
    statuses = [p for p, _ in cnn_run["rec"].of("status")]
    assert statuses[0]["state"] == "running" and statuses[-1]["state"] == "completed"
    for s in statuses:
        assert {"state", "step", "epoch", "total_steps", "progress"} <= set(s)
        assert 0.0 <= s["progress"] <= 1.0
    assert statuses[-1]["progress"] == 1.0


def test_histograms_payload(cnn_run):
    events = [p for p, _ in cnn_run["rec"].of("histograms")]
    assert [e["step"] for e in events] == [0] + list(range(10, cnn_run["result"]["steps"] + 1, 10))
    later = events[-1]
    by = {(i["node_id"], i["tensor"]) for i in later["items"]}
    for node in ("conv1", "conv2", "fc", "logits"):
        assert (node, "kernel") in by and (node, "bias") in by
        assert (node, "kernel/grad") in by
    for item in later["items"]:
        assert set(item) == {"node_id", "tensor", "edges", "counts", "sparsity"}
        assert len(item["edges"]) == len(item["counts"]) + 1 == cnn_run["config"].get("bins", 30) + 1
        assert 0.0 <= item["sparsity"] <= 1.0
    conv1 = next(i for i in later["items"] if i["node_id"] == "conv1" and i["tensor"] == "kernel")
    assert sum(conv1["counts"]) == 3 * 3 * 1 * 16


def _decode(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def test_images_payload_png_decodes(cnn_run):
    events = cnn_run["rec"].of("images")
    kinds = {}
    for payload, attachments in events:
        assert "step" in payload
        for item in payload["items"]:
            assert {"node_id", "kind", "index", "width", "height"} <= set(item)
            img = _decode(attachments[item["index"]])
            assert img.size == (item["width"], item["height"])
            kinds.setdefault(item["kind"], set()).add(item["node_id"])
    assert {"conv1", "conv2"} <= kinds["filters"]
    assert {"image", "conv1", "conv2", "pool", "fc", "logits"} <= kinds["feature_map"]
    assert kinds["confusion"] == {"label"}


def test_confusion_matrix_numbers(cnn_run):
    items = [i for p, _ in cnn_run["rec"].of("images") for i in p["items"] if i["kind"] == "confusion"]
    assert len(items) == 2  # one per validation (2 epochs)
    m = np.asarray(items[-1]["matrix"])
    assert m.shape == (10, 10)
    from akid.data.registry import get_source

    assert m.sum() == get_source("digits").sizes()["val"]
    assert np.trace(m) / m.sum() == pytest.approx(cnn_run["result"]["val"]["label/accuracy"])


def test_tensorboard_event_files(cnn_run):
    from akid.train.tensorboard import read_events

    tb = cnn_run["logdir"] / "tb"
    train = read_events(tb / "train")
    val = read_events(tb / "val")
    assert train[0].file_version == "brain.Event:2"
    tags = {}
    for e in train + val:
        for v in e.summary.value:
            tags.setdefault(v.metadata.plugin_data.plugin_name, set()).add(v.tag)
    assert {"loss", "label/accuracy", "lr", "grad_norm", "samples_per_sec"} <= tags["scalars"]
    assert "conv1/kernel" in tags["histograms"] and "conv1/kernel/grad" in tags["histograms"]
    assert "filters/conv1" in tags["images"] and "confusion/label" in tags["images"]
    png = next(v.tensor.string_val[2] for e in train for v in e.summary.value if v.tag == "filters/conv1")
    _decode(png)
    val_acc = [v.tensor.float_val[0] for e in val for v in e.summary.value if v.tag == "label/accuracy"]
    assert val_acc[-1] == pytest.approx(cnn_run["result"]["val"]["label/accuracy"], rel=1e-6)


def test_pictures_helpers():
    g = pictures.grid([np.random.rand(3, 3) for _ in range(16)])
    assert g.dtype == np.uint8 and g.shape[0] == g.shape[1]
    assert pictures.normalize(np.ones((2, 2))).tolist() == [[128, 128], [128, 128]]
    assert len(pictures.filter_tiles(np.zeros((3, 3, 2, 40)), limit=16)) == 16
    assert _decode(pictures.to_png(pictures.confusion_png(np.eye(3)))).mode == "RGB"
    assert pictures.feature_tiles(np.zeros((5,)), 4)[0].shape == (1, 5)


def test_scalar_observer_flushes_at_most_every_interval():
    from akid.train.observers import ScalarObserver

    class FakeKid:
        def __init__(self):
            self.events = []

        def emit(self, kind, payload, attachments=()):
            self.events.append(payload)

    kid, obs = FakeKid(), ScalarObserver(flush_interval=60.0)
    for step in range(1, 101):
        obs.on_step_end(kid, step, 0, {"loss": 1.0 / step})
    assert kid.events == []
    obs.on_train_end(kid)
    assert len(kid.events) == 1 and len(kid.events[0]["points"]) == 100


def test_tensorboard_itself_reads_the_run(cnn_run):
    """The real TensorBoard loader (not our reader) finds scalars, histograms and images."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(cnn_run["logdir"] / "tb" / "train"), size_guidance={"tensors": 0})
    acc.Reload()
    tags = acc.Tags()["tensors"]
    assert {"loss", "conv1/kernel", "filters/conv1"} <= set(tags)
    losses = [e.tensor_proto.float_val[0] for e in acc.Tensors("loss")]
    assert len(losses) > 3 and losses[-1] < losses[0]
