"""Samples/s with every observer on vs. all off, same model, same run.

"On" means what the studio uses by default: batched scalars, weight and
gradient histograms, conv filters, feature maps, the confusion matrix and the
TensorBoard writer, with every event JSON-encoded by a sink the way the server
stores and forwards it. Target: >= 0.95.

Measured like ``train_vs_keras``: two Kids (all on, all off) are built and
traced once, then trained again in short rounds, alternating which goes first
(a run that always came second would carry the first one's leftovers, or a
load change); after a warm-up round each, ratio = the median of the per-round
all-on ÷ all-off ratios by process CPU time (the background threads that bin,
encode and send are counted: they are the observers' cost), with the spread.
A round is 200 steps, so each holds the same observer work: 2 histogram steps
and 1 picture step.
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
    from train_vs_keras import AkidRounds, alternate, model_doc

    doc = model_doc("cnn")
    steps = 40 if smoke else 200
    rounds = 2 if smoke else (5 if quick else 9)
    batch = 64
    sink = EncodingSink()
    on = AkidRounds(doc, steps, batch, observers=ALL_ON, sink=sink)
    off = AkidRounds(doc, steps, batch, observers=ALL_OFF)
    try:
        m = alternate(on, off, rounds)
    finally:
        on.close()
        off.close()
    ratio = m["ratio_cpu"]
    return result(
        "observer_overhead",
        ratio,
        ">= 0.95 (median of per-round CPU-time ratios)",
        ratio >= 0.95,
        spread=m["ratio_cpu_spread"],
        ratio_wall=round(m["ratio_wall"], 3),
        spread_wall=m["ratio_wall_spread"],
        ratio_per_round=m["ratio_cpu_per_round"],
        ratio_wall_per_round=m["ratio_wall_per_round"],
        cpu_samples_per_sec_all_on=round(m["a_cpu_samples_per_sec"]),
        cpu_samples_per_sec_all_off=round(m["b_cpu_samples_per_sec"]),
        events=sink.events,
        event_bytes=sink.bytes,
        steps_per_round=steps,
        rounds=rounds,
    )
