"""A stand-in trainer for sweep tests: ``epochs`` epochs whose val accuracy is ``quality`` (a config choice)."""

from __future__ import annotations

import time
from typing import Any


def train(graph: dict[str, Any], config: dict[str, Any], *, logdir: str, sink, stop, resume: bool = False) -> dict[str, Any]:
    epochs, quality, delay = int(config.get("epochs", 2)), float(config.get("quality", 0.5)), float(config.get("delay", 0.05))
    sink("status", {"state": "running", "step": 0, "epoch": 0, "total_steps": epochs, "progress": 0.0}, [])
    epoch = 0
    while epoch < epochs and not stop.is_set():
        time.sleep(delay)
        value = quality * (epoch + 1) / epochs
        sink(
            "metrics",
            {
                "points": [
                    {"step": epoch + 1, "epoch": epoch, "split": "val", "name": "y/accuracy", "value": value, "wall": time.time()}
                ]
            },
            [],
        )
        epoch += 1
        sink("status", {"state": "running", "step": epoch, "epoch": epoch, "total_steps": epochs, "progress": epoch / epochs}, [])
    state = "cancelled" if stop.is_set() else "completed"
    return {"state": state, "steps": epoch, "val": {"y/accuracy": quality}}
