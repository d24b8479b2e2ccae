"""Core blocks: graph boundaries, dense layers, reshaping, activations, dropout."""
from __future__ import annotations

from typing import Literal

import keras
from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, PortSpec, prod, single_input
from akid.blocks.registry import register_block

LOSSES = Literal[
    "sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mse", "mae", "huber",
]
METRICS = Literal["accuracy", "mae", "mse", "top5_accuracy"]
ACTIVATIONS = Literal["linear", "relu", "sigmoid", "tanh", "softmax", "gelu", "elu", "selu", "swish"]


@register_block
class Input(Block):
    """A graph input, bound to the data set's feature of the same name."""

    type_name = "Input"
    category = "io"
    input_spec_ports = ()
    key_params = ("shape", "feature")

    class Params(BlockParams):
        shape: list[int] = Field(default=[8, 8, 1], min_length=1, max_length=4, description="Sample shape, batch excluded.")
        feature: str = Field(default="image", min_length=1, max_length=64, description="Data set feature fed here.")
        dtype: Literal["float32", "int32"] = Field(default="float32", description="int32 for token ids (Embedding).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        for i, d in enumerate(params.shape):
            if d < 1:
                raise cls.shape_error(f"every dimension of shape must be >= 1. Received: shape={params.shape}", node_id, port=None, param="shape", code="bad_param")
        return Inference({"out": tuple(params.shape)})

    def call(self, inputs):
        return inputs


@register_block
class Output(Block):
    """A graph output: the prediction compared with the data set's target of the same name."""

    type_name = "Output"
    category = "io"
    output_spec_ports = ()
    key_params = ("target", "loss")

    class Params(BlockParams):
        target: str = Field(default="label", min_length=1, max_length=64, description="Data set target predicted here.")
        loss: LOSSES = Field(default="sparse_categorical_crossentropy", description="Loss against the target.")
        from_logits: bool = Field(default=True, description="Whether the incoming values are logits.")
        metrics: list[METRICS] = Field(default=["accuracy"], description="Metrics reported for this output.")
        weight: float = Field(default=1.0, ge=0.0, le=1000.0, description="Weight of this output's loss.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        return Inference({"result": single_input(inputs)})

    def call(self, inputs):
        return inputs


@register_block
class Dense(Block):
    """Fully connected layer on the last axis."""

    type_name = "Dense"
    category = "core"
    key_params = ("units", "activation")

    class Params(BlockParams):
        units: int = Field(default=10, ge=1, le=65536, description="Output features.")
        activation: ACTIVATIONS = Field(default="linear", description="Applied after the affine map.")
        use_bias: bool = True

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = keras.layers.Dense(self.p.units, activation=self.p.activation, use_bias=self.p.use_bias, name="dense")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if shape[-1] is None:
            raise cls.shape_error(f"the last axis must be known. Received: shape={list(shape)}", node_id)
        n = shape[-1] * params.units + (params.units if params.use_bias else 0)
        positions = prod(shape[:-1]) or 1
        return Inference({"out": shape[:-1] + (params.units,)}, params=n, flops=2 * shape[-1] * params.units * positions)

    def call(self, inputs):
        return self.inner(inputs)


@register_block
class Flatten(Block):
    """Collapse every axis but the batch into one."""

    type_name = "Flatten"
    category = "reshape"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        return Inference({"out": (prod(single_input(inputs)),)})

    def call(self, inputs):
        # A static size keeps the output shape known when tracing symbolically
        # (a dynamic batch * -1 reshape loses it and Dense can no longer build).
        size = prod(inputs.shape[1:])
        if size is not None:
            return keras.ops.reshape(inputs, (-1, size))
        return keras.ops.reshape(inputs, (keras.ops.shape(inputs)[0], -1))


@register_block
class Reshape(Block):
    """Reshape the sample (batch excluded); one dimension may be -1."""

    type_name = "Reshape"
    category = "reshape"
    key_params = ("target_shape",)

    class Params(BlockParams):
        target_shape: list[int] = Field(default=[-1], min_length=1, max_length=4, description="New sample shape; -1 infers one axis.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        total = prod(shape)
        target = list(params.target_shape)
        if target.count(-1) > 1 or any(d == 0 or d < -1 for d in target):
            raise cls.shape_error(f"target_shape needs positive sizes and at most one -1. Received: target_shape={target}", node_id, param="target_shape", code="bad_param")
        known = prod([d for d in target if d != -1])
        if total is not None:
            if -1 in target:
                if total % known:
                    raise cls.shape_error(f"cannot reshape {list(shape)} ({total} values) into {target}. Received: shape={list(shape)}", node_id, param="target_shape")
                target[target.index(-1)] = total // known
            elif known != total:
                raise cls.shape_error(f"cannot reshape {list(shape)} ({total} values) into {target} ({known} values). Received: shape={list(shape)}", node_id, param="target_shape")
        return Inference({"out": tuple(None if d == -1 else d for d in target)})

    def call(self, inputs):
        target = list(self.p.target_shape)
        size = prod(inputs.shape[1:])
        if -1 in target and size is not None:  # resolve -1 statically: keeps the shape known
            target[target.index(-1)] = size // (prod([d for d in target if d != -1]) or 1)
        if -1 not in target:
            return keras.ops.reshape(inputs, (-1, *target))
        return keras.ops.reshape(inputs, (keras.ops.shape(inputs)[0], *target))


class _Activation(Block):
    category = "activation"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape}, flops=prod(shape) or 0)


def _activation(type_name: str, doc: str, fn):
    cls = type(type_name, (_Activation,), {"type_name": type_name, "__doc__": doc, "call": lambda self, x: fn(x)})
    cls.__module__ = __name__
    return register_block(cls)


ReLU = _activation("ReLU", "Rectified linear unit: max(x, 0).", keras.ops.relu)
Sigmoid = _activation("Sigmoid", "Logistic sigmoid.", keras.ops.sigmoid)
Tanh = _activation("Tanh", "Hyperbolic tangent.", keras.ops.tanh)


@register_block
class Softmax(Block):
    """Softmax along an axis (the last by default)."""

    type_name = "Softmax"
    category = "activation"

    class Params(BlockParams):
        axis: int = Field(default=-1, ge=-4, le=3, description="Axis normalised (batch excluded counts from 0 at the first sample axis).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        _check_axis(cls, shape, params.axis, node_id)
        return Inference({"out": shape}, flops=3 * (prod(shape) or 0))

    def call(self, inputs):
        return keras.ops.softmax(inputs, axis=_keras_axis(self.p.axis))


@register_block
class Dropout(Block):
    """Randomly zero a fraction ``rate`` of values while training."""

    type_name = "Dropout"
    category = "regularization"
    key_params = ("rate",)

    class Params(BlockParams):
        rate: float = Field(default=0.5, ge=0.0, lt=1.0, description="Fraction of units dropped.")
        seed: int | None = Field(default=None, description="Seed for reproducible masks.")

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = keras.layers.Dropout(self.p.rate, seed=self.p.seed, name="dropout")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        return Inference({"out": single_input(inputs)})

    def call(self, inputs, training=None):
        return self.inner(inputs, training=training)


@register_block
class Embedding(Block):
    """Map integer ids to dense vectors."""

    type_name = "Embedding"
    category = "core"
    key_params = ("input_dim", "output_dim")

    class Params(BlockParams):
        input_dim: int = Field(default=1000, ge=1, le=10_000_000, description="Vocabulary size.")
        output_dim: int = Field(default=32, ge=1, le=65536, description="Vector size.")

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = keras.layers.Embedding(self.p.input_dim, self.p.output_dim, name="embedding")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape + (params.output_dim,)}, params=params.input_dim * params.output_dim)

    def call(self, inputs):
        return self.inner(keras.ops.cast(inputs, "int32"))


def _keras_axis(axis: int) -> int:
    """Sample axes (batch excluded) to Keras axes (batch included)."""
    return axis if axis < 0 else axis + 1


def _check_axis(cls, shape, axis: int, node_id, port: str = "in") -> int:
    rank = len(shape)
    if not -rank <= axis < rank:
        raise cls.shape_error(f"axis {axis} is out of range for rank {rank}. Received: shape={list(shape)}", node_id, port=port, param="axis", code="bad_param")
    return axis % rank
