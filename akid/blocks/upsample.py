"""Growing images back: transposed convolution and upsampling (decoders, autoencoders)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, TrainableParams, single_input
from akid.blocks.conv import CHANNELS_LAST, _known_channels
from akid.blocks.keras_map import KerasMap, as_tuple, opt, short
from akid.blocks.params import Activation, Padding, Size2, pair
from akid.blocks.registry import register_block


def transposed_len(n: int | None, k: int, s: int, padding: str) -> int | None:
    """Keras' ``deconv_output_length`` without output_padding or dilation."""
    if n is None:
        return None
    return n * s if padding == "same" else n * s + max(k - s, 0)


def _rank3(cls, shape, node_id) -> None:
    if len(shape) != 3:
        raise cls.shape_error(f"expects a rank-3 sample (height, width, channels). Received: shape={list(shape)}", node_id)


@register_block
class Conv2DTranspose(Block):
    """Transposed 2-D convolution: the learned upsampling of decoders (output grows by strides)."""

    type_name = "Conv2DTranspose"
    category = "conv"
    key_params = ("filters", "kernel_size", "strides", "padding")
    keras = KerasMap(
        "Conv2DTranspose",
        (
            opt("filters"),
            opt("kernel_size", to_keras=as_tuple, from_keras=short),
            opt("strides", to_keras=as_tuple, from_keras=short),
            opt("padding"),
            opt("activation"),
            opt("use_bias"),
        ),
        inner="conv",
        fixed={**CHANNELS_LAST, "output_padding": (None,), "dilation_rate": (1, (1, 1))},
    )

    class Params(TrainableParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: Size2 = Field(default=3, description="Window size: one int or [h, w].")
        strides: Size2 = Field(default=1, description="Upsampling step: one int or [h, w].")
        padding: Padding = Field(default="valid", description="'same': the output is exactly input x strides.")
        activation: Activation = "linear"
        use_bias: bool = True

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        _rank3(cls, shape, node_id)
        k, s = pair(params.kernel_size, 2), pair(params.strides, 2)
        cin = _known_channels(cls, shape, node_id)
        out = tuple(transposed_len(n, kk, ss, params.padding) for n, kk, ss in zip(shape[:2], k, s))
        n = k[0] * k[1] * cin * params.filters + (params.filters if params.use_bias else 0)
        positions = (shape[0] or 1) * (shape[1] or 1)
        return Inference({"out": out + (params.filters,)}, params=n, flops=2 * k[0] * k[1] * cin * params.filters * positions)


@register_block
class UpSampling2D(Block):
    """Repeat (nearest) or interpolate (bilinear) rows and columns: the image grows by ``size``."""

    type_name = "UpSampling2D"
    category = "reshape"
    key_params = ("size",)
    keras = KerasMap(
        "UpSampling2D",
        (opt("size", to_keras=as_tuple, from_keras=short), opt("interpolation")),
        inner="up",
        fixed=CHANNELS_LAST,
    )

    class Params(BlockParams):
        size: Size2 = Field(default=2, description="Growth factor: one int or [h, w].")
        interpolation: Literal["nearest", "bilinear"] = Field(default="nearest", description="How new pixels are filled.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        _rank3(cls, shape, node_id)
        s = pair(params.size, 2)
        h, w, c = shape
        return Inference({"out": (None if h is None else h * s[0], None if w is None else w * s[1], c)})
