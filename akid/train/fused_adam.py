"""Adam's update as one fused kernel per variable, when that is exactly Keras' Adam.

Why: Keras 3's Adam updates each variable with ~10 element-wise graph ops
(each allocating a temporary the size of the variable: ``m``, ``v``, ``alpha``,
the square, the division...). On a CPU those dominate small models' optimizer
time (the cnn's 1,024x64 dense kernel: one ``RealDiv`` of ~0.5 ms per step).
TensorFlow's ``ResourceApplyAdam`` kernel does the same arithmetic in one
sharded pass over the variable:

    alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
    var -= m * alpha / (sqrt(v) + epsilon)

which is Keras' ``Adam.update_step`` term for term (``t`` = iterations + 1,
``epsilon`` outside the square root), so results agree to float rounding.
Anything else Keras' ``apply`` might do (weight decay, clipping, EMA, gradient
accumulation, loss scaling, AMSGrad, constraints, sparse gradients, several
replicas) keeps the optimizer's own ``apply``: :func:`fused_adam` returns None.

Only large variables (>= :data:`MIN_FUSED_SIZE` elements) take the fused
kernel: measured on the bench models (2-core CPU), the kernel's sharding costs
more than it saves on small ones (the mlp's 8k-16k-element kernels got ~20 %
slower per step), while the cnn's 65k-element dense kernel got faster. The
others run Keras' own ``update_step`` (what ``apply`` runs for them under the
default strategy), so one step mixes both and stays Keras' arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

#: Variables with at least this many elements get the fused kernel; smaller ones Keras' own ops.
MIN_FUSED_SIZE = 32_768


def fused_adam(optimizer: Any, variables: Sequence[Any]) -> Callable[[list, list], None] | None:
    """``apply(grads, variables)`` doing ``optimizer.apply``'s work with fused kernels, or None when
    the optimizer is configured beyond plain Adam (then use ``optimizer.apply``)."""
    opt = optimizer
    if type(opt) is not keras.optimizers.Adam:
        return None
    plain = (
        not opt.amsgrad
        and opt.weight_decay is None
        and opt.clipnorm is None
        and opt.clipvalue is None
        and opt.global_clipnorm is None
        and not opt.use_ema
        and not opt.gradient_accumulation_steps
        and opt.loss_scale_factor is None
    )
    if not plain:
        return None
    for v in variables:
        if v.dtype != "float32" or v.constraint is not None or getattr(v, "overwrite_with_gradient", False):
            return None
    if not any(int(np.prod(v.shape)) >= MIN_FUSED_SIZE for v in variables):
        return None

    def apply(grads: list, variables: list) -> None:
        if any(isinstance(g, tf.IndexedSlices) for g in grads):  # sparse: Keras' own path
            opt.apply(grads, variables)
            return
        lr = tf.cast(opt.learning_rate, tf.float32)  # the schedule's value at this step, as Keras reads it
        t = tf.cast(opt.iterations + 1, tf.float32)
        b1, b2 = tf.constant(opt.beta_1, tf.float32), tf.constant(opt.beta_2, tf.float32)
        b1_power, b2_power = tf.pow(b1, t), tf.pow(b2, t)
        eps = tf.constant(opt.epsilon, tf.float32)
        for g, var in zip(grads, variables):
            if int(np.prod(var.shape)) < MIN_FUSED_SIZE:
                opt.update_step(g, var, lr)
                continue
            i = opt._get_variable_index(var)
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle,
                m=opt._momentums[i].handle,
                v=opt._velocities[i].handle,
                beta1_power=b1_power,
                beta2_power=b2_power,
                lr=lr,
                beta1=b1,
                beta2=b2,
                epsilon=eps,
                grad=tf.cast(g, tf.float32),
            )
        opt.iterations.assign_add(1)

    return apply
