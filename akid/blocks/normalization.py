"""Normalisation layers."""
from __future__ import annotations

import keras
from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, prod, single_input
from akid.blocks.registry import register_block


@register_block
class BatchNorm(Block):
    """Batch normalisation over the last (channel) axis."""

    type_name = "BatchNorm"
    category = "normalization"
    key_params = ("momentum",)

    class Params(BlockParams):
        momentum: float = Field(default=0.99, gt=0.0, lt=1.0, description="Moving-average momentum.")
        epsilon: float = Field(default=1e-3, gt=0.0, le=1.0)

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = keras.layers.BatchNormalization(momentum=self.p.momentum, epsilon=self.p.epsilon, name="bn")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if shape[-1] is None:
            raise cls.shape_error(f"the last axis must be known. Received: shape={list(shape)}", node_id)
        return Inference({"out": shape}, params=4 * shape[-1], flops=2 * (prod(shape) or 0))

    def call(self, inputs, training=None):
        return self.inner(inputs, training=training)


@register_block
class LayerNorm(Block):
    """Layer normalisation over the last axis."""

    type_name = "LayerNorm"
    category = "normalization"

    class Params(BlockParams):
        epsilon: float = Field(default=1e-3, gt=0.0, le=1.0)

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = keras.layers.LayerNormalization(epsilon=self.p.epsilon, name="ln")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if shape[-1] is None:
            raise cls.shape_error(f"the last axis must be known. Received: shape={list(shape)}", node_id)
        return Inference({"out": shape}, params=2 * shape[-1], flops=5 * (prod(shape) or 0))

    def call(self, inputs):
        return self.inner(inputs)
