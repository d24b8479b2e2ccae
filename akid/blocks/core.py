"""Core blocks: graph boundaries, dense layers, reshaping, activations, dropout, embeddings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, TrainableParams, prod, single_input
from akid.blocks.keras_map import KerasMap, as_tuple, from_keras_axis, opt, to_keras_axis
from akid.blocks.params import ACTIVATION_NAMES, PosInt
from akid.blocks.params import Activation as ActivationName
from akid.blocks.registry import register_block

LOSSES = Literal[
    "sparse_categorical_crossentropy",
    "categorical_crossentropy",
    "binary_crossentropy",
    "mse",
    "mae",
    "huber",
]
METRICS = Literal["accuracy", "mae", "mse", "top5_accuracy"]
ACTIVATIONS = ActivationName  # kept for modules that imported the old name


@register_block
class Input(Block):
    """A graph input, bound to the data set's feature of the same name."""

    type_name = "Input"
    category = "io"
    input_spec_ports = ()
    key_params = ("shape", "feature")
    runtime = "akid.blocks.runtime:PassLayer"

    class Params(BlockParams):
        shape: list[PosInt | None] = Field(
            default=[8, 8, 1],
            min_length=1,
            max_length=4,
            description="Sample shape, batch excluded; null is a size that varies (token sequences: [null]).",
        )
        feature: str = Field(default="image", min_length=1, max_length=64, description="Data set feature fed here.")
        dtype: Literal["float32", "int32"] = Field(default="float32", description="int32 for token ids (Embedding).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        return Inference({"out": tuple(params.shape)})


@register_block
class Output(Block):
    """A graph output: the prediction compared with the data set's target of the same name."""

    type_name = "Output"
    category = "io"
    output_spec_ports = ()
    key_params = ("target", "loss")
    runtime = "akid.blocks.runtime:PassLayer"

    class Params(BlockParams):
        target: str = Field(default="label", min_length=1, max_length=64, description="Data set target predicted here.")
        loss: LOSSES = Field(default="sparse_categorical_crossentropy", description="Loss against the target.")
        from_logits: bool = Field(default=True, description="Whether the incoming values are logits.")
        metrics: list[METRICS] = Field(default=["accuracy"], description="Metrics reported for this output.")
        weight: float = Field(default=1.0, ge=0.0, le=1000.0, description="Weight of this output's loss.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        return Inference({"result": single_input(inputs)})


@register_block
class Dense(Block):
    """Fully connected layer on the last axis."""

    type_name = "Dense"
    category = "core"
    key_params = ("units", "activation")
    keras = KerasMap(
        "Dense",
        (opt("units"), opt("activation"), opt("use_bias")),
        inner="dense",
        fixed={"lora_rank": (None,), "quantization_config": (None,)},
        inert=("lora_alpha",),
    )

    class Params(TrainableParams):
        units: int = Field(default=10, ge=1, le=65536, description="Output features.")
        activation: ActivationName = Field(default="linear", description="Applied after the affine map.")
        use_bias: bool = True

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if not shape or shape[-1] is None:
            raise cls.shape_error(
                f"the last axis must have a known size (it sets the weights' shape); null sizes may come only "
                f"before it. Received: shape={shape_text(shape)}",
                node_id,
            )
        n = shape[-1] * params.units + (params.units if params.use_bias else 0)
        positions = prod(shape[:-1]) or 1
        return Inference({"out": shape[:-1] + (params.units,)}, params=n, flops=2 * shape[-1] * params.units * positions)


@register_block
class Flatten(Block):
    """Collapse every axis but the batch into one."""

    type_name = "Flatten"
    category = "reshape"
    keras = KerasMap("Flatten", inner="flatten", fixed={"data_format": ("channels_last", None)})

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if None in shape:
            raise cls.shape_error(
                f"cannot flatten an axis of unknown size (null): the output size would vary. Pool over it "
                f"(GlobalAvgPool2D), read it with a recurrent layer, or give the Input a fixed size. "
                f"Received: shape={shape_text(shape)}",
                node_id,
            )
        return Inference({"out": (prod(shape),)})


@register_block
class Reshape(Block):
    """Reshape the sample (batch excluded); one dimension may be -1."""

    type_name = "Reshape"
    category = "reshape"
    key_params = ("target_shape",)
    keras = KerasMap("Reshape", (opt("target_shape", to_keras=as_tuple, from_keras=list),), inner="reshape")

    class Params(BlockParams):
        target_shape: list[int] = Field(
            default=[-1], min_length=1, max_length=4, description="New sample shape; -1 infers one axis."
        )

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        total = prod(shape)
        target = list(params.target_shape)
        if target.count(-1) > 1 or any(d == 0 or d < -1 for d in target):
            raise cls.shape_error(
                f"target_shape needs positive sizes and at most one -1. Received: target_shape={target}",
                node_id,
                param="target_shape",
                code="bad_param",
            )
        known = prod([d for d in target if d != -1])
        if total is None and -1 not in target:
            raise cls.shape_error(
                f"the input has an axis of unknown size (null), so target_shape needs a -1 to take it. "
                f"Received: shape={shape_text(shape)}, target_shape={target}",
                node_id,
                param="target_shape",
            )
        if total is not None:
            if -1 in target:
                if total % known:
                    raise cls.shape_error(
                        f"cannot reshape {list(shape)} ({total} values) into {target}. Received: shape={list(shape)}",
                        node_id,
                        param="target_shape",
                    )
                target[target.index(-1)] = total // known
            elif known != total:
                raise cls.shape_error(
                    f"cannot reshape {list(shape)} ({total} values) into {target} ({known} values). Received: shape={list(shape)}",
                    node_id,
                    param="target_shape",
                )
        return Inference({"out": tuple(None if d == -1 else d for d in target)})


class _Elementwise(Block):
    """Same shape out as in; one FLOP per value (a rough count for activations)."""

    category = "activation"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape}, flops=prod(shape) or 0)


