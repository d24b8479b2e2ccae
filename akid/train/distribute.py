"""tf.distribute strategies: default, mirrored (local devices), multi_worker.

``multi_worker`` reads ``TF_CONFIG`` (set per process by
:mod:`akid.train.launcher`). Collective ops are cheap to set up on CPUs over
gRPC on 127.0.0.1, which is what lets tests run a real two-process cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import tensorflow as tf

from akid.settings import environ


@dataclass(frozen=True)
class WorkerInfo:
    """Where this process sits in the cluster: worker ``index`` of ``count``."""

    index: int = 0
    count: int = 1

    @property
    def is_chief(self) -> bool:
        # With a cluster of only "worker" tasks, TF's convention is that worker 0 is the chief.
        return self.index == 0


def worker_info() -> WorkerInfo:
    """This process's index and the number of workers, from TF_CONFIG (1 worker if unset)."""
    raw = environ().get("TF_CONFIG")
    if not raw:
        return WorkerInfo()
    cfg = json.loads(raw)
    cluster = cfg.get("cluster", {})
    task = cfg.get("task", {})
    workers = len(cluster.get("worker", [])) + len(cluster.get("chief", []))
    index = int(task.get("index", 0)) + (len(cluster.get("chief", [])) if task.get("type") == "worker" else 0)
    return WorkerInfo(index=index, count=max(workers, 1))


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The tf.distribute strategy named in the config.

    ``mirrored`` spans the local GPUs (or the CPU when there is none);
    ``multi_worker`` must run in a process started by the launcher.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.MirroredStrategy([d.name for d in gpus] or ["/cpu:0"])
    if name == "multi_worker":
        if not environ().get("TF_CONFIG"):
            raise RuntimeError("strategy 'multi_worker' needs TF_CONFIG; start it through akid.train.launcher")
        options = tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.RING
        )
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    raise ValueError(f"unknown strategy {name!r}")
