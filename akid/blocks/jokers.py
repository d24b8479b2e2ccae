"""Joker specs: data augmentation and preprocessing as blocks (category ``joker``), no TensorFlow.

The runtime (``augment``, the TensorFlow code) lives in :mod:`akid.data.jokers`;
each spec names its runtime class there.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, prod, single_input
from akid.blocks.registry import register_block

FillMode = Literal["constant", "reflect", "nearest", "wrap"]


class JokerParams(BlockParams):
    feature: str = Field(default="image", min_length=1, max_length=64, description="Data feature (or target) the joker acts on.")
    seed: int | None = Field(
        default=None, ge=0, description="Seed for reproducible draws inside a graph (the sensor seeds per batch)."
    )


class Joker(Block):
    """Base of every joker spec: same-shape by default."""

    category = "joker"
    Params = JokerParams
    training_only: ClassVar[bool] = True
    image_only: ClassVar[bool] = True

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if cls.image_only and len(shape) != 3:
            raise cls.shape_error(f"expects (height, width, channels) samples. Received: shape={list(shape)}", node_id)
        return Inference({"out": shape}, flops=prod(shape) or 0)


def _runtime(name: str) -> str:
    return f"akid.data.jokers:{name}"


@register_block
class RandomFlip(Joker):
    """Mirror images at random (left-right and/or up-down), each sample on its own coin."""

    type_name = "RandomFlip"
    key_params = ("mode",)
    runtime = _runtime("RandomFlip")

    class Params(JokerParams):
        mode: Literal["horizontal", "vertical", "horizontal_and_vertical"] = Field(
            default="horizontal", description="Which flips may happen."
        )


@register_block
class RandomCrop(Joker):
    """Pad by ``padding`` pixels, then crop back to the original size at a random offset."""

    type_name = "RandomCrop"
    key_params = ("padding",)
    runtime = _runtime("RandomCrop")

    class Params(JokerParams):
        padding: int = Field(default=4, ge=0, le=256, description="Pixels added on each side before cropping.")
        pad_mode: Literal["constant", "reflect", "symmetric"] = Field(default="constant", description="How the border is filled.")


@register_block
class RandomRotation(Joker):
    """Rotate by a random angle in [-factor, factor] of a full turn (Keras convention)."""

    type_name = "RandomRotation"
    key_params = ("factor",)
    runtime = _runtime("RandomRotation")

    class Params(JokerParams):
        factor: float = Field(default=0.05, ge=0.0, le=0.5, description="Largest rotation as a fraction of 2*pi.")
        fill_mode: FillMode = "constant"
        fill_value: float = 0.0
        interpolation: Literal["bilinear", "nearest"] = "bilinear"


@register_block
class RandomTranslation(Joker):
    """Shift by a random fraction of the height and width."""

    type_name = "RandomTranslation"
    key_params = ("height_factor", "width_factor")
    runtime = _runtime("RandomTranslation")

    class Params(JokerParams):
        height_factor: float = Field(
            default=0.1, ge=0.0, le=1.0, description="Largest vertical shift as a fraction of the height."
        )
        width_factor: float = Field(
            default=0.1, ge=0.0, le=1.0, description="Largest horizontal shift as a fraction of the width."
        )
        fill_mode: FillMode = "constant"
        fill_value: float = 0.0
        interpolation: Literal["bilinear", "nearest"] = "bilinear"


@register_block
class RandomColor(Joker):
    """Random brightness shift and contrast scaling per sample (optionally clipped)."""

    type_name = "RandomColor"
    key_params = ("brightness", "contrast")
    runtime = _runtime("RandomColor")

    class Params(JokerParams):
        brightness: float = Field(default=0.1, ge=0.0, le=1.0, description="Largest value added or subtracted.")
        contrast: float = Field(default=0.1, ge=0.0, lt=1.0, description="Contrast factor drawn in [1 - contrast, 1 + contrast].")
        clip: list[float] | None = Field(
            default=None, min_length=2, max_length=2, description="[low, high] to clip to, e.g. [0, 1]."
        )


@register_block
class GaussianNoise(Joker):
    """Add zero-mean Gaussian noise of standard deviation ``stddev``."""

    type_name = "GaussianNoise"
    image_only = False
    key_params = ("stddev",)
    runtime = _runtime("GaussianNoise")

    class Params(JokerParams):
        stddev: float = Field(default=0.05, ge=0.0, le=100.0, description="Noise standard deviation.")


@register_block
class Normalize(Joker):
    """(x - mean) / std, per channel when lists are given; applied at inference too."""

    type_name = "Normalize"
    training_only = False
    image_only = False
    key_params = ("mean", "std")
    runtime = _runtime("Normalize")

    class Params(JokerParams):
        mean: float | list[float] = Field(default=0.0, description="One value, or one per channel (last axis).")
        std: float | list[float] = Field(default=1.0, description="One value (> 0), or one per channel.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        for name in ("mean", "std"):
            v = getattr(params, name)
            if isinstance(v, list) and len(v) not in (1, shape[-1] if shape else 1):
                raise cls.shape_error(
                    f"{name} has {len(v)} values but the last axis has {shape[-1] if shape else 1}. Received: shape={list(shape)}",
                    node_id,
                    param=name,
                    code="bad_param",
                )
        stds = params.std if isinstance(params.std, list) else [params.std]
        if any(s <= 0 for s in stds):
            raise cls.shape_error(
                f"std must be > 0. Received: std={params.std!r}", node_id, port=None, param="std", code="bad_param"
            )
        return Inference({"out": shape}, flops=2 * (prod(shape) or 0))


@register_block
class OneHot(Joker):
    """Integer class ids -> one-hot vectors (adds a last axis of ``num_classes``)."""

    type_name = "OneHot"
    training_only = False
    image_only = False
    int_inputs = True
    key_params = ("num_classes",)
    runtime = _runtime("OneHot")

    class Params(JokerParams):
        feature: str = Field(default="label", min_length=1, max_length=64, description="Target (or feature) holding class ids.")
        num_classes: int = Field(default=10, ge=2, le=1_000_000, description="Number of classes.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape + (params.num_classes,)}, flops=(prod(shape) or 0) * params.num_classes)
