"""The source registry: the one place that knows every data source.

The data-set picker (``GET /api/datasets``), the training config and the CLI
look sources up here by name, so adding a data set is one decorated class.
"""

from __future__ import annotations

from typing import Any, TypeVar

from akid.data.base import Source, data_error
from akid.errors import DataError
from akid.settings import get_settings

_SOURCES: dict[str, type[Source]] = {}
_LISTING_CACHE: dict[tuple[str, str | None], dict[str, Any]] = {}
S = TypeVar("S", bound=type[Source])


def register_source(cls: S) -> S:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    existing = _SOURCES.get(cls.name)
    if existing is not None and existing is not cls:
        raise ValueError(f"source {cls.name!r} registered twice ({existing.__name__}, {cls.__name__})")
    _SOURCES[cls.name] = cls
    return cls


def source_names() -> list[str]:
    _ensure_loaded()
    return sorted(_SOURCES)


def get_source_class(name: str) -> type[Source]:
    _ensure_loaded()
    try:
        return _SOURCES[name]
    except KeyError:
        raise data_error(
            f"unknown data source; available: {sorted(_SOURCES)}. Received: {name!r}", code="unknown_source"
        ) from None


def get_source(name: str, **params: Any) -> Source:
    """An instance of source ``name`` with ``params`` (validated; raises DataError)."""
    return get_source_class(name)(**params)


def list_sources() -> list[dict[str, Any]]:
    """Specs of every source for the picker.

    Sources whose files are absent still appear (``available: false`` and the
    ``reason``, which names the missing file) so the UI can say how to get them.
    Only sources that need no parameters are probed; probing reads the files, so
    it happens on demand and its result is cached per ``AKID_DATA_PATH``.
    """
    _ensure_loaded()
    out = []
    for name in sorted(_SOURCES):
        cls = _SOURCES[name]
        spec = cls.class_spec()
        if spec["defaults"] is not None:
            key = (name, get_settings().data_path)
            if key not in _LISTING_CACHE:
                try:
                    _LISTING_CACHE[key] = cls().spec()
                except DataError as exc:
                    _LISTING_CACHE[key] = {**spec, "available": False, "reason": str(exc)}
            spec = _LISTING_CACHE[key]
        else:
            spec.update(available=None, reason="needs parameters (a path)")
        out.append(spec)
    return out


def _ensure_loaded() -> None:
    # Importing the modules registers their sources.
    import akid.data.sources  # noqa: F401
