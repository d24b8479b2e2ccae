"""Export a graph as code or Keras JSON, and import Keras JSON.

- :func:`to_python` writes a runnable Python file: flavor ``"akid"`` embeds the
  graph document and calls :func:`akid.graph.compile.build_model` (everything
  akid supports, composites included); flavor ``"keras"`` writes plain Keras
  with no akid dependency — a functional model, or a ``keras.Model`` subclass
  that unrolls ``time_steps`` when the graph has feedback edges.
- :func:`to_keras_json` is ``model.to_json()`` of the keras-flavor model.
- :func:`from_keras_json` reads a Keras functional/Sequential model's JSON.

User strings only ever reach generated code as ``repr`` literals, and imported
JSON is parsed as data, never evaluated (see the modules below).
"""

from __future__ import annotations

from typing import Any

from akid.errors import AkidError, Issue
from akid.graph.export_code import to_python_akid, to_python_keras
from akid.graph.export_import import from_keras_json

__all__ = ["FLAVORS", "from_keras_json", "to_keras_json", "to_python"]

FLAVORS = ("akid", "keras")


def to_python(doc: dict[str, Any], flavor: str = "akid") -> str:
    """Python source that rebuilds the model of ``doc`` (the module-level ``model``)."""
    if flavor == "akid":
        return to_python_akid(doc)
    if flavor == "keras":
        return to_python_keras(doc)
    raise AkidError([Issue("bad_flavor", f"flavor must be one of {list(FLAVORS)}. Received: {flavor!r}")])


def to_keras_json(doc: dict[str, Any]) -> str:
    """``model.to_json()`` of the plain-Keras model (graphs without feedback); imports TensorFlow."""
    from akid.graph.export_keras import build_keras_model

    return build_keras_model(doc).to_json()
