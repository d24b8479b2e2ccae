"""Per-output losses and metrics, as per-sample tensors.

Everything here returns one value per sample, never a batch mean: under
tf.distribute each replica sees part of the global batch, and the only correct
way to combine replicas (and a short last batch) is sum / global count. The
Output node's params choose the loss, ``from_logits``, the weight and metrics.

A prediction that carries a Keras mask (padding from ``Embedding(mask_zero)``
or ``Masking``, kept by a per-step head) is weighted exactly as Keras' ``fit``
and ``evaluate`` weight it (``keras.losses.Loss.__call__`` with reduction
``sum_over_batch_size``, ``MeanMetricWrapper``): padded steps count zero and the
real ones ``total / valid`` of their batch, so a batch's mean is the mean over
its real steps. See :func:`mask_weight` and :func:`metric_terms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import tensorflow as tf
from keras.src.backend.common.masking import get_keras_mask  # not in Keras' public API (compile.py uses it too)

_CLASSIFICATION = {"sparse_categorical_crossentropy", "categorical_crossentropy"}


@dataclass
class Head:
    """One Output node as the trainer sees it."""

    node_id: str
    loss: str
    from_logits: bool
    weight: float
    metrics: list[str] = field(default_factory=list)
    shape: list[int | None] = field(default_factory=list)

    @property
    def num_classes(self) -> int | None:
        """Classes of a classification head with a known class axis (for confusion matrices)."""
        if self.loss in _CLASSIFICATION and self.shape and self.shape[-1]:
            return int(self.shape[-1])
        return None


def heads_from_bindings(bindings: dict[str, Any]) -> list[Head]:
    """Heads in the graph's output order, with metrics the loss can support."""
    heads = []
    for nid, b in bindings["outputs"].items():
        loss = b.get("loss") or "sparse_categorical_crossentropy"
        metrics = [m for m in (b.get("metrics") or []) if supports(loss, m)]
        heads.append(
            Head(nid, loss, bool(b.get("from_logits", True)), float(b.get("weight", 1.0)), metrics, list(b.get("shape") or []))
        )
    return heads


def supports(loss: str, metric: str) -> bool:
    """Whether ``metric`` is meaningful for a head trained with ``loss``."""
    if metric in ("accuracy", "top5_accuracy"):
        return loss in _CLASSIFICATION or (metric == "accuracy" and loss == "binary_crossentropy")
    return loss not in ("sparse_categorical_crossentropy",)  # mae/mse need targets shaped like predictions


def output_mask(p: Any) -> tf.Tensor | None:
    """The Keras mask a prediction carries (bool, shaped like its leading axes), or None."""
    return get_keras_mask(p)


def mask_weight(mask: tf.Tensor) -> tf.Tensor:
    """Keras' loss weights for a mask (``keras.src.losses.loss.apply_mask``, reduction
    ``sum_over_batch_size``): ``total / valid`` on real steps, 0 on padding, so that the
    plain mean of ``loss * weight`` over the batch is the mean over the real steps only."""
    m = tf.cast(mask, tf.float32)
    total = tf.cast(tf.size(m), tf.float32)
    return m * tf.math.divide_no_nan(total, tf.reduce_sum(m))


def _to_rank(t: tf.Tensor, rank: int) -> tf.Tensor:
    """Element losses shaped like the mask: Keras' losses and metrics average the trailing
    (class/feature) axes first (``ops.mean(..., axis=-1)``)."""
    if t.shape.rank is not None and t.shape.rank > rank:
        return tf.reduce_mean(t, axis=list(range(rank, t.shape.rank)))
    return t


def _per_sample(t: tf.Tensor, weight: tf.Tensor | None = None) -> tf.Tensor:
    """Mean over every axis but the batch: (batch, ...) -> (batch,); with ``weight`` (shaped
    like a mask) the elements are reduced to the mask's shape and weighted first."""
    t = tf.convert_to_tensor(t)
    if weight is not None:
        t = _to_rank(t, weight.shape.rank) * weight
    if t.shape.rank is not None and t.shape.rank > 1:
        return tf.reduce_mean(tf.reshape(t, [tf.shape(t)[0], -1]), axis=1)
    return t


