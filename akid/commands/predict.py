"""``python -m akid predict GRAPH.json [--weights FILE] --input X.npy|X.npz -o Y.npz``: run a graph on data.

``X.npy`` feeds the graph's only Input; an ``.npz`` feeds Inputs by node id.
``Y.npz`` holds each Output node's prediction under its node id. Prints one
JSON line (outputs and their shapes); errors exit 1 as ``{"ok": false, "errors": [...]}``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from akid.commands.parse import print_errors, read_text
from akid.errors import AkidError, Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "predict",
        help="run a graph (with saved weights) on a NumPy array; write the outputs",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("graph", help="graph JSON file")
    p.add_argument("--weights", help="akid weights file (import-keras writes one)")
    p.add_argument("--input", required=True, help=".npy (the one Input) or .npz keyed by Input node id")
    p.add_argument("-o", "--out", required=True, help="output .npz, keyed by Output node id")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=run)
    return p


def predict(doc: dict[str, Any], feed: dict[str, Any] | Any, weights: str | None = None, batch_size: int = 64) -> dict[str, Any]:
    """Outputs keyed by Output node id, for inputs keyed by Input node id (or one array)."""
    import numpy as np

    from akid.graph.compile import build_model
    from akid.graph.weights import read_weights, set_weights

    model = build_model(doc, max_params=None)
    if weights:
        set_weights(model, read_weights(weights))
    ids = model.program.input_ids
    if not isinstance(feed, dict):
        if len(ids) != 1:
            raise AkidError([Issue("bad_input", f"the graph has Inputs {ids}: give an .npz keyed by them. Received: one array")])
        feed = {ids[0]: feed}
    missing = [i for i in ids if i not in feed]
    if missing:
        raise AkidError([Issue("bad_input", f"no data for Inputs {missing}. Received: {sorted(feed)}")])
    n = len(next(iter(feed.values())))
    parts: dict[str, list] = {}
    for start in range(0, n, batch_size):
        out = model({k: np.asarray(feed[k][start : start + batch_size]) for k in ids}, training=False)
        for k, v in out.items():
            parts.setdefault(k, []).append(np.asarray(v))
    return {k: np.concatenate(v) for k, v in parts.items()}


def run(args: argparse.Namespace) -> int:
    import numpy as np

    try:
        doc = json.loads(read_text(args.graph))
        path = Path(args.input)
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise AkidError([Issue("io_error", f"cannot read {str(path)!r}: {exc}")]) from None
        feed = dict(data) if hasattr(data, "files") else data
        result = predict(doc, feed, args.weights, args.batch_size)
    except AkidError as exc:
        return print_errors(exc)
    np.savez(args.out, **result)
    print(json.dumps({"ok": True, "out": args.out, "outputs": {k: list(v.shape) for k, v in result.items()}}))
    return 0
