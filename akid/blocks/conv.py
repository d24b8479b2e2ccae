"""Convolutions and pooling (channels-last)."""
from __future__ import annotations

from typing import Literal

import keras
from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, single_input
from akid.blocks.core import ACTIVATIONS
from akid.blocks.registry import register_block

Padding = Literal["valid", "same"]


def _out_len(n: int | None, k: int, s: int, padding: str) -> int | None:
    if n is None:
        return None
    return -(-n // s) if padding == "same" else (n - k) // s + 1


def _spatial(cls, shape, kernel, strides, padding, rank: int, node_id, what: str = "kernel_size"):
    if len(shape) != rank + 1:
        raise cls.shape_error(f"expects a rank-{rank + 1} sample ({'length' if rank == 1 else 'height, width'}, channels). Received: shape={list(shape)}", node_id)
    out = []
    for n, k, s in zip(shape[:rank], kernel, strides):
        o = _out_len(n, k, s, padding)
        if o is not None and o < 1:
            raise cls.shape_error(f"{what}={list(kernel)} is larger than the input {list(shape[:rank])} with padding='valid'. Received: shape={list(shape)}", node_id, param=what)
        out.append(o)
    return tuple(out)


def _pair(v: int | list[int], rank: int) -> tuple[int, ...]:
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * rank


class _Conv(Block):
    category = "conv"
    rank = 2
    key_params = ("filters", "kernel_size", "strides", "padding")

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        layer = keras.layers.Conv2D if self.rank == 2 else keras.layers.Conv1D
        self.inner = layer(self.p.filters, self.p.kernel_size, strides=self.p.strides, padding=self.p.padding,
                           activation=self.p.activation, use_bias=self.p.use_bias, name="conv")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k, s = _pair(params.kernel_size, cls.rank), _pair(params.strides, cls.rank)
        spatial = _spatial(cls, shape, k, s, params.padding, cls.rank, node_id)
        cin = shape[-1]
        if cin is None:
            raise cls.shape_error(f"the channel axis must be known. Received: shape={list(shape)}", node_id)
        kvol = 1
        for d in k:
            kvol *= d
        n = kvol * cin * params.filters + (params.filters if params.use_bias else 0)
        positions = 1
        for d in spatial:
            positions *= d or 1
        return Inference({"out": spatial + (params.filters,)}, params=n, flops=2 * kvol * cin * params.filters * positions)

    def call(self, inputs):
        return self.inner(inputs)


@register_block
class Conv2D(_Conv):
    """2-D convolution over (height, width, channels) samples."""

    type_name = "Conv2D"
    rank = 2

    class Params(BlockParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: int | list[int] = Field(default=3, description="Window size: one int or [h, w].")
        strides: int | list[int] = Field(default=1, description="Step: one int or [h, w].")
        padding: Padding = Field(default="valid", description="'same' keeps the size at stride 1.")
        activation: ACTIVATIONS = "linear"
        use_bias: bool = True


@register_block
class Conv1D(_Conv):
    """1-D convolution over (steps, channels) samples."""

    type_name = "Conv1D"
    rank = 1

    class Params(BlockParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: int | list[int] = Field(default=3, description="Window length.")
        strides: int | list[int] = Field(default=1, description="Step.")
        padding: Padding = "valid"
        activation: ACTIVATIONS = "linear"
        use_bias: bool = True


class _Pool2D(Block):
    category = "pooling"
    key_params = ("pool_size", "strides")
    keras_layer = None

    class Params(BlockParams):
        pool_size: int | list[int] = Field(default=2, description="Window: one int or [h, w].")
        strides: int | list[int] | None = Field(default=None, description="Step; defaults to pool_size.")
        padding: Padding = "valid"

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = self.keras_layer(pool_size=self.p.pool_size, strides=self.p.strides, padding=self.p.padding, name="pool")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k = _pair(params.pool_size, 2)
        s = _pair(params.strides if params.strides is not None else params.pool_size, 2)
        spatial = _spatial(cls, shape, k, s, params.padding, 2, node_id, what="pool_size")
        out = spatial + (shape[-1],)
        flops = 1
        for d in out:
            flops *= d or 1
        return Inference({"out": out}, flops=flops * k[0] * k[1])

    def call(self, inputs):
        return self.inner(inputs)


@register_block
class MaxPool2D(_Pool2D):
    """Maximum over spatial windows."""

    type_name = "MaxPool2D"
    keras_layer = keras.layers.MaxPooling2D


@register_block
class AvgPool2D(_Pool2D):
    """Mean over spatial windows."""

    type_name = "AvgPool2D"
    keras_layer = keras.layers.AveragePooling2D


@register_block
class GlobalAvgPool2D(Block):
    """Mean over height and width: (h, w, c) -> (c,)."""

    type_name = "GlobalAvgPool2D"
    category = "pooling"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if len(shape) != 3:
            raise cls.shape_error(f"expects a rank-3 sample (height, width, channels). Received: shape={list(shape)}", node_id)
        return Inference({"out": (shape[-1],)}, flops=(shape[0] or 1) * (shape[1] or 1) * (shape[2] or 1))

    def call(self, inputs):
        return keras.ops.mean(inputs, axis=(1, 2))
