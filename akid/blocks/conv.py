"""Convolutions, pooling, padding and cropping (channels-last)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, TrainableParams, prod, single_input
from akid.blocks.keras_map import KerasMap, as_tuple, opt, short
from akid.blocks.params import Activation, Padding, Size1, Size2, pair
from akid.blocks.registry import register_block

CHANNELS_LAST = {"data_format": ("channels_last", None)}


def out_len(n: int | None, k: int, s: int, padding: str, d: int = 1) -> int | None:
    if n is None:
        return None
    span = (k - 1) * d + 1
    return -(-n // s) if padding == "same" else (n - span) // s + 1


def spatial(cls, shape, kernel, strides, padding, rank: int, node_id, what: str = "kernel_size", dilation=None):
    """Output spatial sizes; a window larger than a 'valid' input is an error naming ``what``."""
    if len(shape) != rank + 1:
        raise cls.shape_error(
            f"expects a rank-{rank + 1} sample ({'length' if rank == 1 else 'height, width'}, channels). Received: shape={list(shape)}",
            node_id,
        )
    dilation = dilation or (1,) * rank
    out = []
    for n, k, s, d in zip(shape[:rank], kernel, strides, dilation):
        o = out_len(n, k, s, padding, d)
        if o is not None and o < 1:
            raise cls.shape_error(
                f"{what}={list(kernel)} is larger than the input {list(shape[:rank])} with padding='valid'. Received: shape={list(shape)}",
                node_id,
                param=what,
            )
        out.append(o)
    return tuple(out)


def _known_channels(cls, shape, node_id) -> int:
    if not shape or shape[-1] is None:
        raise cls.shape_error(f"the channel axis must be known. Received: shape={list(shape)}", node_id)
    return int(shape[-1])


def _no_stride_with_dilation(cls, s, d, node_id) -> None:
    if any(x > 1 for x in s) and any(x > 1 for x in d):
        raise cls.shape_error(
            f"strides > 1 cannot be combined with dilation_rate > 1 (Keras refuses it). Received: strides={list(s)}, dilation_rate={list(d)}",
            node_id,
            port=None,
            param="dilation_rate",
            code="bad_param",
        )


def _conv_keras(cls: str, inner: str, extra: tuple = ()) -> KerasMap:
    return KerasMap(
        cls,
        (
            opt("kernel_size", to_keras=as_tuple, from_keras=short),
            opt("strides", to_keras=as_tuple, from_keras=short),
            opt("padding"),
            opt("dilation_rate", to_keras=as_tuple, from_keras=short),
            opt("activation"),
            opt("use_bias"),
            *extra,
        ),
        inner=inner,
        fixed=CHANNELS_LAST,
    )


class _Conv(Block):
    category = "conv"
    rank = 2
    key_params = ("filters", "kernel_size", "strides", "padding")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k, s, d = pair(params.kernel_size, cls.rank), pair(params.strides, cls.rank), pair(params.dilation_rate, cls.rank)
        _no_stride_with_dilation(cls, s, d, node_id)
        out = spatial(cls, shape, k, s, params.padding, cls.rank, node_id, dilation=d)
        cin = _known_channels(cls, shape, node_id)
        g = params.groups
        if cin % g or params.filters % g:
            raise cls.shape_error(
                f"groups={g} must divide both the input channels ({cin}) and filters ({params.filters}). Received: shape={list(shape)}",
                node_id,
                param="groups",
            )
        kvol = prod(k)
        n = kvol * (cin // g) * params.filters + (params.filters if params.use_bias else 0)
        positions = prod([o or 1 for o in out])
        return Inference({"out": out + (params.filters,)}, params=n, flops=2 * kvol * (cin // g) * params.filters * positions)


@register_block
class Conv2D(_Conv):
    """2-D convolution over (height, width, channels) samples; ``groups`` > 1 is a grouped convolution."""

    type_name = "Conv2D"
    rank = 2
    keras = _conv_keras("Conv2D", "conv", (opt("filters"), opt("groups")))

    class Params(TrainableParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: Size2 = Field(default=3, description="Window size: one int or [h, w].")
        strides: Size2 = Field(default=1, description="Step: one int or [h, w].")
        padding: Padding = Field(default="valid", description="'same' keeps the size at stride 1.")
        activation: Activation = "linear"
        use_bias: bool = True
        dilation_rate: Size2 = Field(default=1, description="Spacing of the kernel taps (atrous convolution).")
        groups: int = Field(default=1, ge=1, le=4096, description="Channel groups convolved separately.")


@register_block
class Conv1D(_Conv):
    """1-D convolution over (steps, channels) samples."""

    type_name = "Conv1D"
    rank = 1
    keras = _conv_keras("Conv1D", "conv", (opt("filters"), opt("groups")))

    class Params(TrainableParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: Size1 = Field(default=3, description="Window length.")
        strides: Size1 = Field(default=1, description="Step.")
        padding: Padding = "valid"
        activation: Activation = "linear"
        use_bias: bool = True
        dilation_rate: Size1 = Field(default=1, description="Spacing of the kernel taps.")
        groups: int = Field(default=1, ge=1, le=4096, description="Channel groups convolved separately.")


@register_block
class DepthwiseConv2D(Block):
    """One spatial filter per input channel (times ``depth_multiplier``): MobileNet's building block."""

    type_name = "DepthwiseConv2D"
    category = "conv"
    key_params = ("kernel_size", "strides", "depth_multiplier")
    keras = _conv_keras("DepthwiseConv2D", "conv", (opt("depth_multiplier"),))

    class Params(TrainableParams):
        kernel_size: Size2 = Field(default=3, description="Window size: one int or [h, w].")
        strides: Size2 = Field(default=1, description="Step: one int or [h, w].")
        padding: Padding = "valid"
        depth_multiplier: int = Field(default=1, ge=1, le=256, description="Output channels per input channel.")
        activation: Activation = "linear"
        use_bias: bool = True
        dilation_rate: Size2 = 1

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k, s, d = pair(params.kernel_size, 2), pair(params.strides, 2), pair(params.dilation_rate, 2)
        _no_stride_with_dilation(cls, s, d, node_id)
        out = spatial(cls, shape, k, s, params.padding, 2, node_id, dilation=d)
        cout = _known_channels(cls, shape, node_id) * params.depth_multiplier
        n = prod(k) * cout + (cout if params.use_bias else 0)
        return Inference({"out": out + (cout,)}, params=n, flops=2 * prod(k) * cout * prod([o or 1 for o in out]))


