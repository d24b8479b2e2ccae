"""Shared helpers for backend tests: OpenAPI response checking, graphs, waiting."""

from __future__ import annotations

import pathlib
import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "backend" / "openapi.yaml"

MLP = {
    "format": "akid.graph/v1",
    "name": "mlp",
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [64], "feature": "image"}},
        {"id": "d1", "type": "Dense", "params": {"units": 16, "activation": "relu"}},
        {"id": "d2", "type": "Dense", "params": {"units": 10}},
        {"id": "y", "type": "Output", "params": {"target": "label"}},
    ],
    "edges": [
        {"id": "e1", "source": "x", "target": "d1"},
        {"id": "e2", "source": "d1", "target": "d2"},
        {"id": "e3", "source": "d2", "target": "y"},
    ],
}


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def _escape(p: str) -> str:
    return p.replace("~", "~0").replace("/", "~1")


def _template_for(path: str) -> str:
    path = path.split("?", 1)[0]
    for tmpl in spec()["paths"]:
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", tmpl), path):
            return tmpl
    raise AssertionError(f"{path} is not documented in openapi.yaml")


def validate_schema(instance: Any, pointer: str) -> None:
    """Validate ``instance`` against the schema at JSON pointer ``pointer`` of openapi.yaml."""
    root = dict(spec())
    root["$ref"] = pointer
    jsonschema.Draft202012Validator(root).validate(instance)


def check(resp, method: str, path: str | None = None) -> Any:
    """Assert the response (Flask test client or requests) matches openapi.yaml; returns its JSON."""
    url = path or resp.request.path
    tmpl = _template_for(url)
    op = spec()["paths"][tmpl][method.lower()]
    status = str(resp.status_code)
    assert status in op["responses"], (
        f"{method} {tmpl} answered {status}, which is not documented: {getattr(resp, 'text', '')[:500]}"
    )
    r = op["responses"][status]
    if "$ref" in r:
        pointer = r["$ref"] + "/content/application~1json/schema"
    else:
        pointer = f"#/paths/{_escape(tmpl)}/{method.lower()}/responses/{status}/content/application~1json/schema"
    body = resp.get_json() if hasattr(resp, "get_json") else resp.json()
    validate_schema(body, pointer)
    return body


def wait_for(pred: Callable[[], Any], timeout: float = 30.0, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
