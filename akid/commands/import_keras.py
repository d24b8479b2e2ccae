"""``python -m akid import-keras MODEL(.keras|.json) -o DIR``: a Keras model file -> an akid graph (+ weights).

Writes ``DIR/graph.json`` and, when the file has weights, ``DIR/weights.weights.h5``
(akid's weights file, keyed by node id: see :mod:`akid.graph.weights`), then prints
one JSON summary: nodes, params, files, and every unsupported layer/option (exit 1).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from akid.errors import AkidError

NAME = "import-keras"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        NAME, help="import a Keras .keras/.json model (with its weights) as an akid graph", description=__doc__.splitlines()[0]
    )
    p.add_argument("model", help="Keras model file: .keras archive or model JSON (model.to_json())")
    p.add_argument("-o", "--out", required=True, help="output directory (created)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from akid.graph.keras_file import import_keras_file
    from akid.graph.validate import validate

    out = Path(args.out)
    try:
        imported = import_keras_file(args.model)
    except AkidError as exc:
        print(
            json.dumps(
                {
                    "ok": False,
                    "errors": exc.to_dicts(),
                    "unsupported": [i.to_dict() for i in exc.issues if i.code.startswith("unsupported")],
                },
                indent=2,
            )
        )
        return 1
    report = validate(imported.doc, max_params=None)
    out.mkdir(parents=True, exist_ok=True)
    graph_path = out / "graph.json"
    graph_path.write_text(json.dumps(imported.doc, indent=2, ensure_ascii=False), encoding="utf-8")
    weights_path = None
    if imported.weights is not None:
        from akid.graph.weights import save_weights

        weights_path = save_weights(imported.weights, out / "weights.weights.h5")
    print(
        json.dumps(
            {
                "ok": report.ok,
                "graph": str(graph_path),
                "weights": None if weights_path is None else str(weights_path),
                "nodes": len(imported.doc["nodes"]),
                "params": report.params,
                "flops": report.flops,
                "errors": [i.to_dict() for i in report.errors],
                "unsupported": [],
            },
            indent=2,
        )
    )
    return 0 if report.ok else 1
