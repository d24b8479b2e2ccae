"""Observers: they watch a Kid learn and describe it as events.

An observer knows nothing about sockets, stores or TensorBoard: it emits
``(kind, payload, attachments)`` through ``kid.emit`` (the run's sink, plus the
TensorBoard writer when enabled). Payloads follow docs/architecture.md.

Cost is the design constraint: observers must keep >= 95% of the samples/s of
a run without them. So the per-step work is building a few small dicts (each step's packed
scalars reach the host as the step ends, see akid.train.rowpump); a background
thread sends them, at once when the channel is idle and coalesced when it is
busy; histograms and pictures are read every N steps, outside the
``tf.function`` hot path (the gradients are outputs of the training call
itself), and their binning, PNG encoding and sending run on a background
thread (:class:`_Background`) while training goes on.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from akid.train import pictures

if TYPE_CHECKING:  # pragma: no cover
    from akid.train.kid import Kid


class Observer:
    """Base observer: every hook is optional."""

    def on_train_begin(self, kid: Kid) -> None: ...

    def on_step_end(self, kid: Kid, step: int, epoch: int, logs: dict[str, float]) -> None:
        """Called for every step, in order, as soon as it ended: from the Kid's row thread while the call
        that runs it goes on, or, for a call's last step, from the training thread once the call
        returned. Never two at once; read the model only at :meth:`next_step`, where a call ends."""

    def next_step(self, step: int) -> int | None:
        """The next step after ``step`` at which this observer reads the model (weights, gradients,
        activations), or None. The Kid ends a multi-step call exactly there, so that what the
        observer reads in ``on_step_end`` is the model of that step and not of a later one."""
        return None

    def on_epoch_end(self, kid: Kid, step: int, epoch: int) -> None:
        """After the epoch's last training step, before validation and the checkpoint."""

    def on_validation_end(self, kid: Kid, step: int, epoch: int, results: dict[str, Any]) -> None: ...

    def on_train_end(self, kid: Kid) -> None: ...

    def close(self, kid: Kid) -> None:
        """Release threads and buffers; called once, also when training raised."""


