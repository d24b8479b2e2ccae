"""``python -m akid export FILE|- --to python|keras|keras-json|metasyntax|json|onnx``.

FILE may be a graph JSON document, meta-syntax text, or a Keras model's JSON
(``model.to_json()``, imported with :func:`akid.graph.export.from_keras_json`);
the kind is recognised from the content. ``python`` writes the akid flavor,
``keras`` (alias ``python-keras``, as in the REST API) plain Keras code, ``json`` the graph document. Errors exit 1 with
``{"ok": false, "errors": [...]}``. ``onnx`` and ``keras-file`` (a ``.keras`` model with its
weights, e.g. a trained run's) write binary files: give ``-o FILE`` (and
``--weights`` for trained weights; otherwise the initial ones). Only ``keras-json`` and
``onnx`` need TensorFlow.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from akid.commands.parse import print_errors, read_text
from akid.errors import AkidError

TARGETS = ("python", "keras", "python-keras", "keras-json", "metasyntax", "json", "onnx", "keras-file")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "export", help="write a graph as Python code, Keras JSON, meta-syntax or graph JSON", description=__doc__.splitlines()[0]
    )
    p.add_argument("file", help="graph JSON, meta-syntax or Keras model JSON file, or - for stdin")
    p.add_argument("--to", required=True, choices=TARGETS, help="what to write")
    p.add_argument("-o", "--out", help="output file (required for onnx; default stdout)")
    p.add_argument("--weights", help="akid weights file for onnx/keras-file (default: the initial weights)")
    p.add_argument("--run", help="a run's logdir: take the weights of its newest checkpoint (onnx/keras-file)")
    p.set_defaults(func=run)
    return p


def load_any(text: str) -> dict[str, Any]:
    """Graph JSON, Keras model JSON or meta-syntax -> graph document."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("class_name") in ("Functional", "Model", "Sequential"):
            from akid.graph.export import from_keras_json

            return from_keras_json(text)
        if isinstance(data, dict):
            return data
    from akid.graph.metasyntax import parse

    return parse(text)


def convert(doc: dict[str, Any], to: str) -> str:
    from akid.graph import export

    if to == "python":
        return export.to_python(doc, flavor="akid")
    if to in ("keras", "python-keras"):  # python-keras: the REST API's name for it
        return export.to_python(doc, flavor="keras")
    if to == "keras-json":
        return export.to_keras_json(doc)
    if to == "metasyntax":
        from akid.graph.metasyntax import format

        return format(doc)
    from akid.graph.schema import dump_graph, load_graph

    return json.dumps(dump_graph(load_graph(doc)), indent=2, ensure_ascii=False)


def run(args: argparse.Namespace) -> int:
    try:
        text = read_text(args.file)
        if args.to in ("onnx", "keras-file"):
            return _binary(load_any(text), args)
        out = convert(load_any(text), args.to)
    except AkidError as exc:
        return print_errors(exc)
    if getattr(args, "out", None):
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(out if out.endswith("\n") else out + "\n")
        return 0
    print(out if out.endswith("\n") else out + "\n", end="")
    return 0


def _binary(doc: dict[str, Any], args: argparse.Namespace) -> int:
    """ONNX or a .keras file (with --weights, or the initial weights): binary, so -o is required."""
    from akid.errors import Issue
    from akid.graph.export_onnx import to_keras_file, to_onnx

    if not args.out:
        raise AkidError(
            [Issue("bad_param", f"{args.to} is binary: give an output file with -o FILE. Received: no -o", param="out")]
        )
    write = to_onnx if args.to == "onnx" else to_keras_file
    weights = args.weights
    if getattr(args, "run", None):
        weights = _run_weights(doc, args.run)
    path = write(doc, args.out, weights=weights)
    print(json.dumps({"ok": True, args.to.replace("-", "_"): str(path)}))
    return 0


def _run_weights(doc: dict[str, Any], logdir: str) -> dict[str, Any]:
    """``{node_id: arrays}`` from the newest checkpoint of a run (a trained model, ready to export)."""
    from akid.graph.compile import build_model
    from akid.graph.weights import model_weights
    from akid.train.checkpoints import restore_model

    model = build_model(doc, max_params=None)
    restore_model(model, logdir)
    return model_weights(model)
