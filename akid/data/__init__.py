"""Data: sources (named data sets), jokers (augmentation blocks) and the sensor (tf.data).

``list_sources``/``get_source`` need no TensorFlow; ``Sensor`` imports it on first use,
so the web server can list data sets without loading TensorFlow.
"""

from __future__ import annotations

from typing import Any

from akid.data.base import SPLITS, Source, SourceParams
from akid.data.registry import get_source, list_sources, register_source, source_names

__all__ = ["SPLITS", "Sensor", "Source", "SourceParams", "get_source", "list_sources", "register_source", "source_names"]


def __getattr__(name: str) -> Any:
    if name == "Sensor":
        from akid.data.sensor import Sensor

        return Sensor
    raise AttributeError(f"module 'akid.data' has no attribute {name!r}")