def _next_multiple(step: int, every: int) -> int | None:
    return (step // every + 1) * every if every else None


class ScalarObserver(Observer):
    """Per-step scalars as ``metrics`` events, sent adaptively (Nagle-like) by a background sender.

    When the channel is idle a call's points go out at once, stamped with the
    wall time of their own step. While a send is in flight (a slow sink, a full
    pipe to the server) new points wait and leave together in the next event;
    after a send that took ``d`` seconds the sender waits ``min(d,
    flush_interval)`` (and at least :data:`MIN_GAP`) before the next, so a struggling receiver gets
    fewer, larger events (at most ~50 % of the time spent sending) while an idle one gets every
    point as soon as it exists, at most ~10 ms later. The training thread never waits
    for the channel, so neither a slow receiver nor an image being encoded
    after a step delays the scalars already produced.
    """

    def __init__(self, flush_interval: float = 0.1):
        self.flush_interval = flush_interval
        self._sender: _Sender | None = None
        #: Why the channel stopped taking points (later points are dropped), if it did.
        self.sender_error: BaseException | None = None

    def _send(self, kid: Kid, points: list[dict[str, Any]]) -> None:
        if self._sender is None:
            self._sender = _Sender(lambda pts: kid.emit("metrics", {"points": pts}), self.flush_interval)
        self._sender.put(points)

    def on_step_end(self, kid, step, epoch, logs):
        wall = getattr(kid, "step_wall", None) or time.time()
        self._send(
            kid, [{"step": step, "epoch": epoch, "split": "train", "name": k, "value": v, "wall": wall} for k, v in logs.items()]
        )

    def on_validation_end(self, kid, step, epoch, results):
        wall = time.time()
        self._send(
            kid,
            [
                {"step": step, "epoch": epoch, "split": "val", "name": k, "value": v, "wall": wall}
                for k, v in results["metrics"].items()
            ],
        )

    def on_train_end(self, kid):
        self.flush(kid)

    def flush(self, kid: Kid) -> None:
        """Send every held point now and wait until it has been handed to the sink."""
        if self._sender is not None:
            self._sender.drain()

    def close(self, kid):
        if self._sender is not None:
            self._sender.close()
            self.sender_error = self._sender.error
            self._sender = None


#: Shortest pause between two metric events: steps reach the host one by one as they end (a few
#: ms apart for a small CNN), and an event per step would cost the sink more than the points are
#: worth; 10 ms keeps ~100 events/s at most and adds at most 10 ms to a point's way out.
MIN_GAP = 0.01


class _Sender:
    """One background thread that hands batches of points to ``send``, one batch in flight at a time."""

    def __init__(self, send, max_hold: float):
        self._send, self._max_hold = send, max_hold
        self._cond = threading.Condition()
        self._buffer: list[dict[str, Any]] = []
        self._busy = self._closed = self._urgent = False
        self._hold_until = 0.0
        self.error: BaseException | None = None
        self.events = 0
        self._thread = threading.Thread(target=self._run, name="akid-metrics-sender", daemon=True)
        self._thread.start()

    def put(self, points: list[dict[str, Any]]) -> None:
        with self._cond:
            self._buffer.extend(points)
            self._cond.notify_all()

    def drain(self) -> None:
        """Send what is held now (ignoring the hold) and wait until nothing is buffered or in flight."""
        with self._cond:
            self._urgent = True
            self._cond.notify_all()
            while (self._buffer or self._busy) and self._thread.is_alive():
                self._cond.wait(0.5)
            self._urgent = False

    def close(self) -> None:
        self.drain()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(5.0)

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._closed and not self._buffer:
                        return
                    wait = self._hold_until - time.monotonic()
                    if self._buffer and (wait <= 0 or self._urgent):
                        break
                    self._cond.wait(wait if self._buffer else None)
                points, self._buffer, self._busy = self._buffer, [], True
            started = time.monotonic()
            try:
                if self.error is None:
                    self._send(points)
                    self.events += 1
            except BaseException as exc:
                self.error = exc
            took = time.monotonic() - started
            with self._cond:
                self._busy = False
                self._hold_until = time.monotonic() + min(max(took, MIN_GAP), self._max_hold)
                self._cond.notify_all()


class _Background:
    """One daemon thread that runs submitted jobs in order (binning, PNG encoding, the sink call).

    Why: the training thread only *reads* the model at a histogram/picture step
    (copies of weights, gradients, activations); what is computed from those
    copies can overlap the next training call (NumPy and zlib release the GIL).
    A job's exception is raised again in the training thread by the next
    :meth:`submit` or :meth:`drain`, as if the work had run there.
    """

    def __init__(self, name: str):
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    job()
            except BaseException as exc:
                self._error = exc
            finally:
                self._jobs.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, job: Callable[[], None]) -> None:
        self._raise()
        self._jobs.put(job)

    def drain(self) -> None:
        """Wait until every submitted job has run."""
        self._jobs.join()
        self._raise()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self._jobs.put(None)
            self._thread.join(5.0)


class _BackgroundObserver(Observer):
    """An observer whose events are built and sent by a :class:`_Background` thread."""

    _background: _Background | None = None
    #: Why sending failed during :meth:`close`, if it did.
    error: BaseException | None = None

    def submit(self, job: Callable[[], None]) -> None:
        if self._background is None:
            self._background = _Background(f"akid-{type(self).__name__}")
        self._background.submit(job)

    def flush(self) -> None:
        """Wait until every event read so far has been sent."""
        if self._background is not None:
            self._background.drain()

    def on_train_end(self, kid):
        self.flush()

    def close(self, kid):
        """Send what is left; an error is kept in :attr:`error` (close also runs while an error unwinds)."""
        if self._background is not None:
            background, self._background = self._background, None
            try:
                background.close()
            except BaseException as exc:
                self.error = exc


def histogram_item(node_id: str, tensor: str, values: np.ndarray, bins: int) -> dict[str, Any]:
    """One histogram payload item; sparsity is the fraction of exact zeros."""
    # Binned by hand in the tensor's own float type (bin index by one multiply, then bincount): a
    # conv kernel of 18k values took 350 us through float64 and np.histogram, this ~60 us.
    v = np.asarray(values).ravel()
    if v.dtype not in (np.float32, np.float64):
        v = v.astype(np.float32)
    finite = np.isfinite(v)
    if not finite.all():
        v = v[finite]
    if v.size == 0:
        return {"node_id": node_id, "tensor": tensor, "edges": [0.0, 1.0], "counts": [0], "sparsity": 0.0}
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    idx = ((v - lo) * (bins / (hi - lo))).astype(np.intp)
    np.clip(idx, 0, bins - 1, out=idx)  # hi itself belongs to the last bin, as in np.histogram
    counts = np.bincount(idx, minlength=bins)
    return {
        "node_id": node_id,
        "tensor": tensor,
        "edges": np.linspace(lo, hi, bins + 1).tolist(),
        "counts": counts.tolist(),
        "sparsity": float(np.count_nonzero(v == 0.0)) / v.size,
    }