def _align(y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """Targets shaped like predictions for element-wise losses ((b,) vs (b, 1))."""
    y = tf.cast(y, p.dtype)
    if y.shape.rank is not None and p.shape.rank is not None and y.shape.rank == p.shape.rank - 1:
        y = tf.expand_dims(y, -1)
    return y


def sample_loss(head: Head, y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """Per-sample loss of one head (float32, shape (batch,)); a masked prediction's steps are
    weighted as Keras weights them (:func:`mask_weight`), so the batch mean equals Keras' loss."""
    mask = output_mask(p)
    per = _element_loss(head, y, tf.cast(p, tf.float32))
    return _per_sample(per, None if mask is None else mask_weight(mask))


def _element_loss(head: Head, y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """The loss per element (per sample, or per step/position), before any reduction."""
    if head.loss == "sparse_categorical_crossentropy":
        y = tf.cast(y, tf.int32)
        if y.shape.rank is not None and p.shape.rank is not None and y.shape.rank == p.shape.rank:
            y = tf.squeeze(y, -1)
        return keras.losses.sparse_categorical_crossentropy(y, p, from_logits=head.from_logits)
    if head.loss == "categorical_crossentropy":
        return keras.losses.categorical_crossentropy(tf.cast(y, tf.float32), p, from_logits=head.from_logits)
    y = _align(y, p)
    if head.loss == "binary_crossentropy":
        return keras.losses.binary_crossentropy(y, p, from_logits=head.from_logits)
    if head.loss == "mse":
        return tf.square(y - p)
    if head.loss == "mae":
        return tf.abs(y - p)
    if head.loss == "huber":
        err = tf.abs(y - p)
        return tf.where(err <= 1.0, 0.5 * tf.square(err), err - 0.5)
    raise ValueError(f"unknown loss {head.loss!r}")


def _class_ids(head: Head, y: tf.Tensor, p: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """(true ids, predicted ids) of a classification head, flattened over extra axes."""
    pred = tf.argmax(p, axis=-1, output_type=tf.int32)
    if head.loss == "categorical_crossentropy":
        true = tf.argmax(y, axis=-1, output_type=tf.int32)
    else:
        true = tf.cast(y, tf.int32)
        if true.shape.rank is not None and true.shape.rank == p.shape.rank:
            true = tf.squeeze(true, -1)
    return true, pred


def sample_metric(head: Head, name: str, y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """Per-sample value of metric ``name`` (accuracy in [0, 1], errors as means). With a mask, the
    values are weighted so that their batch mean is the mean over the batch's real steps (the value
    Keras reports for that batch alone); :func:`metric_terms` gives the sums a whole split needs."""
    mask = output_mask(p)
    return _per_sample(_element_metric(head, name, y, tf.cast(p, tf.float32)), None if mask is None else mask_weight(mask))


def metric_terms(head: Head, y: tf.Tensor, p: tf.Tensor) -> tuple[list[tf.Tensor], tf.Tensor]:
    """(sum of each metric over the batch, the weight they are divided by) for summing over many
    batches. Without a mask the weight is the batch size. With one it is Keras' ``Mean`` metric
    state: each sample counts ``mean(value * mask)`` over its steps, weighted ``mean(mask)``, so a
    split's metric is the mean over all its real steps, as Keras' ``evaluate`` reports it."""
    mask = output_mask(p)
    p = tf.cast(p, tf.float32)
    if mask is None:
        sums = [tf.reduce_sum(_per_sample(_element_metric(head, m, y, p))) for m in head.metrics]
        return sums, tf.cast(tf.shape(p)[0], tf.float32)
    m = tf.cast(mask, tf.float32)
    sums = [tf.reduce_sum(_per_sample(_element_metric(head, name, y, p), m)) for name in head.metrics]
    return sums, tf.reduce_sum(_per_sample(m))


def _element_metric(head: Head, name: str, y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """Metric ``name`` per element (per sample, or per step/position), before any reduction."""
    if name == "accuracy":
        if head.loss == "binary_crossentropy":
            threshold = 0.0 if head.from_logits else 0.5
            hit = tf.equal(p > threshold, _align(y, p) > 0.5)
            return tf.cast(hit, tf.float32)
        true, pred = _class_ids(head, y, p)
        return tf.cast(tf.equal(true, pred), tf.float32)
    if name == "top5_accuracy":
        true, _ = _class_ids(head, y, p)
        k = min(5, int(p.shape[-1] or 5))
        flat_p = tf.reshape(p, [-1, tf.shape(p)[-1]])
        hit = tf.math.in_top_k(tf.reshape(true, [-1]), flat_p, k)
        return tf.reshape(tf.cast(hit, tf.float32), tf.shape(true))
    y = _align(y, p)
    if name == "mae":
        return tf.abs(y - p)
    if name == "mse":
        return tf.square(y - p)
    raise ValueError(f"unknown metric {name!r}")


def confusion(head: Head, y: tf.Tensor, p: tf.Tensor) -> tf.Tensor:
    """(classes, classes) counts, rows = true class, for a classification head."""
    mask = output_mask(p)  # padded steps are not predictions: they are left out
    true, pred = _class_ids(head, y, tf.cast(p, tf.float32))
    weights = None if mask is None else tf.reshape(tf.cast(mask, tf.int64), [-1])
    return tf.math.confusion_matrix(
        tf.reshape(true, [-1]), tf.reshape(pred, [-1]), num_classes=head.num_classes, weights=weights, dtype=tf.int64
    )


def probabilities(head: Head, p):
    """Predictions as the user reads them: softmax/sigmoid of logits, raw values otherwise."""
    p = tf.cast(p, tf.float32)
    if head.from_logits and head.loss in _CLASSIFICATION:
        return tf.nn.softmax(p, axis=-1)
    if head.from_logits and head.loss == "binary_crossentropy":
        return tf.sigmoid(p)
    return p
