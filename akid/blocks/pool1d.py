"""Pooling over the steps of a sequence: (steps, features) -> (features,).

``GlobalAvgPool1D`` honours a mask as Keras does (the mean over the real steps only, padding
left out), which makes ``Embedding(mask_zero=true) > GlobalAvgPool1D > Dense`` Keras' classic
text classifier; ``GlobalMaxPool1D`` ignores masks, as Keras' does.
"""

from __future__ import annotations

from pydantic import Field

from akid.blocks.base import BlockParams
from akid.blocks.conv import CHANNELS_LAST, GlobalPool
from akid.blocks.keras_map import KerasMap, opt
from akid.blocks.registry import register_block


class _GlobalPool1D(GlobalPool):
    sample = ("steps", "features")

    class Params(BlockParams):
        keepdims: bool = Field(default=False, description="Keep the steps axis with size 1.")


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
