"""Jokers: data augmentation and preprocessing as blocks (category ``joker``).

Jokers are blocks so that one declaration (their specs in
:mod:`akid.blocks.jokers`, which import no TensorFlow) serves the palette, the training
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
from typing import Any

import keras
import tensorflow as tf

from akid.blocks.base import Block, BlockParams
from akid.blocks.runtime import RuntimeLayer


class Joker(RuntimeLayer):
    """Runtime of every joker: identity outside training when random."""

    def __init__(self, spec: type[Block], params: BlockParams, name: str | None = None, **kwargs: Any):
        super().__init__(spec, params, name=name, **kwargs)
        self.training_only = spec.training_only
        self.seed_generator = keras.random.SeedGenerator(self.p.seed) if self.training_only else None

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
        images=tf.cast(x, tf.float32),
        transforms=transforms,
        output_shape=tf.shape(x)[1:3],
        fill_value=tf.constant(fill_value, tf.float32),
        interpolation=interpolation.upper(),
        fill_mode=fill_mode.upper(),
    )
    return tf.cast(out, x.dtype)


class RandomFlip(Joker):
    """Mirror images at random (left-right and/or up-down), each sample on its own coin."""

    def augment(self, x, seed):
        s = tf.random.experimental.stateless_split(seed, 2)
        if self.p.mode in ("horizontal", "horizontal_and_vertical"):
            x = tf.image.stateless_random_flip_left_right(x, s[0])
        if self.p.mode in ("vertical", "horizontal_and_vertical"):
            x = tf.image.stateless_random_flip_up_down(x, s[1])
        return x


class RandomCrop(Joker):
    """Pad by ``padding`` pixels, then crop back to the original size at a random offset."""

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


class RandomRotation(Joker):
    """Rotate by a random angle in [-factor, factor] of a full turn (Keras convention)."""

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


class RandomTranslation(Joker):
    """Shift by a random fraction of the height and width."""

    def augment(self, x, seed):
        shape = tf.shape(x)
        b = shape[0]
        s = tf.random.experimental.stateless_split(seed, 2)
        dy = _uniform(s[0], b, -self.p.height_factor, self.p.height_factor) * tf.cast(shape[1], tf.float32)
        dx = _uniform(s[1], b, -self.p.width_factor, self.p.width_factor) * tf.cast(shape[2], tf.float32)
        ones, zeros = tf.ones_like(dx), tf.zeros_like(dx)
        transforms = tf.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return _transform(x, transforms, self.p.fill_mode, self.p.fill_value, self.p.interpolation)


class RandomColor(Joker):
    """Random brightness shift and contrast scaling per sample (optionally clipped)."""

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


class GaussianNoise(Joker):
    """Add zero-mean Gaussian noise of standard deviation ``stddev``."""

    def augment(self, x, seed):
        x = _float(x)
        return x + tf.cast(tf.random.stateless_normal(tf.shape(x), seed, stddev=self.p.stddev), x.dtype)


class Normalize(Joker):
    """(x - mean) / std, per channel when lists are given; applied at inference too."""

    def augment(self, x, seed):
        x = _float(x)
        mean = tf.constant(self.p.mean, x.dtype)
        std = tf.constant(self.p.std, x.dtype)
        return (x - mean) / std


class OneHot(Joker):
    """Integer class ids -> one-hot vectors (adds a last axis of ``num_classes``)."""

    def augment(self, x, seed):
        return tf.one_hot(tf.cast(x, tf.int32), self.p.num_classes, dtype=tf.float32)
