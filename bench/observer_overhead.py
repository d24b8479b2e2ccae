"""Samples/s with every observer on vs. all off, same model, same run.

"On" means what the studio uses by default: batched scalars, weight and
gradient histograms, conv filters, feature maps, the confusion matrix and the
TensorBoard writer, with every event JSON-encoded by a sink the way the server
stores and forwards it. Target: >= 0.95; ratio = best all-on ÷ best all-off
over 3 interleaved rounds (the order flips each round).
"""

from __future__ import annotations

import gc
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
    # Interleaved, and the order flips every round: a run that always came second would carry
    # whatever the first left behind in this process (garbage, traces) or a load change.
    for r in range(1 if smoke else 3):
        for observers in (ALL_OFF, ALL_ON) if r % 2 == 0 else (ALL_ON, ALL_OFF):
            gc.collect()
            if observers is ALL_ON:
                on.append(measure_akid(doc, steps, batch, observers=ALL_ON, sink=sink))
            else:
                off.append(measure_akid(doc, steps, batch, observers=ALL_OFF))
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
        rounds_all_on=[round(x) for x in on],
        rounds_all_off=[round(x) for x in off],
        ratio_per_round=[round(a / b, 3) for a, b in zip(on, off)],
    )
