"""The one place the backend imports the akid library's parts.

Imports are lazy: the web server must start fast and must not pull in
TensorFlow until a request needs it. A part of the library that is missing
(not installed, or not written yet) becomes a 501 JSON error naming it instead
of crashing the server at import time.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from backend.errors import api_error


def module(name: str) -> ModuleType:
    """Import ``name`` or answer 501 ``not_available`` (only when that module itself is missing)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise api_error(501, "not_available", f"{name} is not available in this build") from None
        raise


def block_specs() -> list[dict[str, Any]]:
    return module("akid.blocks").block_specs()


def templates() -> list[dict[str, Any]]:
    mod = module("akid.graph.templates")
    if hasattr(mod, "template_list"):
        return mod.template_list()
    return [{"id": tid, "name": str(doc.get("name") or tid), "graph": doc} for tid, doc in mod.TEMPLATES.items()]


def validate(doc: Any, max_params: int | None = None) -> dict[str, Any]:
    """The validator's report JSON; it never raises for user input."""
    mod = module("akid.graph.validate")
    report = mod.validate(doc, max_params=max_params) if max_params else mod.validate(doc)
    return report.to_json()


def load_graph(doc: Any) -> Any:
    """Strict format check (raises GraphFormatError with every problem)."""
    return module("akid.graph.schema").load_graph(doc)


def parse_metasyntax(text: str) -> dict[str, Any]:
    return module("akid.graph.metasyntax").parse(text)


EXPORT_TARGETS = ("python", "python-keras", "keras-json", "metasyntax")


def export(doc: dict[str, Any], to: str) -> str:
    if to not in EXPORT_TARGETS:
        raise api_error(400, "bad_param", f"unknown export target {to!r}; one of {list(EXPORT_TARGETS)}", param="to")
    if to == "metasyntax":
        return module("akid.graph.metasyntax").format(doc)
    exp = module("akid.graph.export")
    if to == "python":
        return exp.to_python(doc, flavor="akid")
    if to == "python-keras":
        return exp.to_python(doc, flavor="keras")
    if to == "keras-json":
        return exp.to_keras_json(doc)
    raise api_error(400, "bad_param", f"unknown export target {to!r}; one of {list(EXPORT_TARGETS)}", param="to")


def import_keras(text: str) -> dict[str, Any]:
    return module("akid.graph.export").from_keras_json(text)


def list_sources() -> list[dict[str, Any]]:
    return module("akid.data.registry").list_sources()


def get_source(name: str, **params: Any) -> Any:
    return module("akid.data.registry").get_source(name, **params)


def import_upload(*args: Any, **kwargs: Any) -> Any:
    return module("akid.data.uploads").import_upload(*args, **kwargs)


def load_train_config(raw: Any) -> dict[str, Any]:
    """Validated config dumped to JSON (raises ConfigError issues -> 400)."""
    cfg = module("akid.train.config").load_config(raw)
    return cfg.model_dump(mode="json")


def train_config_schema() -> dict[str, Any]:
    return module("akid.train.config").train_config_schema()


def predict(doc: dict[str, Any], logdir: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return module("akid.train.api").predict(doc, logdir, inputs)
