"""``python -m akid validate FILE|-``: print the validation report as JSON, exit 1 if invalid.

Validation is static: it reads only the block specs (``akid.blocks``), which
import no TensorFlow, so the answer comes in milliseconds, not the five seconds
importing TensorFlow takes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from akid.errors import Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "validate",
        help="check a graph document; print errors, shapes, params and FLOPs as JSON",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("file", help="graph JSON file, or - for stdin")
    p.add_argument("--max-params", type=int, default=None, help="largest allowed parameter count (default 50M)")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        issue = Issue("io_error", f"cannot read the graph file: {exc.strerror}. Received: {args.file!r}", path="$")
        out: dict[str, Any] = {"ok": False, "errors": [issue.to_dict()], "shapes": {}, "nodes": {}, "params": 0, "flops": 0}
    else:
        out = _validate(text, args.max_params)
    print(json.dumps(out, indent=None if args.compact else 2))
    return 0 if out["ok"] else 1


def _validate(text: str, max_params: int | None) -> dict[str, Any]:
    from akid.graph.validate import DEFAULT_MAX_PARAMS, validate

    return validate(text, max_params=DEFAULT_MAX_PARAMS if max_params is None else max_params).to_json()
