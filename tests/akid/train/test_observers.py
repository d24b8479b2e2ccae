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
            if item["kind"] != "confusion":  # grids say where each channel is, for the browser's numbers
                lay = item["grid"]
                assert item["width"] == lay["cols"] * (lay["cell_w"] + lay["pad"]) + lay["pad"]
                assert item["height"] == lay["rows"] * (lay["cell_h"] + lay["pad"]) + lay["pad"]
                assert (lay["rows"] - 1) * lay["cols"] < lay["count"] <= lay["rows"] * lay["cols"]
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


class _FakeKid:
    """Records ``metrics`` events; ``gate`` (when given) blocks every send until it is set."""

    def __init__(self, gate=None):
        import threading

        self.events, self.gate = [], gate
        self.arrived, self.entered = threading.Event(), threading.Event()
        self.step_wall = None

    def emit(self, kind, payload, attachments=()):
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        self.events.append(payload)
        self.arrived.set()


def test_scalar_observer_sends_at_once_when_the_channel_is_idle():
    from akid.train.observers import ScalarObserver

    kid, obs = _FakeKid(), ScalarObserver(flush_interval=60.0)  # the hold applies only after a slow send
    try:
        obs.on_step_end(kid, 1, 0, {"loss": 1.0})
        assert kid.arrived.wait(10)  # no flush, no further step: the point went out by itself
        assert [p["step"] for p in kid.events[0]["points"]] == [1]
    finally:
        obs.close(kid)


def test_scalar_observer_coalesces_while_a_send_is_in_flight():
    import threading

    from akid.train.observers import ScalarObserver

    gate = threading.Event()
    kid, obs = _FakeKid(gate), ScalarObserver(flush_interval=60.0)
    try:
        obs.on_step_end(kid, 1, 0, {"loss": 1.0})
        assert kid.entered.wait(10)  # the sender took step 1 and is stuck in emit
        for step in range(2, 101):
            obs.on_step_end(kid, step, 0, {"loss": 1.0 / step, "lr": 0.1})
        gate.set()
        obs.on_train_end(kid)  # drains: what was held goes out now, in one event
        assert len(kid.events) == 2
        steps = [p["step"] for e in kid.events for p in e["points"] if p["name"] == "loss"]
        assert steps == list(range(1, 101))  # every point, in order, none twice
    finally:
        obs.close(kid)


def test_scalar_observer_survives_a_dead_sink():
    from akid.train.observers import ScalarObserver

    class Broken(_FakeKid):
        def emit(self, kind, payload, attachments=()):
            raise BrokenPipeError("server gone")

    kid, obs = Broken(), ScalarObserver()
    obs.on_step_end(kid, 1, 0, {"loss": 1.0})
    obs.on_train_end(kid)
    obs.close(kid)  # training is not killed by the channel; the error is kept for whoever asks
    assert isinstance(obs.sender_error, BrokenPipeError)


def test_pace_sizes_chunks_from_the_median_step_time():
    from akid.train.kid import Pace

    pace = Pace(seconds=0.025, max_steps=512)
    assert pace.propose() == 1  # nothing measured yet
    pace.observe(0.001, 1)
    assert pace.propose() == 4  # 25 steps fit, but it grows at most 4x per call
    for _ in range(3):
        pace.observe(0.016, 16)
    pace.observe(5.0, 16)  # one stalled call does not collapse the chunk
    assert pace.propose() == 25
    pace.observe(0.002, 2)  # a call an epoch end cut short does not cap the next one at 4 x 2 steps
    assert pace.propose() == 25


