"""Kong fu: how a Kid learns — optimizers and learning-rate schedules.

Schedules are ``keras.optimizers.schedules.LearningRateSchedule`` objects so the
optimizer evaluates them from its own iteration counter: the learning rate is
then part of the optimizer state in a checkpoint and a resumed run continues
the schedule where it stopped instead of warming up again.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from akid.train.config import OptimizerConfig, ScheduleConfig


@keras.saving.register_keras_serializable(package="akid")
class WarmupSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up from 0 to ``peak`` over ``warmup_steps``, then ``after`` (or constant).

    Warm-up keeps Adam's first steps small while its moment estimates are noisy,
    which is what lets larger peak learning rates work.
    """

    def __init__(self, peak: float, warmup_steps: int, after: keras.optimizers.schedules.LearningRateSchedule | None = None):
        self.peak = float(peak)
        self.warmup_steps = int(warmup_steps)
        self.after = after

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        warm = float(max(self.warmup_steps, 1))
        ramp = self.peak * tf.minimum((step + 1.0) / warm, 1.0)
        if self.after is None:
            return ramp
        rest = self.after(tf.maximum(step - float(self.warmup_steps), 0.0))
        return tf.where(step < float(self.warmup_steps), ramp, rest)

    def get_config(self) -> dict:
        return {
            "peak": self.peak,
            "warmup_steps": self.warmup_steps,
            "after": keras.saving.serialize_keras_object(self.after) if self.after is not None else None,
        }

    @classmethod
    def from_config(cls, config: dict) -> WarmupSchedule:
        after = config.get("after")
        return cls(config["peak"], config["warmup_steps"], keras.saving.deserialize_keras_object(after) if after else None)


def make_schedule(cfg: ScheduleConfig, learning_rate: float, total_steps: int):
    """The learning rate as a float (constant) or a LearningRateSchedule over ``total_steps``."""
    total_steps = max(int(total_steps), 1)
    if cfg.name == "constant":
        return float(learning_rate)
    if cfg.name == "step":
        return keras.optimizers.schedules.ExponentialDecay(
            learning_rate, decay_steps=cfg.step_size, decay_rate=cfg.gamma, staircase=True
        )
    if cfg.name == "cosine":
        return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total_steps, alpha=cfg.alpha)
    if cfg.name == "warmup":
        return WarmupSchedule(learning_rate, cfg.warmup_steps)
    if cfg.name == "warmup_cosine":
        rest = max(total_steps - cfg.warmup_steps, 1)
        return WarmupSchedule(
            learning_rate,
            cfg.warmup_steps,
            keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=rest, alpha=cfg.alpha),
        )
    raise ValueError(f"unknown schedule {cfg.name!r}")


def make_optimizer(
    cfg: OptimizerConfig, schedule: ScheduleConfig, total_steps: int, clip_norm: float | None = None
) -> keras.optimizers.Optimizer:
    """Build the optimizer. Call inside ``strategy.scope()`` so its slots are distributed.

    Gradient clipping is done by :class:`~akid.train.kid.Kid` on the
    all-reduced gradients (the optimizer's own ``global_clipnorm`` would clip
    each replica's partial gradient), so ``clip_norm`` is not passed here.
    """
    lr = make_schedule(schedule, cfg.learning_rate, total_steps)
    wd = cfg.weight_decay or None
    if cfg.name == "adam":
        return keras.optimizers.Adam(learning_rate=lr, weight_decay=wd)
    if cfg.name == "adamw":
        return keras.optimizers.AdamW(learning_rate=lr, weight_decay=cfg.weight_decay or 0.004)
    if cfg.name == "sgd":
        return keras.optimizers.SGD(learning_rate=lr, momentum=cfg.momentum, weight_decay=wd)
    if cfg.name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=lr, momentum=cfg.momentum, weight_decay=wd)
    raise ValueError(f"unknown optimizer {cfg.name!r}")
