"""The compiled step functions: train (distributed), evaluate and histogram gradients.

One train step: ``strategy.run`` computes per-replica losses, gradients and
metric sums; gradients are all-reduced *before* the global norm is measured and
clipped (the optimizer's own clipping would see only a replica's partial
gradient); ``strategy.reduce`` packs every scalar, plus the stop flag, into one
vector. Summing the stop flag across workers is how every worker agrees to stop
after the same step.

Several steps per call (:meth:`StepFunctions.train_steps`): one ``tf.function``
draws ``n`` batches from the dataset iterator *inside the graph* and runs ``n``
steps in a ``tf.while_loop``. A call then costs one Python round trip for ``n``
steps (Keras' ``steps_per_execution``), instead of a Python ``next()``, a
function dispatch and a sync per step. Each step but the last publishes its
packed vector on :attr:`StepFunctions.rows` as it ends (see
:mod:`akid.train.rowpump`); the last one is returned by the call. ``n`` is a tensor argument, so one trace
serves every chunk length (two in all: with and without the last step's
gradients, see :meth:`StepFunctions._train_steps`). Each call also sums a per-worker *proposal* for the
next chunk length, so multi-worker runs agree on it without another collective.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from akid.train.config import TrainConfig
from akid.train.objectives import confusion, metric_terms, sample_loss, sample_metric
from akid.train.rowpump import enqueue_row, make_queue

SUM = tf.distribute.ReduceOp.SUM


class StepFunctions:
    def __init__(self, setup, strategy: tf.distribute.Strategy, cfg: TrainConfig):
        self.setup, self.strategy, self.cfg = setup, strategy, cfg
        self.model, self.optimizer, self.heads = setup.model, setup.optimizer, setup.heads
        self.multi_worker = setup.sensor.num_shards > 1
        # vector layout: total, per head [loss, metrics...], count, grad_norm, lr, stop
        self.names = setup.loss_metric_names
        #: Where every step of a call but the last publishes its packed vector (see akid.train.rowpump).
        self.rows = make_queue(len(self.names) + 4)
        self._flags = (tf.constant(0.0), tf.constant(1.0))
        forward = tf.function(self._forward, jit_compile=True) if cfg.jit_compile else self._forward
        self._forward_fn = forward
        # autograph off: the steps hold no tensor-dependent Python control flow, and
        # converting every block's call() made tracing take seconds.
        self._train = tf.function(self._train_step, autograph=False)
        self._train_loop = tf.function(self._train_steps, autograph=False)
        self._n_consts: dict[int, tf.Tensor] = {}
        self._eval = tf.function(self._eval_step, autograph=False)
        self._step_grads: list[tf.Tensor] | None = None
        #: Set by the Kid when an observer reads gradients (then the variant that returns them is traced early).
        self.wants_grads = False
        self._grads_traced = False
        self.grad_names: list[tuple[str, str]] = []
        self._grads = None  # traced on first use with a batch-agnostic signature (see local_gradients)
        self._val_sensor = None
        self._unpack_plan = self._plan_unpack()

    # ---- data ----------------------------------------------------------
    def train_dataset(self, epoch: int, skip: int, until_epoch: int | None = None):
        """Training batches from batch ``skip`` of ``epoch`` to the end of epoch ``until_epoch`` - 1 (default:
        that epoch only), in one pipeline (see :meth:`akid.data.sensor.Sensor.stream`), distributed as the
        strategy needs."""
        sensor, per_epoch = self.setup.sensor, self.setup.steps_per_epoch
        until = epoch + 1 if until_epoch is None else until_epoch
        make = lambda: sensor.stream(epoch=epoch, skip_batches=skip, until_epoch=until, batches_per_epoch=per_epoch)
        if self.multi_worker:
            return self.strategy.distribute_datasets_from_function(lambda ctx: make())
        ds = make()
        if self.strategy.num_replicas_in_sync > 1:
            return self.strategy.experimental_distribute_dataset(ds)
        return ds

    # ---- train -----------------------------------------------------------
    def _forward(self, x, y):
        with tf.GradientTape() as tape:
            out = self.model(x, training=True)
            head_losses, metric_sums = [], []
            for h in self.heads:
                per = sample_loss(h, y[h.node_id], out[h.node_id])
                head_losses.append(tf.nn.compute_average_loss(per))
                metric_sums.append([tf.reduce_sum(sample_metric(h, m, y[h.node_id], out[h.node_id])) for m in h.metrics])
            total = tf.add_n([h.weight * loss for h, loss in zip(self.heads, head_losses)])
            if self.model.losses:
                total += tf.nn.scale_regularization_loss(tf.add_n(self.model.losses))
            scaled = self.optimizer.scale_loss(total) if self.setup.mixed_precision else total
        tvars = self.model.trainable_variables
        grads = tape.gradient(scaled, tvars)
        count = tf.cast(tf.shape(per)[0], tf.float32)
        return total, head_losses, metric_sums, count, grads

    def _replica_step(self, x, y, stop, with_grads: bool = False):
        total, head_losses, metric_sums, count, grads = self._forward_fn(x, y)
        tvars = self.model.trainable_variables
        ctx = tf.distribute.get_replica_context()
        n = ctx.num_replicas_in_sync
        pairs = [(g, v) for g, v in zip(grads, tvars) if g is not None]
        grads = [g for g, _ in pairs]
        if n > 1:
            grads = ctx.all_reduce(SUM, grads)
        scale = tf.cast(self.optimizer.dynamic_scale, tf.float32) if self.setup.mixed_precision else 1.0
        norm = tf.linalg.global_norm(grads) / scale
        if with_grads:  # the step's own (all-reduced, unclipped) gradients, for histograms
            by_var = {id(v): g for g, (_, v) in zip(grads, pairs)}
            self.grad_names = [(nid, name) for nid, name, v in self.setup.named_weights if id(v) in by_var]
            unscale = (lambda g: g / scale) if self.setup.mixed_precision else (lambda g: g)
            step_grads = [unscale(by_var[id(v)]) for _, _, v in self.setup.named_weights if id(v) in by_var]
        if self.cfg.clip_norm:
            grads, _ = tf.clip_by_global_norm(grads, self.cfg.clip_norm * scale, use_norm=norm * scale)
        if n > 1:  # the optimizer all-reduces (sums) again: hand it 1/n of the already reduced sum
            grads = [g / n for g in grads]
        self.optimizer.apply(grads, [v for _, v in pairs])
        lr = tf.cast(self.optimizer.learning_rate, tf.float32)
        parts = [total]
        for loss, ms in zip(head_losses, metric_sums):
            parts.append(loss)
            parts.extend(ms)
        parts += [count, norm / n, lr / n, stop / n]
        vec = tf.stack([tf.cast(p, tf.float32) for p in parts])
        return (vec, step_grads) if with_grads else vec

    def _train_step(self, x, y, stop, with_grads: bool = False):
        if not with_grads:
            vec = self.strategy.run(self._replica_step, args=(x, y, stop))
            return self.strategy.reduce(SUM, vec, axis=None)
        vec, grads = self.strategy.run(self._replica_step, args=(x, y, stop), kwargs={"with_grads": True})
        local = lambda t: self.strategy.experimental_local_results(t)[0]
        return self.strategy.reduce(SUM, vec, axis=None), [local(g) for g in grads]

    def train(self, x, y, stop: bool) -> np.ndarray:
        """One step on a batch given from Python (tests, notebooks)."""
        return self._train(x, y, self._flags[int(stop)]).numpy()

    def _train_steps(self, iterator, n, stop, proposal, with_grads: bool = False):
        """``n`` >= 1 steps on the next ``n`` batches of ``iterator``; the first ``n`` - 1 publish their
        vectors on :attr:`rows`; returns (the last step's vector, agreed proposal, last x, last y[, the
        last step's gradients]).

        The last step runs after the loop so that its batch (and gradients) can be
        returned without carrying them through the loop, and so that the host hands
        it to observers only once the call has returned: an observer that reads the
        model at that step reads the model of that step. ``with_grads`` is a Python
        bool, so there are two traces: only a call that ends at a histogram step
        returns the gradients the step computed anyway (no extra forward/backward
        pass); every other call returns nothing more than its scalars.
        ``parallel_iterations=1``: steps update variables and read the iterator, so
        they must not overlap.
        """

        def body(i):
            x, y = iterator.get_next()
            with tf.control_dependencies([enqueue_row(self.rows, self._train_step(x, y, stop))]):
                return (i + 1,)

        tf.while_loop(lambda i: i < n - 1, body, (tf.constant(0),), parallel_iterations=1)
        x, y = iterator.get_next()
        if with_grads:
            vec, grads = self._train_step(x, y, stop, with_grads=True)
        else:
            vec, grads = self._train_step(x, y, stop), []
        agreed = self.strategy.reduce(SUM, self.strategy.run(lambda p: tf.identity(p), args=(proposal,)), axis=None)
        local = lambda t: self.strategy.experimental_local_results(t)[0]
        return vec, agreed, tf.nest.map_structure(local, x), tf.nest.map_structure(local, y), grads

    def train_steps(self, iterator, n: int, stop: bool, proposal: int, with_grads: bool = False) -> tuple[np.ndarray, int, Any]:
        """Run ``n`` steps in one call: the first ``n`` - 1 steps' packed vectors go to :attr:`rows` as
        they end; returns the last step's vector, the next chunk length every worker agreed on (the
        mean of the proposals, rounded down) and the last step's local batch ``(x, y)``.
        With ``with_grads`` the last step's gradients are kept (as tensors) for :meth:`last_gradients`;
        without, there are none until the next such call.

        The first call also traces the gradient-returning variant when :attr:`wants_grads` is set, so
        the first histogram step does not pause training (and the live stream) to trace."""
        args = (iterator, self._const(n), self._flags[int(stop)], tf.constant(float(proposal)))
        if self.wants_grads and not self._grads_traced:
            self._train_loop.get_concrete_function(*args, True)
            self._grads_traced = True
        vec, agreed, x, y, grads = self._train_loop(*args, with_grads)
        self._step_grads = grads if with_grads else None
        workers = self.strategy.num_replicas_in_sync
        return vec.numpy(), max(1, int(float(agreed) / workers)), (x, y)

    def last_gradients(self) -> list[tuple[str, str, np.ndarray]] | None:
        """``(node_id, variable name, gradient)`` of the last step :meth:`train_steps` ran (the gradients
        it applied: all-reduced, before clipping), or None when that call did not keep them."""
        if self._step_grads is None:
            return None
        return [(nid, name, g.numpy()) for (nid, name), g in zip(self.grad_names, self._step_grads)]

    def _const(self, n: int) -> tf.Tensor:
        t = self._n_consts.get(n)
        if t is None:
            t = self._n_consts[n] = tf.constant(n, tf.int32)
        return t

    def unpack(self, vec: np.ndarray) -> dict[str, float]:
        """Packed vector -> named scalars (metric sums divided by the sample count).

        Runs once per step on the row thread, so it is plain Python over one list (~2 us; NumPy
        column arithmetic cost ~50 us for a single row)."""
        values = np.asarray(vec, dtype=np.float64).tolist()
        count = values[-4] or 1.0
        return {name: values[i] / count if per_sample else values[i] for name, i, per_sample in self._unpack_plan}

    def _plan_unpack(self) -> list[tuple[str, int, bool]]:
        """(name, column, divided by the sample count) for :meth:`unpack`, in the packed vector's order."""
        plan, i = [("loss", 0, False)], 1
        for h in self.heads:
            plan.append((f"{h.node_id}/loss", i, False))
            i += 1
            for m in h.metrics:
                plan.append((f"{h.node_id}/{m}", i, True))
                i += 1
        width = len(self.names) + 4
        plan += [("grad_norm", width - 3, False), ("lr", width - 2, False), ("_stop", width - 1, False)]
        return plan

    def all_workers_agree(self, value: int) -> bool:
        """Whether every replica holds the same ``value`` (one small collective)."""
        local = tf.constant(float(value))
        fn = tf.function(
            lambda: self.strategy.reduce(SUM, self.strategy.run(lambda: tf.identity(local)), axis=None), autograph=False
        )
        return float(fn().numpy()) == float(value) * self.strategy.num_replicas_in_sync

    # ---- evaluate --------------------------------------------------------
    def _eval_step(self, x, y):
        out = self.model(x, training=False)
        sums, confs = [], []
        for h in self.heads:
            yt, p = y[h.node_id], out[h.node_id]
            sums.append(tf.reduce_sum(sample_loss(h, yt, p)))
            # masked heads: metrics are divided by their own weight (real steps), not the sample count
            metric_sums, metric_weight = metric_terms(h, yt, p)
            sums.extend([*metric_sums, metric_weight])
            if self.cfg.observers.confusion and h.num_classes:
                confs.append(confusion(h, yt, p))
        first = next(iter(x.values()))
        return tf.stack(sums), tf.cast(tf.shape(first)[0], tf.float32), confs

    def evaluate(self) -> tuple[dict[str, float], dict[str, np.ndarray]]:
        """Metrics over the full val split on this worker (no collectives: workers hold equal weights)."""
        sensor = self.setup.sensor
        if sensor.source.sizes()["val"] == 0:
            return {}, {}
        if sensor.num_shards == 1:
            ds = sensor.dataset("val")
        else:
            if self._val_sensor is None:
                self._val_sensor = _full_val(sensor)
            ds = self._val_sensor.dataset("val")
        total, count, confs = None, 0.0, None
        for x, y in ds:
            s, c, cm = self._eval(x, y)
            s, cm = s.numpy(), [m.numpy() for m in cm]
            total = s if total is None else total + s
            confs = cm if confs is None else [a + b for a, b in zip(confs, cm)]
            count += float(c)
        if not count:
            return {}, {}
        metrics, i, weighted = {}, 0, 0.0
        for h in self.heads:
            metrics[f"{h.node_id}/loss"] = float(total[i]) / count
            weighted += h.weight * metrics[f"{h.node_id}/loss"]
            i += 1
            metric_weight = float(total[i + len(h.metrics)]) or 1.0  # see metric_terms
            for m in h.metrics:
                metrics[f"{h.node_id}/{m}"] = float(total[i]) / metric_weight
                i += 1
            i += 1
        metrics = {"loss": weighted, **metrics}
        conf_heads = [h for h in self.heads if self.cfg.observers.confusion and h.num_classes]
        return metrics, {h.node_id: m for h, m in zip(conf_heads, confs or [])}

    # ---- gradients for histograms -------------------------------------
    def _grad_step(self, x, y):
        with tf.GradientTape() as tape:
            out = self.model(x, training=False)
            loss = tf.add_n([h.weight * tf.reduce_mean(sample_loss(h, y[h.node_id], out[h.node_id])) for h in self.heads])
        return tape.gradient(loss, [v for _, _, v in self.setup.named_weights])

    def local_gradients(self, x, y) -> list[Any]:
        """Gradients of this worker's part of a batch (inference mode: no BatchNorm updates)."""
        local = lambda t: self.strategy.experimental_local_results(t)[0]
        x, y = tf.nest.map_structure(local, x), tf.nest.map_structure(local, y)
        if self._grads is None:
            # Any batch size, one trace: the first call (on the probe batch, before the
            # first step) pays for tracing, not a timed training step.
            relaxed = lambda t: tf.TensorSpec([None, *t.shape[1:]], t.dtype)
            self._grads = tf.function(
                self._grad_step,
                autograph=False,
                input_signature=[tf.nest.map_structure(relaxed, x), tf.nest.map_structure(relaxed, y)],
            )
        return [None if g is None else g.numpy() for g in self._grads(x, y)]


def _full_val(sensor):
    """Every worker validates on the whole val split (its sensor only holds its shard)."""
    from akid.data.sensor import Sensor

    return Sensor(
        sensor.source,
        bindings=sensor.bindings,
        batch_size=max(sensor.batch_size, 64),
        jokers=sensor.jokers,
        seed=sensor.seed,
        shuffle=False,
    )
