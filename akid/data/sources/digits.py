"""``digits``: scikit-learn's bundled 8x8 handwritten digits (1,797 samples, offline).

It is the default data set because it needs no download and trains in seconds,
which is what a first graph, a test and a demo want.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from akid.data.base import Arrays, HoldoutParams, Source
from akid.data.registry import register_source


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    d = load_digits()
    images = (d.images.astype(np.float32) / 16.0).reshape(-1, 8, 8, 1)
    return images, d.target.astype(np.int32)


@register_source
class Digits(Source):
    """8x8 grey digits scaled to [0, 1]; feature ``image`` [8, 8, 1], target ``label`` (10 classes)."""

    name = "digits"
    description = "scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes), bundled and offline."
    Params = HoldoutParams
    static_features = {"image": {"shape": [8, 8, 1], "dtype": "float32"}}
    static_targets = {"label": {"shape": [], "dtype": "int32", "num_classes": 10, "class_names": [str(i) for i in range(10)]}}

    def _read(self) -> tuple[Arrays, Arrays | None]:
        images, labels = _digits()
        return {"image": images, "label": labels}, None
