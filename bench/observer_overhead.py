"""Samples/s with every observer on vs. all off, same model, same run.

"On" means what the studio uses by default: batched scalars, weight and
gradient histograms, conv filters, feature maps, the confusion matrix and the
TensorBoard writer, with every event JSON-encoded by a sink the way the server
stores and forwards it. Target: >= 0.95.
"""

from __future__ import annotations

import json

from common import result

ALL_OFF = {"scalars": False, "histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False}
ALL_ON = {"scalars": True, "histograms_every": 100, "images_every": 200, "confusion": True, "tensorboard": True}


class EncodingSink:
    """Does the server's share of the work: JSON for payloads, bytes kept for attachments."""

    def __init__(self) -> None:
        self.events = 0
        self.bytes = 0

    def __call__(self, kind: str, payload: dict, attachments: list) -> None:
        self.events += 1
        self.bytes += len(json.dumps(payload)) + sum(len(a) for a in attachments)


def run(quick: bool = False, smoke: bool = False) -> dict:
    from train_vs_keras import measure_akid, model_doc

    doc = model_doc("cnn")
    steps = 40 if smoke else (150 if quick else 1000)
    batch = 64
    off, on = [], []
    sink = EncodingSink()
    for _ in range(1 if smoke else 2):  # interleave to share the machine's noise
        off.append(measure_akid(doc, steps, batch, observers=ALL_OFF))
        on.append(measure_akid(doc, steps, batch, observers=ALL_ON, sink=sink))
    off_sps, on_sps = max(off), max(on)
    ratio = on_sps / off_sps
    return result(
        "observer_overhead",
        ratio,
        ">= 0.95",
        ratio >= 0.95,
        samples_per_sec_all_on=on_sps,
        samples_per_sec_all_off=off_sps,
        events=sink.events,
        event_bytes=sink.bytes,
        steps=steps,
    )
