"""Jokers: data augmentation and preprocessing as blocks (category ``joker``).

Jokers are blocks so that one declaration serves the palette, the training
config (``jokers: [{"type", "params"}]``) and a graph that wants augmentation
inside the model. Every joker exposes :meth:`Joker.augment` ``(batch, seed)``,
a *stateless* function of an explicit ``[2]`` seed: the sensor derives that
seed from (run seed, joker, epoch, batch), which makes augmentation
reproducible and resumable. Inside a graph, :meth:`call` draws the seed from a
``keras.random.SeedGenerator`` seeded by the ``seed`` param.

Random jokers (``training_only``) are the identity at inference; ``Normalize``
and ``OneHot`` change what the data mean, so they always apply.
All inputs are batches (sample axis first); image jokers expect (height, width, channels) samples.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import keras
import tensorflow as tf
from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, prod, single_input
from akid.blocks.registry import register_block

FillMode = Literal["constant", "reflect", "nearest", "wrap"]


class JokerParams(BlockParams):
    feature: str = Field(default="image", min_length=1, max_length=64, description="Data feature (or target) the joker acts on.")
    seed: int | None = Field(default=None, ge=0, description="Seed for reproducible draws inside a graph (the sensor seeds per batch).")


class Joker(Block):
    """Base of every joker: same-shape by default, identity outside training when random."""

    category = "joker"
    Params = JokerParams
    training_only: ClassVar[bool] = True
    image_only: ClassVar[bool] = True

    def __init__(self, params: dict[str, Any] | BlockParams | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(params, name, **kwargs)
        self.seed_generator = keras.random.SeedGenerator(self.p.seed) if self.training_only else None

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if cls.image_only and len(shape) != 3:
            raise cls.shape_error(f"expects (height, width, channels) samples. Received: shape={list(shape)}", node_id)
        return Inference({"out": shape}, flops=prod(shape) or 0)

    def call(self, inputs, training=None):
        if self.training_only and not training:
            return inputs
        seed = tf.cast(self.seed_generator.next(), tf.int64) if self.seed_generator is not None else tf.zeros([2], tf.int64)
        return self.augment(inputs, seed)

    def augment(self, x: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """Transform a batch with a ``[2]`` int seed; the same seed gives the same result."""
        raise NotImplementedError


def _float(x: tf.Tensor) -> tf.Tensor:
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _uniform(seed, batch, low, high):
    return tf.random.stateless_uniform([batch], seed, minval=low, maxval=high, dtype=tf.float32)


def _transform(x, transforms, fill_mode: str, fill_value: float, interpolation: str):
    x = _float(x)
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=tf.cast(x, tf.float32), transforms=transforms, output_shape=tf.shape(x)[1:3], fill_value=tf.constant(fill_value, tf.float32),
        interpolation=interpolation.upper(), fill_mode=fill_mode.upper())
    return tf.cast(out, x.dtype)


@register_block
class RandomFlip(Joker):
    """Mirror images at random (left-right and/or up-down), each sample on its own coin."""

    type_name = "RandomFlip"
    key_params = ("mode",)

    class Params(JokerParams):
        mode: Literal["horizontal", "vertical", "horizontal_and_vertical"] = Field(default="horizontal", description="Which flips may happen.")

    def augment(self, x, seed):
        s = tf.random.experimental.stateless_split(seed, 2)
        if self.p.mode in ("horizontal", "horizontal_and_vertical"):
            x = tf.image.stateless_random_flip_left_right(x, s[0])
        if self.p.mode in ("vertical", "horizontal_and_vertical"):
            x = tf.image.stateless_random_flip_up_down(x, s[1])
        return x


@register_block
class RandomCrop(Joker):
    """Pad by ``padding`` pixels, then crop back to the original size at a random offset."""

    type_name = "RandomCrop"
    key_params = ("padding",)

    class Params(JokerParams):
        padding: int = Field(default=4, ge=0, le=256, description="Pixels added on each side before cropping.")
        pad_mode: Literal["constant", "reflect", "symmetric"] = Field(default="constant", description="How the border is filled.")

    def augment(self, x, seed):
        p = self.p.padding
        if p == 0:
            return x
        shape = tf.shape(x)
        b, h, w = shape[0], shape[1], shape[2]
        padded = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode=self.p.pad_mode.upper())
        offsets = tf.random.stateless_uniform(tf.stack([b, 2]), seed, minval=0, maxval=2 * p + 1, dtype=tf.int32)
        rows = offsets[:, :1] + tf.range(h)[None, :]
        cols = offsets[:, 1:] + tf.range(w)[None, :]
        out = tf.gather(padded, rows, axis=1, batch_dims=1)
        return tf.gather(out, cols, axis=2, batch_dims=1)


@register_block
class RandomRotation(Joker):
    """Rotate by a random angle in [-factor, factor] of a full turn (Keras convention)."""

    type_name = "RandomRotation"
    key_params = ("factor",)

    class Params(JokerParams):
        factor: float = Field(default=0.05, ge=0.0, le=0.5, description="Largest rotation as a fraction of 2*pi.")
        fill_mode: FillMode = "constant"
        fill_value: float = 0.0
        interpolation: Literal["bilinear", "nearest"] = "bilinear"

    def augment(self, x, seed):
        shape = tf.shape(x)
        b = shape[0]
        h, w = tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
        a = _uniform(seed, b, -self.p.factor * 2 * math.pi, self.p.factor * 2 * math.pi)
        cos, sin = tf.cos(a), tf.sin(a)
        x_off = ((w - 1) - (cos * (w - 1) - sin * (h - 1))) / 2.0
        y_off = ((h - 1) - (sin * (w - 1) + cos * (h - 1))) / 2.0
        zeros = tf.zeros_like(a)
        transforms = tf.stack([cos, -sin, x_off, sin, cos, y_off, zeros, zeros], axis=1)
        return _transform(x, transforms, self.p.fill_mode, self.p.fill_value, self.p.interpolation)


@register_block
class RandomTranslation(Joker):
    """Shift by a random fraction of the height and width."""

    type_name = "RandomTranslation"
    key_params = ("height_factor", "width_factor")

    class Params(JokerParams):
        height_factor: float = Field(default=0.1, ge=0.0, le=1.0, description="Largest vertical shift as a fraction of the height.")
        width_factor: float = Field(default=0.1, ge=0.0, le=1.0, description="Largest horizontal shift as a fraction of the width.")
        fill_mode: FillMode = "constant"
        fill_value: float = 0.0
        interpolation: Literal["bilinear", "nearest"] = "bilinear"

    def augment(self, x, seed):
        shape = tf.shape(x)
        b = shape[0]
        s = tf.random.experimental.stateless_split(seed, 2)
        dy = _uniform(s[0], b, -self.p.height_factor, self.p.height_factor) * tf.cast(shape[1], tf.float32)
        dx = _uniform(s[1], b, -self.p.width_factor, self.p.width_factor) * tf.cast(shape[2], tf.float32)
        ones, zeros = tf.ones_like(dx), tf.zeros_like(dx)
        transforms = tf.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return _transform(x, transforms, self.p.fill_mode, self.p.fill_value, self.p.interpolation)


@register_block
class RandomColor(Joker):
    """Random brightness shift and contrast scaling per sample (optionally clipped)."""

    type_name = "RandomColor"
    key_params = ("brightness", "contrast")

    class Params(JokerParams):
        brightness: float = Field(default=0.1, ge=0.0, le=1.0, description="Largest value added or subtracted.")
        contrast: float = Field(default=0.1, ge=0.0, lt=1.0, description="Contrast factor drawn in [1 - contrast, 1 + contrast].")
        clip: list[float] | None = Field(default=None, min_length=2, max_length=2, description="[low, high] to clip to, e.g. [0, 1].")

    def augment(self, x, seed):
        x = _float(x)
        b = tf.shape(x)[0]
        s = tf.random.experimental.stateless_split(seed, 2)
        delta = tf.cast(_uniform(s[0], b, -self.p.brightness, self.p.brightness), x.dtype)[:, None, None, None]
        factor = tf.cast(_uniform(s[1], b, 1.0 - self.p.contrast, 1.0 + self.p.contrast), x.dtype)[:, None, None, None]
        mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        out = (x - mean) * factor + mean + delta
        if self.p.clip is not None:
            out = tf.clip_by_value(out, self.p.clip[0], self.p.clip[1])
        return out


@register_block
class GaussianNoise(Joker):
    """Add zero-mean Gaussian noise of standard deviation ``stddev``."""

    type_name = "GaussianNoise"
    image_only = False
    key_params = ("stddev",)

    class Params(JokerParams):
        stddev: float = Field(default=0.05, ge=0.0, le=100.0, description="Noise standard deviation.")

    def augment(self, x, seed):
        x = _float(x)
        return x + tf.cast(tf.random.stateless_normal(tf.shape(x), seed, stddev=self.p.stddev), x.dtype)


@register_block
class Normalize(Joker):
    """(x - mean) / std, per channel when lists are given; applied at inference too."""

    type_name = "Normalize"
    training_only = False
    image_only = False
    key_params = ("mean", "std")

    class Params(JokerParams):
        mean: float | list[float] = Field(default=0.0, description="One value, or one per channel (last axis).")
        std: float | list[float] = Field(default=1.0, description="One value (> 0), or one per channel.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        for name in ("mean", "std"):
            v = getattr(params, name)
            if isinstance(v, list) and len(v) not in (1, shape[-1] if shape else 1):
                raise cls.shape_error(f"{name} has {len(v)} values but the last axis has {shape[-1] if shape else 1}. Received: shape={list(shape)}",
                                      node_id, param=name, code="bad_param")
        stds = params.std if isinstance(params.std, list) else [params.std]
        if any(s <= 0 for s in stds):
            raise cls.shape_error(f"std must be > 0. Received: std={params.std!r}", node_id, port=None, param="std", code="bad_param")
        return Inference({"out": shape}, flops=2 * (prod(shape) or 0))

    def augment(self, x, seed):
        x = _float(x)
        mean = tf.constant(self.p.mean, x.dtype)
        std = tf.constant(self.p.std, x.dtype)
        return (x - mean) / std


@register_block
class OneHot(Joker):
    """Integer class ids -> one-hot vectors (adds a last axis of ``num_classes``)."""

    type_name = "OneHot"
    training_only = False
    image_only = False
    key_params = ("num_classes",)

    class Params(JokerParams):
        feature: str = Field(default="label", min_length=1, max_length=64, description="Target (or feature) holding class ids.")
        num_classes: int = Field(default=10, ge=2, le=1_000_000, description="Number of classes.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        return Inference({"out": shape + (params.num_classes,)}, flops=(prod(shape) or 0) * params.num_classes)

    def augment(self, x, seed):
        return tf.one_hot(tf.cast(x, tf.int32), self.p.num_classes, dtype=tf.float32)