@register_block
class SeparableConv2D(Block):
    """Depthwise then pointwise (1x1) convolution (Xception)."""

    type_name = "SeparableConv2D"
    category = "conv"
    key_params = ("filters", "kernel_size", "strides")
    keras = _conv_keras("SeparableConv2D", "conv", (opt("filters"), opt("depth_multiplier")))

    class Params(TrainableParams):
        filters: int = Field(default=16, ge=1, le=4096, description="Output channels.")
        kernel_size: Size2 = 3
        strides: Size2 = 1
        padding: Padding = "valid"
        depth_multiplier: int = Field(default=1, ge=1, le=256)
        activation: Activation = "linear"
        use_bias: bool = True
        dilation_rate: Size2 = 1

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k, s, d = pair(params.kernel_size, 2), pair(params.strides, 2), pair(params.dilation_rate, 2)
        _no_stride_with_dilation(cls, s, d, node_id)
        out = spatial(cls, shape, k, s, params.padding, 2, node_id, dilation=d)
        mid = _known_channels(cls, shape, node_id) * params.depth_multiplier
        n = prod(k) * mid + mid * params.filters + (params.filters if params.use_bias else 0)
        positions = prod([o or 1 for o in out])
        return Inference({"out": out + (params.filters,)}, params=n, flops=2 * (prod(k) * mid + mid * params.filters) * positions)


def _pool_post(params: dict) -> dict:
    """Keras writes the default strides (= pool_size) out; akid leaves them empty."""
    if params.get("strides") is not None and short(params["strides"]) == short(params.get("pool_size", 2)):
        params = {**params, "strides": None}
    return params


class _Pool2D(Block):
    category = "pooling"
    key_params = ("pool_size", "strides")

    class Params(BlockParams):
        pool_size: Size2 = Field(default=2, description="Window: one int or [h, w].")
        strides: Size2 | None = Field(default=None, description="Step; defaults to pool_size.")
        padding: Padding = "valid"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        k = pair(params.pool_size, 2)
        s = pair(params.strides if params.strides is not None else params.pool_size, 2)
        out = spatial(cls, shape, k, s, params.padding, 2, node_id, what="pool_size") + (shape[-1],)
        return Inference({"out": out}, flops=prod([d or 1 for d in out]) * k[0] * k[1])


def _pool_keras(cls: str) -> KerasMap:
    return KerasMap(
        cls,
        (
            opt("pool_size", to_keras=as_tuple, from_keras=short),
            opt("strides", to_keras=as_tuple, from_keras=short),
            opt("padding"),
        ),
        inner="pool",
        fixed=CHANNELS_LAST,
        post_import=_pool_post,
    )


@register_block
class MaxPool2D(_Pool2D):
    """Maximum over spatial windows."""

    type_name = "MaxPool2D"
    keras = _pool_keras("MaxPooling2D")


@register_block
class AvgPool2D(_Pool2D):
    """Mean over spatial windows."""

    type_name = "AvgPool2D"
    keras = _pool_keras("AveragePooling2D")


