"""``python -m akid parse FILE.akid|-``: meta-syntax text -> graph JSON on stdout.

Errors exit 1 and print ``{"ok": false, "errors": [issue, ...]}`` (each with
``line L, column C``) so editors and scripts read them like ``validate``'s.
Parsing needs only the block specs, which import no TensorFlow, so it runs in
well under a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from akid.errors import AkidError, Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "parse", help="turn meta-syntax text into a graph JSON document", description=__doc__.splitlines()[0]
    )
    p.add_argument("file", help="meta-syntax file (.akid), or - for stdin")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(func=run)
    return p


def read_text(path: str) -> str:
    """The file's text, or stdin for '-'; raises AkidError (code io_error) when unreadable."""
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise AkidError([Issue("io_error", f"cannot read {path!r}: {reason}", path="$")]) from None


def print_errors(exc: AkidError) -> int:
    print(json.dumps({"ok": False, "errors": exc.to_dicts()}, indent=2))
    return 1


def run(args: argparse.Namespace) -> int:
    def go() -> dict[str, Any]:
        from akid.graph.metasyntax import parse

        return parse(read_text(args.file))

    try:
        doc = go()
    except AkidError as exc:
        return print_errors(exc)
    print(json.dumps(doc, indent=None if args.compact else 2, ensure_ascii=False))
    return 0