def _is(name: str):
    return lambda cfg: cfg.get("activation") == name


@register_block
class Sigmoid(_Elementwise):
    """Logistic sigmoid."""

    type_name = "Sigmoid"
    keras = KerasMap(
        "Activation",
        inner="activation",
        constants={"activation": "sigmoid"},
        fixed={"activation": ("sigmoid",)},
        match=_is("sigmoid"),
    )


@register_block
class Tanh(_Elementwise):
    """Hyperbolic tangent."""

    type_name = "Tanh"
    keras = KerasMap(
        "Activation", inner="activation", constants={"activation": "tanh"}, fixed={"activation": ("tanh",)}, match=_is("tanh")
    )


@register_block
class Activation(_Elementwise):
    """Any Keras element-wise activation by name (relu6, gelu, silu/swish, hard_silu, ...)."""

    type_name = "Activation"
    key_params = ("activation",)
    keras = KerasMap(
        "Activation",
        (opt("activation"),),
        inner="activation",
        match=lambda cfg: cfg.get("activation") in ACTIVATION_NAMES or cfg.get("activation") in ("swish", "hard_swish"),
    )

    class Params(BlockParams):
        activation: ActivationName = Field(default="relu", description="Keras activation name.")


@register_block
class ReLU(_Elementwise):
    """Rectified linear unit: max(x, 0), optionally capped (ReLU6), leaky or thresholded."""

    type_name = "ReLU"
    keras = KerasMap("ReLU", (opt("max_value"), opt("negative_slope"), opt("threshold")), inner="relu")

    class Params(BlockParams):
        max_value: float | None = Field(default=None, ge=0.0, description="Cap on the output (6 for ReLU6); none when empty.")
        negative_slope: float = Field(default=0.0, ge=0.0, description="Slope below the threshold (leaky ReLU).")
        threshold: float = Field(default=0.0, description="Values below it are cut (or scaled by negative_slope).")


@register_block
class Softmax(Block):
    """Softmax along an axis (the last by default)."""

    type_name = "Softmax"
    category = "activation"
    keras = KerasMap("Softmax", (opt("axis", to_keras=to_keras_axis, from_keras=from_keras_axis),), inner="softmax")

    class Params(BlockParams):
        axis: int = Field(
            default=-1, ge=-4, le=3, description="Axis normalised (batch excluded counts from 0 at the first sample axis)."
        )

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        check_axis(cls, shape, params.axis, node_id)
        return Inference({"out": shape}, flops=3 * (prod(shape) or 0))


def _noise_to_keras(v: list[int] | None) -> tuple | None:
    return None if v is None else tuple(None if d == -1 else d for d in v)


def _noise_from_keras(v: list | None) -> list[int] | None:
    return None if v is None else [-1 if d is None else int(d) for d in v]


