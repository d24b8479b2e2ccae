"""One JSON encoder for every HTTP response and socket message: never NaN/Infinity.

Browsers' ``JSON.parse`` rejects bare ``NaN``; a NaN node position or a NaN prediction
must arrive as ``null``. The fast path is the standard encoder with ``allow_nan=False``;
only a payload that actually holds a non-finite float (or numpy values) takes the
slower cleaning pass (:func:`backend.runs.wire.clean`).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from backend.runs.wire import clean


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` that writes non-finite floats as null and numpy values as numbers."""
    kwargs.pop("allow_nan", None)
    try:
        return json.dumps(obj, allow_nan=False, **kwargs)
    except (ValueError, TypeError):
        kwargs.pop("default", None)
        return json.dumps(clean(obj), allow_nan=False, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that turns a RecursionError (absurd nesting) into a ValueError."""
    try:
        return json.loads(s, **kwargs)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class SafeJSONProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


def install_json(app: Flask) -> None:
    app.json = SafeJSONProvider(app)
    app.json.sort_keys = False
