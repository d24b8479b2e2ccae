"""The training engine's public API: :func:`train` and :func:`predict`.

The backend calls :func:`train` inside a worker process with a ``sink`` that
forwards events to the browser and a ``stop`` event for cancellation. User
mistakes (graph, data binding, config) raise :class:`~akid.errors.AkidError`
subclasses carrying issues, after an ``error`` event and a ``failed`` status
went to the sink, so the UI can pin them to nodes; they never reach the user as
tracebacks. ``strategy="multi_worker"`` runs the same loop in worker processes
started by :mod:`akid.train.launcher`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from akid.errors import AkidError, DataError, Issue
from akid.train.config import TrainConfig, load_config

Sink = Callable[[str, dict, list], None]
RUN_FILE = "akid_run.json"


def _null_sink(kind: str, payload: dict, attachments: list) -> None:
    return None


def preflight(graph_doc: dict[str, Any], cfg: TrainConfig) -> None:
    """Validate the graph and bind it to the data here, before any worker starts."""
    from akid.graph.compile import build_model
    from akid.train.distribute import WorkerInfo
    from akid.train.model_setup import make_sensor

    model = build_model(graph_doc)
    make_sensor(model, cfg, WorkerInfo(0, cfg.workers if cfg.strategy == "multi_worker" else 1))


def train(
    graph_doc: dict[str, Any],
    config: TrainConfig | dict[str, Any] | None,
    *,
    logdir: str | os.PathLike,
    sink: Sink | None = None,
    stop: Any = None,
    resume: bool = False,
) -> dict[str, Any]:
    """Train ``graph_doc`` as ``config`` says; checkpoints and TensorBoard files go under ``logdir``.

    Returns the final metrics: ``state`` (completed|cancelled), ``steps``,
    ``epochs``, ``train``/``val`` metric dicts, ``val_accuracy`` per output,
    ``samples_per_sec``, ``restarts``, ``lost_steps``, ``checkpoint``.
    ``stop`` (threading/multiprocessing Event) is checked between steps: a
    cancelled run keeps what it measured and saves a checkpoint to resume from.
    """
    emit = sink or _null_sink
    try:
        cfg = load_config(config)
        Path(logdir).mkdir(parents=True, exist_ok=True)
        # predict() reads it back to prepare inputs the way training did (deterministic jokers)
        (Path(logdir) / RUN_FILE).write_text(json.dumps({"config": cfg.model_dump(mode="json")}))
        if cfg.strategy == "multi_worker":
            preflight(graph_doc, cfg)
            from akid.train.launcher import launch

            result = launch(graph_doc, cfg, logdir=logdir, sink=emit, stop=stop, resume=resume)
        else:
            from akid.train.init_weights import load_init_weights
            from akid.train.kid import Kid

            kid = Kid(graph_doc, cfg, logdir, sink=emit, stop=stop)
            try:
                load_init_weights(kid.model, logdir, kid.log)  # fine-tuning: see akid.train.init_weights
                result = kid.fit(resume=resume)
            finally:
                kid.close()
    except AkidError as exc:
        emit("error", {"message": str(exc), "issues": exc.to_dicts()}, [])
        emit("status", {"state": "failed", "step": 0, "epoch": 0, "total_steps": 0, "progress": 0.0, "reason": str(exc)}, [])
        raise
    except Exception as exc:
        emit("error", {"message": f"{type(exc).__name__}: {exc}"}, [])
        emit(
            "status",
            {
                "state": "failed",
                "step": 0,
                "epoch": 0,
                "total_steps": 0,
                "progress": 0.0,
                "reason": f"{type(exc).__name__}: {exc}",
            },
            [],
        )
        raise
    total = result.get("total_steps") or 0
    emit(
        "status",
        {
            "state": result["state"],
            "step": result["steps"],
            "epoch": result.get("epoch", 0),
            "total_steps": total,
            "progress": min(1.0, result["steps"] / total) if total else 1.0,
        },
        [],
    )
    return result


def predict(graph_doc: dict[str, Any], logdir: str | os.PathLike, inputs: dict[str, Any]) -> dict[str, list]:
    """Run the newest checkpoint on ``inputs`` (``{feature or input node id: array}``).

    A single sample or a batch may be given; values are reshaped to the Input's
    shape when the sizes agree (8x8 digits into a ``[64]`` Input). Classification
    outputs trained from logits are returned as probabilities.
    """
    import tensorflow as tf

    from akid.graph.compile import build_model
    from akid.train.checkpoints import restore_model
    from akid.train.objectives import heads_from_bindings, probabilities

    model = build_model(graph_doc)
    restore_model(model, logdir)
    feed, issues = {}, []
    for nid, b in model.bindings["inputs"].items():
        key = b["feature"] if b["feature"] in inputs else nid
        if key not in inputs:
            issues.append(
                Issue(
                    "missing_input",
                    f"no value for feature {b['feature']!r} (Input {nid!r}). Received: {sorted(inputs)}",
                    node_id=nid,
                    param="feature",
                )
            )
            continue
        arr = np.asarray(inputs[key], dtype=b["dtype"])
        if None in b["shape"]:  # sizes that vary: take the samples as given (rank and known sizes checked)
            from akid.data.sensor import fits_unknown

            if arr.size == 0 or not fits_unknown(arr.shape[1:], b["shape"]):
                issues.append(
                    Issue(
                        "shape_mismatch",
                        f"Input {nid!r} takes a batch of samples of shape {b['shape']} (None: any size). "
                        f"Received: shape={list(arr.shape)}",
                        node_id=nid,
                    )
                )
                continue
            feed[nid] = tf.constant(arr)
            continue
        size = math.prod(b["shape"])
        if arr.size == 0 or arr.size % size:
            issues.append(
                Issue(
                    "shape_mismatch",
                    f"Input {nid!r} takes samples of shape {b['shape']} ({size} values). Received: shape={list(arr.shape)}",
                    node_id=nid,
                )
            )
            continue
        feed[nid] = tf.constant(arr.reshape(-1, *b["shape"]))
    if issues:
        raise DataError(issues)
    feed = _prepare(feed, model.bindings, Path(logdir))
    out = model(feed, training=False)
    return {h.node_id: np.asarray(probabilities(h, out[h.node_id])).tolist() for h in heads_from_bindings(model.bindings)}


def _prepare(feed: dict[str, Any], bindings: dict[str, Any], logdir: Path) -> dict[str, Any]:
    """Apply the run's deterministic jokers (e.g. Normalize) to the inputs, as the sensor did in training."""
    import tensorflow as tf

    from akid.data.sensor import _as_joker

    try:
        jokers = json.loads((logdir / RUN_FILE).read_text())["config"].get("jokers") or []
    except (OSError, ValueError, KeyError):
        return feed
    for j in (_as_joker(j) for j in jokers):
        if j.training_only:
            continue
        for nid, b in bindings["inputs"].items():
            if b["feature"] == j.p.feature:
                feed[nid] = tf.cast(j.augment(feed[nid], tf.constant([0, 0], tf.int64)), feed[nid].dtype)
    return feed
