"""A fake trainer for the hostile-input server: takes the real ``TrainConfig`` (the server
converts configs as in production) and reads its knobs from the graph's ``description``
(JSON: ``steps``, ``delay``, ``images`` = send a picture every step, ``image_bytes``)."""

from __future__ import annotations

import json
import time
from typing import Any

from backend_fake_trainer import PNG


def train(graph: dict[str, Any], config: Any, *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    try:
        knobs = json.loads(graph.get("description") or "{}")
    except ValueError:
        knobs = {}
    steps, delay = int(knobs.get("steps", 10)), float(knobs.get("delay", 0.01))
    picture = PNG + b"\x00" * int(knobs.get("image_bytes", 0))
    sink("status", {"state": "running", "step": 0, "epoch": 0, "total_steps": steps, "progress": 0.0}, [])
    step = 0
    while step < steps and not stop.is_set():
        time.sleep(delay)
        step += 1
        sink(
            "metrics",
            {"points": [{"step": step, "epoch": 0, "split": "train", "name": "loss", "value": 1.0 / step, "wall": time.time()}]},
            [],
        )
        if knobs.get("images"):
            sink(
                "images",
                {"step": step, "items": [{"node_id": "d1", "kind": "filters", "index": 0, "width": 1, "height": 1}]},
                [picture],
            )
    state = "cancelled" if stop.is_set() else "completed"
    sink("status", {"state": state, "step": step, "epoch": 1, "total_steps": steps, "progress": step / steps}, [])
    return {"state": state, "steps": step}
