"""The block registry: the one place that knows every block type (specs only, no TensorFlow).

The palette, the validator, shape inference, the compiler, Keras import/export
and the code exporter all look blocks up here, so adding a block is one
decorated spec class (see docs/python-api.md).
"""

from __future__ import annotations

from typing import Any, TypeVar

from akid.blocks.base import Block

_REGISTRY: dict[str, type[Block]] = {}
B = TypeVar("B", bound=type[Block])


def register_block(cls: B) -> B:
    """Class decorator: make spec ``cls`` available under ``cls.type_name``."""
    name = cls.type_name
    if not name:
        raise ValueError(f"{cls.__name__} has no type_name")
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"block type {name!r} registered twice ({existing.__name__}, {cls.__name__})")
    _REGISTRY[name] = cls
    return cls


def get_block(type_name: str) -> type[Block]:
    _ensure_loaded()
    return _REGISTRY[type_name]


def has_block(type_name: str) -> bool:
    _ensure_loaded()
    return type_name in _REGISTRY


def block_types() -> list[str]:
    _ensure_loaded()
    return sorted(_REGISTRY)


def all_blocks() -> dict[str, type[Block]]:
    """Type name -> spec class, for readers that walk every block (Keras import tables, docs)."""
    _ensure_loaded()
    return dict(_REGISTRY)


_SPECS: list[dict[str, Any]] | None = None


def block_specs() -> list[dict[str, Any]]:
    """JSON specs of every registered block, for the palette and the API (computed once)."""
    global _SPECS
    _ensure_loaded()
    if _SPECS is None or len(_SPECS) != len(_REGISTRY):
        _SPECS = [_REGISTRY[name].spec() for name in sorted(_REGISTRY)]
    return [dict(s) for s in _SPECS]


def _ensure_loaded() -> None:
    # Importing the family modules registers their blocks.
    import akid.blocks.families  # noqa: F401
