"""The block registry: the one place that knows every block type.

The palette, the validator, shape inference, the compiler and the code
exporter all look blocks up here, so adding a block is one decorated class.
"""
from __future__ import annotations

from typing import Any, TypeVar

from akid.blocks.base import Block

_REGISTRY: dict[str, type[Block]] = {}
B = TypeVar("B", bound=type[Block])


def register_block(cls: B) -> B:
    """Class decorator: make ``cls`` available under ``cls.type_name``."""
    name = cls.type_name
    if not name:
        raise ValueError(f"{cls.__name__} has no type_name")
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"block type {name!r} registered twice ({existing.__name__}, {cls.__name__})")
    _REGISTRY[name] = cls
    keras.saving.register_keras_serializable(package="akid", name=name)(cls)
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


def block_specs() -> list[dict[str, Any]]:
    """JSON specs of every registered block, for the palette and the API."""
    _ensure_loaded()
    return [_REGISTRY[name].spec() for name in sorted(_REGISTRY)]


def _ensure_loaded() -> None:
    # Importing the family modules registers their blocks.
    import akid.blocks.families  # noqa: F401


import keras  # noqa: E402  (after the registry dict so families can import us cheaply)
