"""The run target of the benchmarks' shared server (runs in the server's worker processes).

A config with ``rate`` is a stand-in run: ``log`` events stamped with ``wall``
at ``rate``/s (0: as fast as possible) for ``seconds`` — the bare transport
path, no batching. Any other config is a real run: ``akid.train.api.train``
after the same config check ``akid serve`` does (the shared server hands
configs over unconverted, so that stand-in configs pass).

TensorFlow is imported only by a real run: the server starts a spare ("warm")
worker after every run start, and with TensorFlow imported at module level each
stand-in run would set off a multi-second import in the background of the
measurements that follow.
"""

from __future__ import annotations

import time
from typing import Any


def fake_train(graph: dict, config: dict, *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    """Stand-in trainer: ``log`` events stamped with ``wall``, paced at ``rate``/s."""
    rate, seconds = float(config.get("rate", 0)), float(config.get("seconds", 10))
    sink("status", {"state": "running", "step": 0, "epoch": 0, "total_steps": None, "progress": 0.0}, [])
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end and not stop.is_set():
        i += 1
        sink("log", {"level": "info", "message": f"bench {i}", "wall": time.time()}, [])
        if rate > 0:
            time.sleep(1.0 / rate)
    return {"events": i}


def train(graph: dict, config: dict, *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    if "rate" in config:
        return fake_train(graph, config, logdir=logdir, sink=sink, stop=stop, resume=resume)
    from akid.train import api
    from akid.train.config import load_config

    return api.train(graph, load_config(config), logdir=logdir, sink=sink, stop=stop, resume=resume)
