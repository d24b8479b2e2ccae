"""Pooling over the steps of a sequence: (steps, features) -> (features,).

``GlobalAvgPool1D`` honours a mask as Keras does (the mean over the real steps only, padding
left out), which makes ``Embedding(mask_zero=true) > GlobalAvgPool1D > Dense`` Keras' classic
text classifier; ``GlobalMaxPool1D`` ignores masks, as Keras' does.
"""

from __future__ import annotations

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, prod, single_input
from akid.blocks.conv import CHANNELS_LAST
from akid.blocks.keras_map import KerasMap, opt
from akid.blocks.registry import register_block


class _GlobalPool1D(Block):
    category = "pooling"

    class Params(BlockParams):
        keepdims: bool = Field(default=False, description="Keep the steps axis with size 1.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if len(shape) != 2:
            raise cls.shape_error(f"expects a rank-2 sample (steps, features). Received: shape={list(shape)}", node_id)
        out = (1, shape[-1]) if params.keepdims else (shape[-1],)
        return Inference({"out": out}, flops=prod([d or 1 for d in shape]))


@register_block
class GlobalAvgPool1D(_GlobalPool1D):
    """Mean over the steps (masked steps left out): (steps, c) -> (c,)."""

    type_name = "GlobalAvgPool1D"
    keras = KerasMap("GlobalAveragePooling1D", (opt("keepdims"),), inner="pool", fixed=CHANNELS_LAST)


@register_block
class GlobalMaxPool1D(_GlobalPool1D):
    """Maximum over the steps: (steps, c) -> (c,)."""

    type_name = "GlobalMaxPool1D"
    keras = KerasMap("GlobalMaxPooling1D", (opt("keepdims"),), inner="pool", fixed=CHANNELS_LAST)
