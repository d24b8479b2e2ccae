"""``python -m akid validate FILE|-``: print the validation report as JSON, exit 1 if invalid.

Validation is static (the blocks' ``infer`` classmethods), yet the block classes
subclass ``keras.layers.Layer`` and importing Keras imports TensorFlow — five
seconds for an answer that takes milliseconds. So when nothing has imported
Keras yet, this command loads the blocks against a tiny stand-in ``keras``
module (class bodies only name Keras attributes; nothing runs them here), and
removes the stand-in and everything imported under it afterwards, so a process
that goes on to import the real Keras is not affected.
"""
from __future__ import annotations

import argparse
import json
import sys
import types
from contextlib import contextmanager
from typing import Any, Iterator

from akid.errors import Issue


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("validate", help="check a graph document; print errors, shapes, params and FLOPs as JSON",
                              description=__doc__.splitlines()[0])
    p.add_argument("file", help="graph JSON file, or - for stdin")
    p.add_argument("--max-params", type=int, default=None, help="largest allowed parameter count (default 50M)")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    except OSError as exc:
        issue = Issue("io_error", f"cannot read the graph file: {exc.strerror}. Received: {args.file!r}", path="$")
        out: dict[str, Any] = {"ok": False, "errors": [issue.to_dict()], "shapes": {}, "nodes": {}, "params": 0, "flops": 0}
    else:
        out = _validate(text, args.max_params)
    print(json.dumps(out, indent=None if args.compact else 2))
    return 0 if out["ok"] else 1


def _validate(text: str, max_params: int | None) -> dict[str, Any]:
    def go() -> dict[str, Any]:
        from akid.graph.validate import DEFAULT_MAX_PARAMS, validate

        return validate(text, max_params=DEFAULT_MAX_PARAMS if max_params is None else max_params).to_json()

    try:
        with _static_blocks():
            return go()
    except Exception:  # a block module needed more of Keras than the stand-in offers: pay for the real one
        return go()


@contextmanager
def _static_blocks() -> Iterator[None]:
    """Import the blocks without TensorFlow when Keras is not loaded yet (see module doc)."""
    if "keras" in sys.modules or "tensorflow" in sys.modules:
        yield
        return
    before = set(sys.modules)
    sys.modules["keras"] = _keras_stub()
    sys.modules["tensorflow"] = _StubModule("tensorflow")
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            if name in ("keras", "tensorflow") or name.startswith(("keras.", "tensorflow.", "akid.")):
                del sys.modules[name]


class _StubLayer:
    """Stands in for ``keras.layers.Layer``: enough to define block classes, never to run them."""

    def __init__(self, *args: Any, name: str | None = None, **kwargs: Any) -> None:
        self.name = name

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}


class _Anything:
    """Any attribute, call or base class a block module's top level may ask Keras for."""

    def __getattr__(self, name: str) -> "_Anything":
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and isinstance(args[0], type):
            return args[0]  # used as a class decorator (register_keras_serializable(...)(cls))
        return _Anything()

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (_StubLayer,)


class _StubModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()


def _keras_stub() -> types.ModuleType:
    keras = _StubModule("keras")
    layers = _StubModule("keras.layers")
    layers.Layer = _StubLayer
    keras.layers = layers
    keras.Model = _StubLayer
    keras.__akid_stub__ = True
    return keras