class GlobalPool(Block):
    """Pooling over every axis of a sample but the channels; ``sample`` names the axes it expects.

    One rule serves the 1-D (steps) and 2-D (height, width) families: they differ only in the
    rank they accept and in what ``keepdims`` keeps.
    """

    category = "pooling"
    sample: tuple[str, ...] = ("height", "width", "channels")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        rank = len(cls.sample)
        if len(shape) != rank:
            raise cls.shape_error(
                f"expects a rank-{rank} sample ({', '.join(cls.sample)}). Received: shape={list(shape)}", node_id
            )
        out = (*[1] * (rank - 1), shape[-1]) if params.keepdims else (shape[-1],)
        return Inference({"out": out}, flops=prod([d or 1 for d in shape]))


class _GlobalPool2D(GlobalPool):
    class Params(BlockParams):
        keepdims: bool = Field(default=False, description="Keep height and width as size-1 axes.")


@register_block
class GlobalAvgPool2D(_GlobalPool2D):
    """Mean over height and width: (h, w, c) -> (c,)."""

    type_name = "GlobalAvgPool2D"
    keras = KerasMap("GlobalAveragePooling2D", (opt("keepdims"),), inner="pool", fixed=CHANNELS_LAST)


@register_block
class GlobalMaxPool2D(_GlobalPool2D):
    """Maximum over height and width: (h, w, c) -> (c,)."""

    type_name = "GlobalMaxPool2D"
    keras = KerasMap("GlobalMaxPooling2D", (opt("keepdims"),), inner="pool", fixed=CHANNELS_LAST)


def _edges(v) -> tuple[tuple[int, int], tuple[int, int]]:
    """int | [h, w] | [top, bottom, left, right] -> ((top, bottom), (left, right))."""
    if isinstance(v, int):
        return (v, v), (v, v)
    if len(v) == 2:
        return (v[0], v[0]), (v[1], v[1])
    if len(v) == 4:
        return (v[0], v[1]), (v[2], v[3])
    raise ValueError(f"give one int, [h, w] or [top, bottom, left, right]. Received: {v!r}")


def _edges_json(v) -> int | list[int]:
    """Keras' ((top, bottom), (left, right)) in akid's shortest form: 1, [1, 2] or [1, 0, 2, 1]."""
    (t, b), (lf, r) = ((v, v), (v, v)) if isinstance(v, int) else (tuple(v[0]), tuple(v[1]))
    if t == b and lf == r:
        return t if t == lf else [t, lf]
    return [t, b, lf, r]


Edges = (
    Annotated[int, Field(ge=0, le=100_000)]
    | Annotated[list[Annotated[int, Field(ge=0, le=100_000)]], Field(min_length=2, max_length=4)]
)


def _borders_map(keras_cls: str, param: str, inner: str) -> KerasMap:
    """Keras' ((top, bottom), (left, right)) <-> akid's shortest edges form."""
    return KerasMap(
        keras_cls, (opt(param, to_keras=lambda v: _edges(v), from_keras=_edges_json),), inner=inner, fixed=CHANNELS_LAST
    )


class _Borders2D(Block):
    """ZeroPadding2D and Cropping2D: one param of edge sizes, added (+1) or removed (-1) at an image's borders."""

    category = "reshape"
    #: the param holding the edges, and whether they are added (+1) or removed (-1)
    edges_param: ClassVar[str] = ""
    sign: ClassVar[int] = 1

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        name = cls.edges_param
        try:
            (t, b), (lf, r) = _edges(getattr(params, name))
        except ValueError as exc:
            raise cls.shape_error(f"{name}: {exc}", node_id, port=None, param=name, code="bad_param") from None
        if len(shape) != 3:
            raise cls.shape_error(f"expects a rank-3 sample (height, width, channels). Received: shape={list(shape)}", node_id)
        h, w, c = shape
        oh = None if h is None else h + cls.sign * (t + b)
        ow = None if w is None else w + cls.sign * (lf + r)
        if (oh is not None and oh < 1) or (ow is not None and ow < 1):
            raise cls.shape_error(
                f"{name} {getattr(params, name)!r} removes the whole image. Received: shape={list(shape)}", node_id, param=name
            )
        return Inference({"out": (oh, ow, c)})


@register_block
class ZeroPadding2D(_Borders2D):
    """Add rows and columns of zeros around an image."""

    type_name = "ZeroPadding2D"
    key_params = ("padding",)
    edges_param, sign = "padding", 1
    keras = _borders_map("ZeroPadding2D", "padding", "pad")

    class Params(BlockParams):
        padding: Edges = Field(default=1, description="int, [h, w] or [top, bottom, left, right].")


@register_block
class Cropping2D(_Borders2D):
    """Remove rows and columns at the borders of an image."""

    type_name = "Cropping2D"
    key_params = ("cropping",)
    edges_param, sign = "cropping", -1
    keras = _borders_map("Cropping2D", "cropping", "crop")

    class Params(BlockParams):
        cropping: Edges = Field(default=1, description="int, [h, w] or [top, bottom, left, right].")
