"""The Sensor: turns a Source and a compiled graph's bindings into ``tf.data`` pipelines.

Each element is ``(x, y)`` with ``x = {input_node_id: batch}`` and
``y = {output_node_id: batch}``, shaped and typed as the graph's ``Input`` and
``Output`` nodes expect, so the training loop never has to know data-set names.

Pipeline per split (the data stay in memory once; a batch is gathered from it by index)::

    batch numbers k -> map(k -> (epoch, batch) -> sample indices -> gather, jokers, bind to nodes)
                    -> [cache (val/test)] -> prefetch

Why the indices are computed per batch, in the graph: the order of epoch ``e`` is a
stateless permutation seeded by ``(seed, e)`` (``tf.random.experimental.index_shuffle``),
so batch ``b`` of epoch ``e`` depends on ``(seed, e, b)`` only. A run resumed at
(epoch, batch) therefore sees exactly the batches the interrupted run would have seen,
and one pipeline can span many epochs (:meth:`Sensor.stream`): training makes one per
``fit`` instead of one per epoch, because starting a pipeline (its threads, its first
batch) cost ~0.3 ms per step of a 20-step ``digits`` epoch, and the next epoch's first
batches are now prefetched while the last one ends. The random jokers draw from a
stateless seed ``(seed, joker, shard)`` x ``(epoch, batch)`` so their augmentation is
reproduced as well.

Sharding for multi-worker training: pass ``num_shards``/``shard_index`` (the
worker count and this worker's index) and every worker reads a disjoint
``indices[shard_index::num_shards]`` (the equivalent of ``Dataset.shard`` done
before batching: worker ``i`` reads positions ``i, i + n, i + 2n, ...`` of the epoch's
permutation, so ``batch_size`` is the per-worker batch); the dataset's
``options.experimental_distribute.auto_shard_policy`` is then set to ``OFF`` so
``tf.distribute`` does not shard a second time. Without explicit sharding the
policy is ``DATA`` (``tf.distribute`` hands each worker every n-th batch), since
an in-memory source has no files for the ``FILE`` policy to split.

Jokers that are random (``training_only``) run on the training split only; the
deterministic ones (``Normalize``, ``OneHot``) change what the data *mean*, so they
run on every split and in :meth:`Sensor.probe_batch`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import tensorflow as tf

from akid.data.base import SPLITS, Source, data_error
from akid.errors import AkidError, DataError, Issue

AUTOTUNE = tf.data.AUTOTUNE
_FLOAT_LOSSES = {"categorical_crossentropy", "binary_crossentropy", "mse", "mae", "huber"}


class Sensor:
    """``tf.data`` pipelines for one source bound to one graph.

    ``source``: a :class:`Source`, a source name, or ``{"source": name, "params": {...}}``.
    ``bindings``: ``GraphModel.bindings``; ``None`` binds every feature/target to a node
    of the same name (handy in notebooks and tests). ``jokers``: block instances of
    category ``joker`` or ``{"type", "params"}`` dicts, applied in order.
    """

    def __init__(
        self,
        source: Source | str | dict[str, Any],
        bindings: dict[str, Any] | None = None,
        batch_size: int = 32,
        jokers: Iterable[Any] = (),
        seed: int = 0,
        shuffle: bool = True,
        *,
        num_shards: int = 1,
        shard_index: int = 0,
        drop_remainder: bool = False,
    ) -> None:
        self.source = _as_source(source)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise data_error(
                f"batch_size must be a positive integer. Received: batch_size={batch_size!r}",
                code="bad_param",
                param="batch_size",
            )
        if not (isinstance(num_shards, int) and num_shards >= 1 and 0 <= shard_index < num_shards):
            raise data_error(
                f"need num_shards >= 1 and 0 <= shard_index < num_shards. Received: num_shards={num_shards!r}, shard_index={shard_index!r}",
                code="bad_param",
                param="num_shards",
            )
        self.batch_size, self.seed, self.shuffle = batch_size, int(seed), bool(shuffle)
        self.num_shards, self.shard_index, self.drop_remainder = num_shards, shard_index, bool(drop_remainder)
        self.jokers = [_as_joker(j) for j in jokers]
        if bindings is not None and not (
            isinstance(bindings, dict)
            and isinstance(bindings.get("inputs", {}), dict)
            and isinstance(bindings.get("outputs", {}), dict)
        ):
            raise data_error(
                f"bindings must be {{'inputs': {{node_id: ...}}, 'outputs': {{node_id: ...}}}}. Received: {bindings!r}",
                code="bad_bindings",
            )
        self.bindings = bindings if bindings is not None else default_bindings(self.source)
        self._shapes = self._joker_shapes()
        self._plan = self._bind()
        self._used = {p["name"] for side in self._plan.values() for p in side.values()} | {j.p.feature for j in self.jokers}
        self._tensors: dict[str, dict[str, tf.Tensor]] = {}
        self._eval_cache: dict[str, tf.data.Dataset] = {}
        self._mappers: dict[str, Any] = {}

    # ---- public API ----------------------------------------------------
    def dataset(self, split: str = "train", *, epoch: int = 0, skip_batches: int = 0) -> tf.data.Dataset:
        """The batches of ``split`` for one epoch (``skip_batches`` resumes mid-epoch)."""
        _check_split(split)
        _check_position(epoch, skip_batches)
        cacheable = split != "train" and skip_batches == 0
        if cacheable and split in self._eval_cache:
            return self._eval_cache[split]
        ds = self._pipeline(split, epoch, skip_batches, epoch + 1, self.steps_per_epoch(split), cache=cacheable)
        if cacheable:
            self._eval_cache[split] = ds
        return ds

    def stream(self, *, epoch: int, skip_batches: int, until_epoch: int, batches_per_epoch: int | None = None) -> tf.data.Dataset:
        """The training batches from batch ``skip_batches`` of ``epoch`` to the end of epoch ``until_epoch`` - 1,
        as one pipeline: what the Kid reads during one ``fit``.

        ``batches_per_epoch`` (at most :meth:`steps_per_epoch`) cuts every epoch short, as the
        ``steps_per_epoch`` training option does: epoch ``e`` is then the first
        ``batches_per_epoch`` batches of the same order, so a capped run and a full one agree
        on every batch they both read.
        """
        _check_position(epoch, skip_batches)
        full = self.steps_per_epoch("train")
        per_epoch = full if batches_per_epoch is None else max(0, min(int(batches_per_epoch), full))
        return self._pipeline("train", epoch, skip_batches, until_epoch, per_epoch)

    def _pipeline(
        self, split: str, epoch: int, skip_batches: int, until_epoch: int, per_epoch: int, cache: bool = False
    ) -> tf.data.Dataset:
        """From batch ``skip_batches`` of ``epoch`` to the end of epoch ``until_epoch`` - 1, in epochs of
        ``per_epoch`` batches: batch numbers counted across epochs, mapped to batches.

        Without jokers a batch is one gather, a cast and a reshape (tens of microseconds): it
        is made on the prefetch thread, two ahead, with tf.data's autotuning off, because
        parallel calls and the autotuner's threads only compete with training for a small
        machine's cores (~3 % of a small CNN's step on 2 cores). Augmentation can cost as
        much as a step, so with jokers the map runs in parallel and tf.data tunes itself.
        """
        first = epoch * per_epoch + min(skip_batches, per_epoch)
        heavy = bool(self.jokers)
        ds = tf.data.Dataset.range(first, max(first, until_epoch * per_epoch))
        mapper = self._mapper(split, per_epoch)
        ds = ds.map(mapper, num_parallel_calls=AUTOTUNE, deterministic=True) if heavy else ds.map(mapper)
        if cache:
            ds = ds.cache()
        ds = ds.prefetch(AUTOTUNE if heavy else 2)
        options = tf.data.Options()
        options.deterministic = True
        options.autotune.enabled = heavy
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.OFF if self.num_shards > 1 else tf.data.experimental.AutoShardPolicy.DATA
        )
        return ds.with_options(options)

    def steps_per_epoch(self, split: str = "train") -> int:
        """Batches in one epoch of ``split`` for this shard."""
        _check_split(split)
        n = self.num_samples(split)
        if self.drop_remainder and split == "train":
            return n // self.batch_size
        return math.ceil(n / self.batch_size)

    def num_samples(self, split: str = "train") -> int:
        """Samples of ``split`` in this shard (every ``num_shards``-th position of an epoch's order)."""
        n = self.source.sizes()[split]
        return len(range(self.shard_index, n, self.num_shards))

    def probe_batch(self, n: int = 8) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """A fixed batch of the first ``n`` validation samples (test, then train, if val is empty).

        Feature-map observers show the same samples at every step, so the
        batch never changes and no random joker touches it.
        """
        for split in ("val", "test", "train"):
            size = self.source.sizes()[split]
            if size:
                break
        else:
            raise data_error(
                f"{self.source.name}: every split is empty. Received: sizes={self.source.sizes()}", code="empty_split"
            )
        idx = tf.range(min(int(n), size), dtype=tf.int64)
        x, y = self._element(self._split_tensors(split), "probe", 0, tf.constant(0, tf.int64), idx)
        return {k: v.numpy() for k, v in x.items()}, {k: v.numpy() for k, v in y.items()}

    # ---- planning ------------------------------------------------------
    def _joker_shapes(self) -> dict[str, tuple]:
        """Per data name, the sample shape after the jokers (OneHot adds a class axis)."""
        shapes = {k: tuple(v["shape"]) for k, v in {**self.source.features, **self.source.targets}.items()}
        for joker in self.jokers:
            name = joker.p.feature
            if name not in shapes:
                raise DataError(
                    [
                        Issue(
                            "unknown_feature",
                            f"joker {joker.type_name} acts on {name!r}, which {self.source.name} does not have; "
                            f"available: {sorted(shapes)}. Received: feature={name!r}",
                            param="feature",
                        )
                    ]
                )
            try:
                shapes[name] = tuple(joker.infer(joker.p, {"in": [shapes[name]]}).outputs["out"])
            except AkidError as exc:
                raise DataError(
                    [Issue("shape_mismatch", f"joker {joker.type_name} cannot act on {name!r}: {exc}", param="feature")]
                ) from None
        return shapes

    def _bind(self) -> dict[str, dict[str, Any]]:
        feats, targs = self.source.features, self.source.targets
        plan: dict[str, dict[str, Any]] = {"inputs": {}, "outputs": {}}
        issues: list[Issue] = []
        for nid, b in (self.bindings.get("inputs") or {}).items():
            name = b.get("feature")
            if name not in feats:
                issues.append(
                    Issue(
                        "unknown_feature",
                        f"Input {nid!r} reads feature {name!r}, which {self.source.name} does not have; "
                        f"available features: {sorted(feats)}. Received: feature={name!r}",
                        node_id=nid,
                        param="feature",
                    )
                )
                continue
            data_shape, want = self._shapes[name], b.get("shape")
            if want is not None and any(d is None for d in want) and not fits_unknown(data_shape, want):
                issues.append(
                    Issue(
                        "shape_mismatch",
                        f"Input {nid!r} has shape {_nulls(want)} but feature {name!r} of {self.source.name} has shape "
                        f"{list(data_shape)}: the rank and every known size must match (null takes the data's size). "
                        f"Received: shape={_nulls(want)}",
                        node_id=nid,
                        param="shape",
                    )
                )
                continue
            want = list(data_shape) if want is None or any(d is None for d in want) else [int(d) for d in want]
            if list(data_shape) != want and _size(data_shape) != _size(want):
                issues.append(
                    Issue(
                        "shape_mismatch",
                        f"Input {nid!r} has shape {want} but feature {name!r} of {self.source.name} has shape "
                        f"{list(data_shape)} ({_size(data_shape)} values, not {_size(want)}); the data cannot be reshaped. "
                        f"Received: shape={want}",
                        node_id=nid,
                        param="shape",
                    )
                )
                continue
            plan["inputs"][nid] = {"name": name, "shape": want, "dtype": b.get("dtype") or "float32"}
        for nid, b in (self.bindings.get("outputs") or {}).items():
            name = b.get("target")
            if name not in targs:
                issues.append(
                    Issue(
                        "unknown_target",
                        f"Output {nid!r} predicts target {name!r}, which {self.source.name} does not have; "
                        f"available targets: {sorted(targs)}. Received: target={name!r}",
                        node_id=nid,
                        param="target",
                    )
                )
                continue
            try:
                plan["outputs"][nid] = _target_plan(nid, name, self._shapes[name], targs[name], b)
            except DataError as exc:
                issues.extend(exc.issues)
        if issues:
            raise DataError(issues)
        return plan

    # ---- the map function -----------------------------------------------
    def _mapper(self, split: str, per_epoch: int):
        """The map function of ``split``: batch number -> one bound batch; traced once per sensor and epoch
        length, not once per pipeline (tracing the jokers anew cost ~0.5 s, more than a whole epoch of
        ``digits`` takes to train)."""
        fn = self._mappers.get((split, per_epoch))
        if fn is None:
            tensors = self._split_tensors(split)
            fn = tf.function(
                lambda k: self._element(tensors, split, *self._locate(split, k, per_epoch)),
                input_signature=[tf.TensorSpec([], tf.int64)],
                autograph=False,
            )
            self._mappers[(split, per_epoch)] = fn
        return fn

    def _locate(self, split: str, k: tf.Tensor, per_epoch: int) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Batch number ``k`` -> (epoch, batch within the epoch, sample indices of the batch).

        The batch holds positions ``batch * batch_size`` … of this shard's part of the epoch's order;
        the order of a shuffled training split is a stateless permutation seeded by ``(seed, epoch)``.
        """
        n, size, in_shard = self.source.sizes()[split], self.batch_size, self.num_samples(split)
        epoch, batch = k // max(per_epoch, 1), k % max(per_epoch, 1)
        start = batch * size
        if in_shard % size == 0 or (self.drop_remainder and split == "train"):
            positions = start + tf.range(size, dtype=tf.int64)  # every batch full: a static batch size
        else:
            positions = tf.range(start, tf.minimum(start + size, in_shard), dtype=tf.int64)
        positions = self.shard_index + self.num_shards * positions
        if split == "train" and self.shuffle and n > 1:
            seed = tf.stack([tf.constant(self.seed, tf.int64), epoch])
            positions = tf.random.experimental.index_shuffle(positions, seed, tf.constant(n - 1, tf.int64))
        return epoch, batch, positions

    def _split_tensors(self, split: str) -> dict[str, tf.Tensor]:
        if split not in self._tensors:
            arrays = self.source.load(split)
            self._tensors[split] = {k: tf.convert_to_tensor(v) for k, v in arrays.items()}
        return self._tensors[split]

    def _element(self, tensors: dict[str, tf.Tensor], split: str, epoch: int, step: tf.Tensor, idx: tf.Tensor):
        batch = {k: tf.gather(t, idx) for k, t in tensors.items() if k in self._used}
        for j, joker in enumerate(self.jokers):
            if joker.training_only and split != "train":
                continue
            name = joker.p.feature
            seed = tf.stack(
                [
                    tf.constant(((self.seed * 1009 + j) * 1013 + self.shard_index) % 2**62, tf.int64),
                    tf.cast(step, tf.int64) + (tf.cast(epoch, tf.int64) * 1_000_003) % 2**62,
                ]
            )
            batch[name] = joker.augment(batch[name], seed)
        x = {}
        for nid, p in self._plan["inputs"].items():
            t = batch[p["name"]]
            x[nid] = tf.reshape(tf.cast(t, p["dtype"]), [-1, *p["shape"]])
        y = {}
        for nid, p in self._plan["outputs"].items():
            t = batch[p["name"]]
            if p["one_hot"]:
                t = tf.one_hot(tf.cast(t, tf.int32), p["one_hot"])
            t = tf.cast(t, p["dtype"])
            if p["shape"] is not None:
                t = tf.reshape(t, [-1, *p["shape"]])
            y[nid] = t
        return x, y


def fits_unknown(data_shape: Any, want: list) -> bool:
    """An Input shape with unknown (null) sizes binds to data of the same rank whose known sizes agree.

    Training then runs at the data set's fixed sizes; the null only says the graph accepts others.
    """
    return len(data_shape) == len(want) and all(w is None or int(w) == int(d) for d, w in zip(data_shape, want))


def _nulls(shape: list) -> str:
    return "[" + ", ".join("null" if d is None else str(d) for d in shape) + "]"


def default_bindings(source: Source) -> dict[str, Any]:
    """Bind each feature and target to a node named after it (no graph needed)."""
    return {
        "inputs": {
            k: {"feature": k, "shape": v["shape"], "dtype": "int32" if "int" in v["dtype"] else "float32"}
            for k, v in source.features.items()
        },
        "outputs": {
            k: {"target": k, "shape": None, "loss": "sparse_categorical_crossentropy" if v.get("num_classes") else "mse"}
            for k, v in source.targets.items()
        },
    }


def _target_plan(nid: str, name: str, shape: tuple, info: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """How a target becomes what an Output's loss wants: int ids, one-hot, or reshaped floats."""
    loss = b.get("loss") or "sparse_categorical_crossentropy"
    out_shape = b.get("shape")
    known = out_shape is not None and all(d is not None for d in out_shape)
    if loss not in _FLOAT_LOSSES:  # sparse: integer ids, shape kept
        return {"name": name, "dtype": "int32", "one_hot": 0, "shape": None}
    classes = info.get("num_classes")
    if (
        loss == "categorical_crossentropy"
        and classes
        and known
        and list(shape) == list(out_shape[:-1])
        and out_shape[-1] == classes
    ):
        return {"name": name, "dtype": "float32", "one_hot": int(classes), "shape": None}
    if not known or list(shape) == list(out_shape):
        return {"name": name, "dtype": "float32", "one_hot": 0, "shape": None}
    if _size(shape) == _size(out_shape):
        return {"name": name, "dtype": "float32", "one_hot": 0, "shape": list(out_shape)}
    raise DataError(
        [
            Issue(
                "shape_mismatch",
                f"Output {nid!r} predicts shape {list(out_shape)} with loss {loss!r} but target {name!r} has shape "
                f"{list(shape)}. Received: shape={list(out_shape)}",
                node_id=nid,
                param="target",
            )
        ]
    )


def _as_source(source: Source | str | dict[str, Any]) -> Source:
    from akid.data.registry import get_source

    if isinstance(source, Source):
        return source
    if isinstance(source, str):
        return get_source(source)
    if isinstance(source, dict) and "source" in source:
        return get_source(source["source"], **(source.get("params") or {}))
    raise data_error(f"source must be a Source, a name or {{'source', 'params'}}. Received: {source!r}", code="bad_source")


def _as_joker(j: Any):
    from akid.blocks import get_block, has_block

    if isinstance(j, dict):
        t = j.get("type")
        if not isinstance(t, str) or not has_block(t) or get_block(t).category != "joker":
            raise data_error(f"unknown joker type. Received: type={t!r}", code="unknown_joker")
        return get_block(t)(j.get("params") or {})
    if getattr(j, "category", None) == "joker" and hasattr(j, "augment"):
        return j
    raise data_error(f"a joker must be a joker block or {{'type', 'params'}}. Received: {j!r}", code="unknown_joker")


def _check_position(epoch: int, skip_batches: int) -> None:
    if skip_batches < 0 or epoch < 0:
        raise data_error(
            f"epoch and skip_batches must be >= 0. Received: epoch={epoch}, skip_batches={skip_batches}", code="bad_param"
        )


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise data_error(f"unknown split; use one of {list(SPLITS)}. Received: split={split!r}", code="bad_split")


def _size(shape) -> int:
    out = 1
    for d in shape:
        out *= int(d)
    return out
