"""Observers: they watch a Kid learn and describe it as events.

An observer knows nothing about sockets, stores or TensorBoard: it emits
``(kind, payload, attachments)`` through ``kid.emit`` (the run's sink, plus the
TensorBoard writer when enabled). Payloads follow docs/architecture.md.

Cost is the design constraint: observers must keep >= 95% of the samples/s of
a run without them. So the per-step work is appending a few floats to a list
(the step itself returns all scalars in one packed tensor); events are sent in
batches at most every ``flush_interval`` seconds; histograms and pictures are
computed every N steps, outside the ``tf.function`` hot path, and gradients for
histograms are computed only on those steps.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from akid.train import pictures

if TYPE_CHECKING:  # pragma: no cover
    from akid.train.kid import Kid


class Observer:
    """Base observer: every hook is optional."""

    def on_train_begin(self, kid: "Kid") -> None: ...

    def on_step_end(self, kid: "Kid", step: int, epoch: int, logs: dict[str, float]) -> None: ...

    def on_epoch_end(self, kid: "Kid", step: int, epoch: int) -> None:
        """After the epoch's last training step, before validation and the checkpoint."""

    def on_validation_end(self, kid: "Kid", step: int, epoch: int, results: dict[str, Any]) -> None: ...

    def on_train_end(self, kid: "Kid") -> None: ...


class ScalarObserver(Observer):
    """Per-step scalars, sent as one ``metrics`` event per ``flush_interval``."""

    def __init__(self, flush_interval: float = 0.1):
        self.flush_interval = flush_interval
        self.points: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()

    def on_step_end(self, kid, step, epoch, logs):
        wall = time.time()
        self.points.extend({"step": step, "epoch": epoch, "split": "train", "name": k, "value": v, "wall": wall} for k, v in logs.items())
        now = time.monotonic()
        if now - self._last_flush >= self.flush_interval:
            self.flush(kid)

    def on_epoch_end(self, kid, step, epoch):
        self.flush(kid)  # the epoch's last points must not wait for validation and the checkpoint

    def on_validation_end(self, kid, step, epoch, results):
        wall = time.time()
        self.points.extend({"step": step, "epoch": epoch, "split": "val", "name": k, "value": v, "wall": wall}
                           for k, v in results["metrics"].items())
        self.flush(kid)

    def on_train_end(self, kid):
        self.flush(kid)

    def flush(self, kid: "Kid") -> None:
        self._last_flush = time.monotonic()
        if self.points:
            points, self.points = self.points, []
            kid.emit("metrics", {"points": points})


def histogram_item(node_id: str, tensor: str, values: np.ndarray, bins: int) -> dict[str, Any]:
    """One histogram payload item; sparsity is the fraction of exact zeros."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"node_id": node_id, "tensor": tensor, "edges": [0.0, 1.0], "counts": [0], "sparsity": 0.0}
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    return {"node_id": node_id, "tensor": tensor, "edges": edges.tolist(), "counts": counts.astype(int).tolist(),
            "sparsity": float(np.mean(v == 0.0))}


class HistogramObserver(Observer):
    """Per-layer weight and gradient histograms (+ sparsity) every ``every`` steps.

    Tensor names are the variable names (``kernel``, ``bias``, ...) for weights
    and ``<name>/grad`` for their gradients.
    """

    def __init__(self, every: int, bins: int = 30):
        self.every, self.bins = every, bins

    def on_step_end(self, kid, step, epoch, logs):
        if self.every and step % self.every == 0:
            self.emit(kid, step)

    def on_train_begin(self, kid):
        self.emit(kid, kid.step)

    def emit(self, kid: "Kid", step: int) -> None:
        items = [histogram_item(node_id, name, value, self.bins) for node_id, name, value in kid.weight_values()]
        items += [histogram_item(node_id, f"{name}/grad", g, self.bins) for node_id, name, g in kid.gradient_values()]
        if items:
            kid.emit("histograms", {"step": step, "items": items})


class ImageObserver(Observer):
    """Conv filters and the feature maps of a fixed probe batch, as PNG grids, every ``every`` steps."""

    def __init__(self, every: int, max_channels: int = 16):
        self.every, self.max_channels = every, max_channels

    def on_train_begin(self, kid):
        self.emit(kid, kid.step)

    def on_step_end(self, kid, step, epoch, logs):
        if self.every and step % self.every == 0:
            self.emit(kid, step)

    def on_train_end(self, kid):
        self.emit(kid, kid.step)

    def emit(self, kid: "Kid", step: int) -> None:
        items: list[dict[str, Any]] = []
        attachments: list[bytes] = []

        def add(node_id: str, kind: str, pixels: np.ndarray) -> None:
            items.append({"node_id": node_id, "kind": kind, "index": len(attachments),
                          "width": int(pixels.shape[1]), "height": int(pixels.shape[0])})
            attachments.append(pictures.to_png(pixels))

        for node_id, name, value in kid.weight_values():
            if name == "kernel" and value.ndim in (3, 4):
                tiles = pictures.filter_tiles(value, self.max_channels)
                if tiles:
                    add(node_id, "filters", pictures.grid(tiles))
        for node_id, activation in kid.feature_maps().items():
            tiles = pictures.feature_tiles(activation, self.max_channels)
            if tiles:
                add(node_id, "feature_map", pictures.grid(tiles))
        if items:
            kid.emit("images", {"step": step, "items": items}, attachments)


class ConfusionObserver(Observer):
    """A confusion matrix per classification output at each validation (PNG + numbers)."""

    def on_validation_end(self, kid, step, epoch, results):
        items, attachments = [], []
        for node_id, matrix in results.get("confusion", {}).items():
            pixels = pictures.confusion_png(matrix)
            items.append({"node_id": node_id, "kind": "confusion", "index": len(attachments),
                          "width": int(pixels.shape[1]), "height": int(pixels.shape[0]),
                          "epoch": epoch, "matrix": np.asarray(matrix).astype(int).tolist()})
            attachments.append(pictures.to_png(pixels))
        if items:
            kid.emit("images", {"step": step, "items": items}, attachments)


def default_observers(cfg, is_chief: bool = True) -> list[Observer]:
    """The observers an ObserversConfig asks for; pictures and histograms only on the chief."""
    out: list[Observer] = []
    if cfg.scalars:
        out.append(ScalarObserver(cfg.flush_interval))
    if is_chief and cfg.histograms_every:
        out.append(HistogramObserver(cfg.histograms_every, cfg.histogram_bins))
    if is_chief and cfg.images_every:
        out.append(ImageObserver(cfg.images_every, cfg.max_channels))
    if is_chief and cfg.confusion:
        out.append(ConfusionObserver())
    return out
