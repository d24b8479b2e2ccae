"""Kid: the training loop — a custom loop, not ``model.fit``.

Why a custom loop: Keras 3's ``fit`` does not run under
MultiWorkerMirroredStrategy, and we need things ``fit`` hides anyway — a stop
flag agreed on by every worker, the exact batch position for checkpoints, the
all-reduced gradient norm, and gradients for histograms only on the steps that
draw them. The hot path is one ``tf.function`` that runs a *chunk* of steps
(``strategy.run`` + one ``strategy.reduce`` each) on batches it draws from the
dataset iterator itself (one pipeline per ``fit``, spanning its epochs). Each
step's packed scalars leave the running call through a queue as the step ends
(:mod:`akid.train.rowpump`), so the live stream does not wait for the call;
:class:`Pace` sizes calls to ~250 ms of training, and calls end exactly at
checkpoints, epoch ends and the steps an observer acts on (histograms and
pictures read the model of exactly that step). What observers do with a step
(:mod:`akid.train.observers`) happens on the row thread while training goes on.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from akid.train.checkpoints import Checkpointer
from akid.train.config import TrainConfig, load_config
from akid.train.distribute import WorkerInfo, make_strategy
from akid.train.model_setup import Setup, build_setup
from akid.train.observers import Observer, default_observers
from akid.train.rowpump import RowPump
from akid.train.steps import StepFunctions
from akid.train.tensorboard import TensorBoardWriter

Sink = Callable[[str, dict, list], None]

#: Seconds of training per ``tf.function`` call. A step's scalars reach the host as the step ends
#: (akid.train.rowpump), whatever the call length, so this bounds only how long a stop request or a
#: status update waits; a call's fixed cost (~1.5 ms: the Python round trip and the executor's
#: start-up) stays under 1 %.
CHUNK_SECONDS = 0.25
#: Most steps per call: a bound for tiny models whose step time is all overhead.
MAX_CHUNK = 512


class Pace:
    """Chooses how many steps the next call runs, from the measured time per step.

    The estimate is the median of the last few calls' seconds per step, so one
    slow call (a busy machine, a garbage collection, a lazy initialisation)
    does not shrink the next chunks; the chunk grows at most 4x per call, so a
    first estimate that is too fast cannot overshoot the time budget by much.
    """

    def __init__(self, seconds: float = CHUNK_SECONDS, max_steps: int = MAX_CHUNK, window: int = 5):
        self.seconds, self.max_steps = seconds, max_steps
        self._recent: deque[float] = deque(maxlen=window)
        self.last = 1

    @property
    def per_step(self) -> float | None:
        return statistics.median(self._recent) if self._recent else None

    def observe(self, seconds: float, steps: int) -> None:
        self._recent.append(seconds / max(1, steps))
        # the longest call so far: a call an epoch end or a histogram step cut short says nothing
        # about how long the next one may safely be
        self.last = max(self.last, steps)

    def propose(self) -> int:
        per_step = self.per_step
        if per_step is None:
            return 1
        want = int(self.seconds / per_step) if per_step > 0 else self.max_steps
        return max(1, min(want, self.max_steps, 4 * self.last))


class Kid:
    """Trains one graph on one data source; one instance per process (per worker)."""

    def __init__(
        self,
        graph_doc: dict[str, Any],
        config: TrainConfig | dict[str, Any] | None,
        logdir: str | os.PathLike,
        *,
        sink: Sink | None = None,
        stop: Any = None,
        strategy: tf.distribute.Strategy | None = None,
        worker: WorkerInfo | None = None,
        observers: list[Observer] | None = None,
    ):
        self.config = load_config(config)
        self.logdir = Path(logdir)
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.worker = worker or WorkerInfo()
        self.stop = stop
        self.strategy = strategy or make_strategy(self.config.strategy)
        self._listeners: list[Sink] = [sink] if sink is not None else []
        self._emit_lock = threading.RLock()
        self.tb: TensorBoardWriter | None = None
        self.setup: Setup = build_setup(graph_doc, self.config, self.strategy, self.worker, self.log)
        if self.worker.is_chief and self.config.observers.tensorboard:  # only once the graph and data are known good
            self.tb = TensorBoardWriter(self.logdir)
            self._listeners.append(self.tb)
        self.model = self.setup.model
        self.optimizer = self.setup.optimizer
        self.sensor = self.setup.sensor
        self.fns = StepFunctions(self.setup, self.strategy, self.config)
        self.ckpt = Checkpointer(
            self.logdir,
            self.model,
            self.optimizer,
            keep=self.config.keep_checkpoints,
            is_chief=self.worker.is_chief,
            worker_index=self.worker.index,
        )
        self.observers = observers if observers is not None else default_observers(self.config.observers, self.worker.is_chief)
        # observers that act on chosen steps may read gradients there: trace that variant up front
        self.fns.wants_grads = any(type(o).next_step is not Observer.next_step for o in self.observers)
        self.step = 0
        self.epoch = 0
        self._last_batch: tuple[Any, Any] | None = None
        self._probe: dict[str, np.ndarray] | None = None
        self.chunk_seconds = CHUNK_SECONDS
        #: Wall-clock end of the step observers are being told about.
        self.step_wall: float | None = None
        # per-row state of the running epoch, written by whichever thread hands a step on (see _on_row)
        self._sums: dict[str, float] = {}
        self._rows_in_epoch = 0
        self._agreed_stop = False
        self._row_clock = 0.0
        self._pace: Pace | None = None
        self._per_step: float | None = None
        self._n_next = 1
        self._calls = 0

    # ---- events ------------------------------------------------------
    def emit(self, kind: str, payload: dict[str, Any], attachments: list[bytes] | tuple = ()) -> None:
        """Send one event to the sink (and TensorBoard); multi-worker events carry ``worker``.

        Thread-safe: the scalar observer sends from its own thread, and the sink
        and the TensorBoard writer see one event at a time, each whole.
        """
        if self.worker.count > 1:
            payload = {**payload, "worker": self.worker.index}
        with self._emit_lock:
            for listener in self._listeners:
                listener(kind, payload, list(attachments))

    def log(self, message: str, level: str = "info") -> None:
        self.emit("log", {"level": level, "message": message})

    def _status(self, state: str = "running") -> None:
        total = self.setup.total_steps
        self.emit(
            "status",
            {
                "state": state,
                "step": self.step,
                "epoch": self.epoch,
                "total_steps": total,
                "progress": min(1.0, self.step / total) if total else 0.0,
            },
        )

    # ---- what observers read ---------------------------------------------
    def weight_values(self) -> list[tuple[str, str, np.ndarray]]:
        """(node_id, variable name, values) of every trainable weight."""
        return [(nid, name, np.asarray(v.numpy())) for nid, name, v in self.setup.named_weights]

    def gradient_values(self) -> list[tuple[str, str, np.ndarray]]:
        """The gradients of the last training step (the ones it applied), read only when an observer asks.

        Before the first step there are none: then inference-mode gradients on the
        probe batch are computed (BatchNorm statistics and dropout stay untouched,
        so drawing a histogram never changes the run).
        """
        step_grads = self.fns.last_gradients()
        if step_grads is not None:
            return step_grads
        if self._last_batch is None:  # before the first step: the probe batch
            x, y = self.sensor.probe_batch(8)
            x, y = tf.nest.map_structure(tf.constant, x), tf.nest.map_structure(tf.constant, y)
        else:
            x, y = self._last_batch
        grads = self.fns.local_gradients(x, y)
        return [(nid, name, np.asarray(g)) for (nid, name, _), g in zip(self.setup.named_weights, grads) if g is not None]

    def feature_maps(self) -> dict[str, np.ndarray]:
        """Every node's output for the first sample of the fixed probe batch."""
        if self._probe is None:
            self._probe = self.sensor.probe_batch(8)[0]
            # traced once (at train begin, before any timed step), then one call per picture step
            self._feature_fn = tf.function(lambda x: self.model(x, training=False, return_all=True), autograph=False)
        values = self._feature_fn(self._probe)
        out = {}
        for nid, v in values.items():
            if isinstance(v, (list, tuple)):
                for i, part in enumerate(v):
                    out[f"{nid}:{i}"] = np.asarray(part)[0]
            else:
                out[nid] = np.asarray(v)[0]
        return out

    # ---- the loop ----------------------------------------------------------
    def _steps_to_boundary(self, step: int) -> int:
        """Steps until the next step that must end a call: a checkpoint, or a step an observer acts on
        (histograms and pictures read the weights of exactly that step).

        Taken from the config as well as from the observers, so every worker of a
        multi-worker run (only the chief has the picture observers) cuts its calls
        at the same steps and their collectives line up.
        """
        cfg = self.config
        everies = [cfg.checkpoint_every, cfg.observers.histograms_every, cfg.observers.images_every]
        ahead = [e - step % e for e in everies if e]
        if self.worker.count == 1:
            ahead += [s - step for s in (o.next_step(step) for o in self.observers) if s is not None and s > step]
        return max(1, min(ahead, default=MAX_CHUNK))

    def _reads_gradients_at(self, start: int, end: int) -> bool:
        """Whether the call running steps ``start`` + 1 … ``end`` ends at a step an observer acts on
        (histograms read that step's gradients): only then does it return them."""
        return any(o.next_step(start) == end for o in self.observers)

    def _stop_requested(self) -> bool:
        return bool(self.stop is not None and self.stop.is_set())

    def _save(self, epoch: int, batch: int) -> None:
        self.ckpt.step.assign(self.step)
        self.ckpt.epoch.assign(epoch)
        self.ckpt.batch.assign(batch)
        self.ckpt.save()

    def fit(self, resume: bool = False) -> dict[str, Any]:
        """Train; return the final metrics (see :func:`akid.train.api.train`)."""
        cfg, setup = self.config, self.setup
        steps, start_epoch, start_batch, resumed_from = setup.steps_per_epoch, 0, 0, None
        if resume:
            resumed_from = self.ckpt.restore_latest()
            if resumed_from is not None:
                self.step = resumed_from
                start_epoch, start_batch = int(self.ckpt.epoch.numpy()), int(self.ckpt.batch.numpy())
                if start_batch >= steps:
                    start_epoch, start_batch = start_epoch + 1, 0
                self.log(f"resumed from checkpoint at step {self.step} (epoch {start_epoch}, batch {start_batch})")
        if self.worker.count > 1 and not self.fns.all_workers_agree(self.step):
            raise RuntimeError(
                f"worker {self.worker.index} restored step {self.step} but not every worker did the same: "
                f"the checkpoint directory {self.ckpt.directory} must be shared by all workers"
            )
        if resumed_from is None and self.ckpt.manager.latest_checkpoint and not resume:
            self.log("logdir already has checkpoints; starting from scratch (use resume to continue)", "warning")
        self.epoch = start_epoch
        for o in self.observers:
            o.on_train_begin(self)
        self._status()
        state, early_stopped, val, train_means = "completed", False, {}, {}
        best, waited = None, 0
        speed_samples, speed_time, speed_cpu = 0, 0.0, 0.0
        last_status = time.monotonic()
        t0 = time.perf_counter()
        # The pace and the agreed chunk length outlive one fit (a second fit continues at full speed);
        # n_next is what every worker agreed on, so reusing it keeps their calls aligned.
        if self._pace is None:
            self._pace = Pace(self.chunk_seconds)
        pace = self._pace
        pace.seconds = self.chunk_seconds
        n_next, pumped = self._n_next, 0  # pumped: rows the row thread has been sent
        pump = RowPump(self.fns.rows, self._on_row)
        # one pipeline for every epoch of this fit: a new epoch pays no pipeline start, and its first
        # batches are prefetched while the last one ends (see akid.data.sensor)
        it = iter(self.fns.train_dataset(start_epoch, start_batch, cfg.epochs)) if start_epoch < cfg.epochs else None
        try:
            for epoch in range(start_epoch, cfg.epochs):
                self.epoch = epoch
                skip = start_batch if epoch == start_epoch else 0
                self._sums, self._rows_in_epoch = {}, 0
                b = skip
                t_mark, cpu_mark = time.perf_counter(), time.process_time()
                while b < steps:
                    stop_now = self._stop_requested()
                    if stop_now and self.worker.count == 1:
                        state = "cancelled"
                        self._save(epoch, b)
                        break
                    n = min(n_next, steps - b, self._steps_to_boundary(self.step))
                    self._agreed_stop = False
                    self._per_step = pace.per_step  # the call's steps report the recent median step time
                    t_call = self._row_clock = time.perf_counter()
                    try:
                        last, n_next, self._last_batch = self.fns.train_steps(
                            it, n, stop_now, pace.propose(), with_grads=self._reads_gradients_at(self.step, self.step + n)
                        )
                    except tf.errors.OutOfRangeError:  # fewer batches than counted: end the epoch here
                        b += pump.flush() - pumped  # the steps that ran before the data ran out
                        pumped = pump.delivered
                        break
                    dt = time.perf_counter() - t_call
                    self._n_next = n_next
                    self._calls += 1
                    if self._calls > 1:  # the first call traces
                        pace.observe(dt, n)
                    pumped += n - 1
                    pump.wait(pumped)  # every earlier step is handed on before the call's last one
                    self._on_row(last)
                    b += n
                    if self._agreed_stop:
                        state = "cancelled"
                        self._save(epoch, b)
                        break
                    if cfg.checkpoint_every and self.step % cfg.checkpoint_every == 0:
                        self._save(epoch, b)
                    if time.monotonic() - last_status >= 1.0:
                        last_status = time.monotonic()
                        self._status()
                    # samples/s counts everything between calls too (observers, checkpoints), as a user
                    # sees it; not the first call (tracing) nor epoch-end validation
                    t_end, cpu_end = time.perf_counter(), time.process_time()
                    if self._calls > 1:
                        speed_samples += setup.global_batch * n
                        speed_time += t_end - t_mark
                        speed_cpu += cpu_end - cpu_mark
                    t_mark, cpu_mark = t_end, cpu_end
                if self._rows_in_epoch:
                    train_means = {k: v / self._rows_in_epoch for k, v in self._sums.items()}
                if state == "cancelled":
                    break
                for o in self.observers:
                    o.on_epoch_end(self, self.step, epoch)
                val = self.evaluate(epoch)
                self._save(epoch + 1, 0)
                self._status()
                if cfg.early_stopping and val:
                    best, waited, early_stopped = self._early_stop(val, best, waited)
                    if early_stopped:
                        self.log(f"early stopping after epoch {epoch + 1}: {cfg.early_stopping.monitor} stopped improving")
                        break
            else:
                if not val and resumed_from is not None:
                    val = self.evaluate(self.epoch)  # resumed a finished run: report its metrics again
            for o in self.observers:
                o.on_train_end(self)
        finally:
            pump.close()
            for o in self.observers:
                o.close(self)  # also after an error: nothing an observer holds is sent after the error event
        if self.tb is not None:
            self.tb.flush()
        return {
            "state": state,
            "steps": self.step,
            "epochs": int(self.ckpt.epoch.numpy()),
            "epoch": self.epoch,
            "total_steps": setup.total_steps,
            "resumed_from": resumed_from,
            "early_stopped": early_stopped,
            "train": train_means,
            "val": val,
            "val_accuracy": {h.node_id: val[f"{h.node_id}/accuracy"] for h in setup.heads if f"{h.node_id}/accuracy" in val},
            "samples_per_sec": speed_samples / speed_time if speed_time > 0 else None,
            # the same span in this process's CPU time (every thread): what the run cost, whatever else
            # the machine was doing (bench/ compares runs on a shared machine with it)
            "cpu_samples_per_sec": speed_samples / speed_cpu if speed_cpu > 0 else None,
            "wall_s": time.perf_counter() - t0,
            "restarts": 0,
            "lost_steps": 0,
            "checkpoint": self.ckpt.manager.latest_checkpoint,
            "weights_digest": self.weights_digest(),
        }

    def _on_row(self, vec: np.ndarray) -> None:
        """Hand one finished step to the observers: from the row thread while its call still runs, or
        from the training thread for a call's last step (after the call returned, so an observer that
        reads the model there reads that step's model). Never from both at once: the training thread
        hands the last step only after :meth:`RowPump.wait`."""
        logs = self.fns.unpack(vec)
        now = time.perf_counter()
        per_step = self._per_step or now - self._row_clock
        self._row_clock = now
        self.step += 1
        self._rows_in_epoch += 1
        self._agreed_stop = self._agreed_stop or logs.pop("_stop") > 0
        logs["step_time"] = per_step
        logs["samples_per_sec"] = self.setup.global_batch / per_step if per_step > 0 else 0.0
        for k in self.setup.loss_metric_names:
            self._sums[k] = self._sums.get(k, 0.0) + logs[k]
        self.step_wall = time.time()
        for o in self.observers:
            o.on_step_end(self, self.step, self.epoch, logs)

    def evaluate(self, epoch: int | None = None) -> dict[str, float]:
        """Validation metrics over the whole val split (empty dict when the split is empty)."""
        metrics, confusion = self.fns.evaluate()
        if not metrics:
            return {}
        results = {"metrics": metrics, "confusion": confusion}
        for o in self.observers:
            o.on_validation_end(self, self.step, self.epoch if epoch is None else epoch, results)
        return metrics

    def _early_stop(self, val: dict[str, float], best: float | None, waited: int) -> tuple[float | None, int, bool]:
        es = self.config.early_stopping
        if es.monitor not in val:
            self.log(f"early_stopping.monitor {es.monitor!r} is not a validation metric; available: {sorted(val)}", "warning")
            return best, waited, False
        value = val[es.monitor]
        maximize = es.mode == "max" or (es.mode == "auto" and "accuracy" in es.monitor)
        better = best is None or (value > best + es.min_delta if maximize else value < best - es.min_delta)
        if better:
            return value, 0, False
        waited += 1
        return best, waited, waited >= es.patience

    def weights_digest(self) -> str:
        """A hash of every weight: equal on all workers of a synchronous run."""
        import hashlib

        h = hashlib.sha256()
        for v in self.model.weights:
            h.update(np.ascontiguousarray(np.asarray(v.numpy())).tobytes())
        return h.hexdigest()

    def close(self) -> None:
        if self.tb is not None:
            self.tb.close()