@register_block
class Dropout(Block):
    """Randomly zero a fraction ``rate`` of values while training (``noise_shape`` shares the mask)."""

    type_name = "Dropout"
    category = "regularization"
    key_params = ("rate",)
    keras = KerasMap(
        "Dropout",
        (opt("rate"), opt("seed"), opt("noise_shape", to_keras=_noise_to_keras, from_keras=_noise_from_keras)),
        inner="dropout",
    )

    class Params(BlockParams):
        rate: float = Field(default=0.5, ge=0.0, lt=1.0, description="Fraction of units dropped.")
        seed: int | None = Field(default=None, description="Seed for reproducible masks.")
        noise_shape: list[int] | None = Field(
            default=None,
            min_length=1,
            max_length=5,
            description="Mask shape, batch included: 1 shares the mask along an axis, -1 keeps its size.",
        )

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        ns = params.noise_shape
        if ns is not None:
            dims = ns[1:]
            if (
                len(ns) != len(shape) + 1
                or ns[0] not in (-1, 1)
                or any(d not in (-1, 1, s) or d == 0 for d, s in zip(dims, shape))
            ):
                raise cls.shape_error(
                    f"noise_shape {ns} does not broadcast to the batch of {list(shape)}. Received: shape={list(shape)}",
                    node_id,
                    param="noise_shape",
                    code="bad_param",
                )
        return Inference({"out": shape})


@register_block
class Embedding(Block):
    """Map integer ids to dense vectors."""

    type_name = "Embedding"
    category = "core"
    key_params = ("input_dim", "output_dim")
    int_inputs = True
    keras = KerasMap(
        "Embedding",
        (opt("input_dim"), opt("output_dim"), opt("mask_zero")),
        inner="embedding",
        fixed={"quantization_config": (None,), "lora_rank": (None,), "input_length": (None,)},
        inert=("lora_alpha",),
    )

    class Params(TrainableParams):
        input_dim: int = Field(default=1000, ge=1, le=10_000_000, description="Vocabulary size.")
        output_dim: int = Field(default=32, ge=1, le=65536, description="Vector size.")
        mask_zero: bool = Field(
            default=False,
            description="Id 0 is padding: a mask flows to the blocks after (recurrent layers skip padded steps).",
        )

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape + (params.output_dim,)}, params=params.input_dim * params.output_dim)


@register_block
class Masking(Block):
    """Mark steps whose features all equal mask_value as padding (zeroed; later recurrent layers skip them)."""

    type_name = "Masking"
    category = "core"
    key_params = ("mask_value",)
    keras = KerasMap("Masking", (opt("mask_value"),), inner="masking")

    class Params(BlockParams):
        mask_value: float = Field(default=0.0, description="Feature value that marks a padded step.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if len(shape) < 2:
            raise cls.shape_error(f"expects (steps, ..., features): a mask marks steps. Received: shape={list(shape)}", node_id)
        return Inference({"out": shape}, flops=prod(shape) or 0)


@register_block
class Rescaling(_Elementwise):
    """x * scale + offset (image preprocessing, e.g. scale=1/255)."""

    type_name = "Rescaling"
    category = "core"
    key_params = ("scale", "offset")
    keras = KerasMap("Rescaling", (opt("scale"), opt("offset")), inner="rescaling")

    class Params(BlockParams):
        scale: float | list[float] = Field(default=1.0, description="Multiplier: one value or one per channel.")
        offset: float | list[float] = Field(default=0.0, description="Added after scaling: one value or one per channel.")


def shape_text(shape) -> str:
    """A shape as the graph document writes it: unknown sizes as null."""
    return "[" + ", ".join("null" if d is None else str(d) for d in shape) + "]"


def shapes_text(shapes) -> str:
    """Several shapes as the graph document writes them (see :func:`shape_text`)."""
    return "[" + ", ".join(shape_text(s) for s in shapes) + "]"


def keras_axis(axis: int) -> int:
    return to_keras_axis(axis)


def check_axis(cls, shape, axis: int, node_id, port: str = "in") -> int:
    rank = len(shape)
    if not -rank <= axis < rank:
        raise cls.shape_error(
            f"axis {axis} is out of range for rank {rank}. Received: shape={list(shape)}",
            node_id,
            port=port,
            param="axis",
            code="bad_param",
        )
    return axis % rank


_check_axis = check_axis
_keras_axis = keras_axis
