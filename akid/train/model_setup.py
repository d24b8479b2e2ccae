"""Everything a run builds before its first step: model, optimizer, data, heads.

Kept apart from the loop so that :func:`akid.train.api.train` can run the same
checks (graph valid, data bound) in the caller's process before it spawns any
worker: user mistakes surface as AkidError issues, not as a dead worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import tensorflow as tf

from akid.data.sensor import Sensor
from akid.errors import DataError, Issue
from akid.graph.compile import GraphModel, build_model
from akid.train.config import TrainConfig
from akid.train.distribute import WorkerInfo
from akid.train.kongfu import make_optimizer
from akid.train.objectives import Head, heads_from_bindings


@dataclass
class Setup:
    model: GraphModel
    optimizer: keras.optimizers.Optimizer
    sensor: Sensor
    heads: list[Head]
    named_weights: list[tuple[str, str, Any]]
    steps_per_epoch: int
    total_steps: int
    global_batch: int
    mixed_precision: bool = False
    loss_metric_names: list[str] = field(default_factory=list)


def make_sensor(model: GraphModel, cfg: TrainConfig, worker: WorkerInfo) -> tuple[Sensor, int, int]:
    """The sensor of this worker, the global batch size and steps per epoch.

    With several workers each reads its own shard with batch ``batch_size //
    workers`` and every worker runs exactly ``n_train // global_batch`` steps
    per epoch, so no worker waits in a collective for a batch that never comes.
    """
    multi = worker.count > 1
    per_worker = max(1, cfg.batch_size // worker.count) if multi else cfg.batch_size
    global_batch = per_worker * worker.count
    sensor = Sensor(
        cfg.data.model_dump(),
        bindings=model.bindings,
        batch_size=per_worker,
        jokers=[j.model_dump() for j in cfg.jokers],
        seed=cfg.seed,
        num_shards=worker.count,
        shard_index=worker.index,
        drop_remainder=True,
    )
    if multi:
        steps = sensor.source.sizes()["train"] // global_batch
    else:
        steps = sensor.steps_per_epoch("train")
    if cfg.steps_per_epoch:
        steps = min(steps, cfg.steps_per_epoch)
    if steps < 1:
        raise DataError(
            [
                Issue(
                    "empty_split",
                    f"{sensor.source.name}: the training split has {sensor.source.sizes()['train']} samples, "
                    f"fewer than one batch of {global_batch}. Received: batch_size={cfg.batch_size}",
                    param="batch_size",
                )
            ]
        )
    return sensor, global_batch, steps


@contextlib.contextmanager
def _mean_aggregated_state():
    """Non-trainable variables (BatchNorm statistics) average over replicas.

    Keras 3 creates them with aggregation NONE, which tf.distribute refuses to
    assign in replica context with more than one replica.
    """

    def creator(next_creator, **kwargs):
        if not kwargs.get("trainable", True) and kwargs.get("aggregation") in (None, tf.VariableAggregation.NONE):
            kwargs["aggregation"] = tf.VariableAggregation.MEAN
        return next_creator(**kwargs)

    with tf.variable_creator_scope(creator):
        yield


def build_setup(
    graph_doc: dict[str, Any],
    cfg: TrainConfig,
    strategy: tf.distribute.Strategy,
    worker: WorkerInfo,
    log: Callable[..., None] = lambda *a, **k: None,
) -> Setup:
    """Seed, build the model and optimizer under the strategy, bind the data."""
    keras.utils.set_random_seed(cfg.seed)
    mixed = False
    if cfg.mixed_precision:
        if tf.config.list_physical_devices("GPU"):
            mixed = True
        else:
            log("mixed precision needs a GPU; training in float32 on the CPU", "warning")
    if cfg.jit_compile and worker.count > 1:
        log("jit_compile is applied to each worker's forward/backward pass only", "info")
    previous_policy = keras.mixed_precision.global_policy()
    try:
        if mixed:
            keras.mixed_precision.set_global_policy("mixed_float16")
        with strategy.scope(), _mean_aggregated_state():
            model = build_model(graph_doc)
    finally:
        keras.mixed_precision.set_global_policy(previous_policy)
    sensor, global_batch, steps = make_sensor(model, cfg, worker)
    total = steps * cfg.epochs
    with strategy.scope():
        optimizer = make_optimizer(cfg.optimizer, cfg.schedule, total)
        if mixed:
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        optimizer.build(model.trainable_variables)
    heads = heads_from_bindings(model.bindings)
    shared = {n.id for n in model.program.graph.nodes if n.shares}
    named = [  # a shared layer's weights are named once, by their owner
        (nid, v.name, v) for nid, layer in model.program.layers.items() if nid not in shared for v in layer.trainable_weights
    ]
    names = ["loss"]
    for h in heads:
        names.append(f"{h.node_id}/loss")
        names.extend(f"{h.node_id}/{m}" for m in h.metrics)
    return Setup(model, optimizer, sensor, heads, named, steps, total, global_batch, mixed, names)