def test_tensorboard_itself_reads_the_run(cnn_run):
    """The real TensorBoard loader (not our reader) finds scalars, histograms and images."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(cnn_run["logdir"] / "tb" / "train"), size_guidance={"tensors": 0})
    acc.Reload()
    tags = acc.Tags()["tensors"]
    assert {"loss", "conv1/kernel", "filters/conv1"} <= set(tags)
    losses = [e.tensor_proto.float_val[0] for e in acc.Tensors("loss")]
    assert len(losses) > 3 and losses[-1] < losses[0]


def test_grid_layout_says_where_each_channel_is():
    tiles = [np.full((3, 3), i, dtype=np.float32) + np.eye(3) for i in range(10)]
    g, lay = pictures.grid(tiles), pictures.grid_layout(tiles)
    assert lay == {"count": 10, "rows": 3, "cols": 4, "cell_w": 24, "cell_h": 24, "pad": 1}
    assert g.shape == (lay["rows"] * (lay["cell_h"] + 1) + 1, lay["cols"] * (lay["cell_w"] + 1) + 1)
    for i in range(10):  # each tile's cell holds that tile (eye: bright top-left, dark top-right)
        r, c = divmod(i, lay["cols"])
        y, x = 1 + r * (lay["cell_h"] + 1), 1 + c * (lay["cell_w"] + 1)
        assert g[y, x] == 255 and g[y, x + lay["cell_w"] - 1] == 0
    assert g[1 + 2 * 25, 1 + 2 * 25] == 255  # cell 10 (row 2, col 2) is empty: background
    assert pictures.grid_layout([])["count"] == 0


class _ModelKid(_FakeKid):
    """A fake kid with one weight and its gradient, for the histogram observer."""

    def weight_values(self):
        return [("fc", "kernel", np.arange(12, dtype="float32").reshape(3, 4))]

    def gradient_values(self):
        return [("fc", "kernel", np.ones((3, 4), dtype="float32"))]


def test_histograms_are_binned_and_sent_without_holding_up_training():
    import threading

    from akid.train.observers import HistogramObserver

    gate = threading.Event()
    kid, obs = _ModelKid(gate), HistogramObserver(every=10, bins=4)
    try:
        obs.on_step_end(kid, 10, 0, {})
        obs.on_step_end(kid, 20, 0, {})  # returns although the sink is stuck on step 10's event
        assert kid.entered.wait(10) and not kid.events
        gate.set()
        obs.on_train_end(kid)  # waits until everything read so far is sent
        assert [e["step"] for e in kid.events] == [10, 20]
        items = {i["tensor"]: i for i in kid.events[0]["items"]}
        assert sum(items["kernel"]["counts"]) == 12 and items["kernel"]["sparsity"] == pytest.approx(1 / 12)
        assert items["kernel/grad"]["counts"] == [0, 0, 12, 0]  # all ones: the middle of [0.5, 1.5]
    finally:
        obs.close(kid)


def test_a_failing_sink_fails_the_training_thread_at_the_next_histogram():
    from akid.train.observers import HistogramObserver

    class Broken(_ModelKid):
        def emit(self, kind, payload, attachments=()):
            raise BrokenPipeError("server gone")

    kid, obs = Broken(), HistogramObserver(every=10)
    obs.on_step_end(kid, 10, 0, {})
    with pytest.raises(BrokenPipeError):
        obs.on_train_end(kid)
    obs.on_step_end(kid, 20, 0, {})
    obs.close(kid)  # close never raises (it also runs while an error unwinds): the error is kept
    assert isinstance(obs.error, BrokenPipeError)


@pytest.mark.parametrize("step", [0, 1, 127, 128, 300_000, 2**40])
def test_scalar_event_bytes_equal_the_protobuf_serialization(step):
    """The template writer produces exactly the bytes protobuf does, huge and odd values included."""
    from akid.train.tensorboard import scalar_event, scalar_event_bytes

    values = {"loss": 0.25, "label/accuracy": 1.0, "grad_norm": float("inf"), "lr": 1e-40, "big": 3e39, "nan": float("nan")}
    wall = 1_790_000_000.125
    fast = scalar_event_bytes(step, values, wall)
    assert fast == scalar_event(step, values, wall).SerializeToString()
    assert scalar_event_bytes(step, {"é/ü" * 50: -2.5}, wall) == scalar_event(step, {"é/ü" * 50: -2.5}, wall).SerializeToString()
    assert scalar_event_bytes(step, {"x": -3e39}, 0.0) == scalar_event(step, {"x": -3e39}, 0.0).SerializeToString()


def test_histogram_item_counts_like_numpy():
    """The hand binning gives np.histogram's counts (on the same range) for weights of any size and type."""
    from akid.train.observers import histogram_item

    rng = np.random.default_rng(3)
    for shape, dtype in [((3, 3, 16, 32), np.float32), ((64,), np.float64), ((5,), np.float16), ((7, 7), np.int32)]:
        v = (rng.standard_normal(shape) * 3).astype(dtype)
        item = histogram_item("n", "kernel", v, 30)
        flat = v.astype(np.float64).ravel()
        want, _ = np.histogram(flat, bins=30, range=(flat.min(), flat.max()))
        assert item["counts"] == want.tolist()
        assert item["edges"][0] == flat.min() and item["edges"][-1] == pytest.approx(flat.max())
        assert item["sparsity"] == pytest.approx(np.mean(flat == 0))