class HistogramObserver(_BackgroundObserver):
    """Per-layer weight and gradient histograms (+ sparsity) every ``every`` steps.

    Tensor names are the variable names (``kernel``, ``bias``, ...) for weights
    and ``<name>/grad`` for their gradients. The step's values are read in the
    training thread; binning and sending run in the background.
    """

    def __init__(self, every: int, bins: int = 30):
        self.every, self.bins = every, bins

    def on_step_end(self, kid, step, epoch, logs):
        if self.every and step % self.every == 0:
            self.emit(kid, step)

    def next_step(self, step):
        return _next_multiple(step, self.every)

    def on_train_begin(self, kid):
        self.emit(kid, kid.step)

    def emit(self, kid: Kid, step: int) -> None:
        values = [(node_id, name, value) for node_id, name, value in kid.weight_values()]
        values += [(node_id, f"{name}/grad", g) for node_id, name, g in kid.gradient_values()]
        bins = self.bins

        def send() -> None:
            items = [histogram_item(node_id, name, value, bins) for node_id, name, value in values]
            if items:
                kid.emit("histograms", {"step": step, "items": items})

        self.submit(send)


class ImageObserver(_BackgroundObserver):
    """Conv filters and the feature maps of a fixed probe batch, as PNG grids, every ``every`` steps.

    The kernels and activations are read in the training thread; tiling, PNG
    encoding and sending run in the background."""

    def __init__(self, every: int, max_channels: int = 16):
        self.every, self.max_channels = every, max_channels

    def on_train_begin(self, kid):
        self.emit(kid, kid.step)

    def on_step_end(self, kid, step, epoch, logs):
        if self.every and step % self.every == 0:
            self.emit(kid, step)

    def next_step(self, step):
        return _next_multiple(step, self.every)

    def on_train_end(self, kid):
        self.emit(kid, kid.step)
        self.flush()

    def emit(self, kid: Kid, step: int) -> None:
        kernels = [(node_id, value) for node_id, name, value in kid.weight_values() if name == "kernel" and value.ndim in (3, 4)]
        maps = kid.feature_maps()
        self.submit(lambda: self._send(kid, step, kernels, maps))

    def _send(self, kid: Kid, step: int, kernels: list[tuple[str, np.ndarray]], maps: dict[str, np.ndarray]) -> None:
        items: list[dict[str, Any]] = []
        attachments: list[bytes] = []

        def add(node_id: str, kind: str, tiles: list[np.ndarray]) -> None:
            pixels = pictures.grid(tiles)
            items.append(
                {
                    "node_id": node_id,
                    "kind": kind,
                    "index": len(attachments),
                    "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0]),
                    "grid": pictures.grid_layout(tiles),  # the browser numbers the channels from it
                }
            )
            attachments.append(pictures.to_png(pixels))

        for node_id, value in kernels:
            tiles = pictures.filter_tiles(value, self.max_channels)
            if tiles:
                add(node_id, "filters", tiles)
        for node_id, activation in maps.items():
            tiles = pictures.feature_tiles(activation, self.max_channels)
            if tiles:
                add(node_id, "feature_map", tiles)
        if items:
            kid.emit("images", {"step": step, "items": items}, attachments)


class ConfusionObserver(Observer):
    """A confusion matrix per classification output at each validation (PNG + numbers)."""

    def on_validation_end(self, kid, step, epoch, results):
        items, attachments = [], []
        for node_id, matrix in results.get("confusion", {}).items():
            pixels = pictures.confusion_png(matrix)
            items.append(
                {
                    "node_id": node_id,
                    "kind": "confusion",
                    "index": len(attachments),
                    "width": int(pixels.shape[1]),
                    "height": int(pixels.shape[0]),
                    "epoch": epoch,
                    "matrix": np.asarray(matrix).astype(int).tolist(),
                }
            )
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
