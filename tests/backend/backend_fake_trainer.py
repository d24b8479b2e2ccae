"""A stand-in for akid.train.api.train with the same signature, for fast run-manager tests.

Config keys (plain dict; the app runs with CONVERT_CONFIG off): ``steps``,
``delay`` (seconds per step), ``crash`` (``raise`` | ``exit`` at ``crash_at``),
``hang`` (ignore the stop event), ``images_at``. Checkpoints its step to
``logdir/fake_ckpt.json`` every 5 steps so resume can continue the counter.
"""

from __future__ import annotations

import json
import os
import pathlib
import time
from typing import Any

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def train(graph: dict[str, Any], config: dict[str, Any], *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    steps, delay = int(config.get("steps", 20)), float(config.get("delay", 0.01))
    ck = pathlib.Path(logdir) / "fake_ckpt.json"
    start = json.loads(ck.read_text())["step"] if resume and ck.exists() else 0
    sink("status", {"state": "running", "step": start, "epoch": 0, "total_steps": steps, "progress": start / steps}, [])
    sink("log", {"level": "info", "message": f"starting at step {start}"}, [])
    step = start
    while step < steps:
        if stop.is_set() and not config.get("hang"):
            break
        time.sleep(delay)
        step += 1
        sink(
            "metrics",
            {"points": [{"step": step, "epoch": 0, "split": "train", "name": "loss", "value": 1.0 / step, "wall": time.time()}]},
            [],
        )
        if step % 5 == 0:
            ck.write_text(json.dumps({"step": step}))
            sink("status", {"state": "running", "step": step, "epoch": 0, "total_steps": steps, "progress": step / steps}, [])
        if step == config.get("images_at"):
            sink(
                "images",
                {
                    "step": step,
                    "items": [
                        {"node_id": "c1", "kind": "filters", "index": 0, "width": 1, "height": 1},
                        {"node_id": "c1", "kind": "feature_map", "index": 1, "width": 1, "height": 1},
                    ],
                },
                [PNG, PNG],
            )
            sink(
                "histograms",
                {
                    "step": step,
                    "items": [{"node_id": "c1", "tensor": "kernel", "edges": [0, 1, 2], "counts": [3, 4], "sparsity": 0.0}],
                },
                [],
            )
        if step == config.get("crash_at"):
            if config.get("crash") == "exit":
                os._exit(3)
            raise RuntimeError(f"boom at step {step}")
    state = "cancelled" if stop.is_set() else "completed"
    sink("status", {"state": state, "step": step, "epoch": 1, "total_steps": steps, "progress": step / steps}, [])
    return {"state": state, "steps": step, "loss": 1.0 / max(step, 1)}
