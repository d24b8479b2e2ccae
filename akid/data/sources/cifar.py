"""``cifar10`` / ``cifar100``: the python pickle batches from a local directory.

Pickles are read with a restricted unpickler (:func:`read_pickle`) that only
rebuilds plain containers and numpy arrays, because a data file from the
internet must never be able to run code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from akid.data.base import Arrays, Source, SourceParams, data_error, data_root
from akid.data.registry import register_source
from akid.data.sources.files import read_pickle

IMAGE = {"image": {"shape": [32, 32, 3], "dtype": "float32"}}


class CifarParams(SourceParams):
    path: str | None = Field(default=None, description="Directory holding the python batches (default: $AKID_DATA_PATH/<name>).")


class Cifar100Params(CifarParams):
    label_mode: Literal["fine", "coarse"] = Field(default="fine", description="100 fine classes or 20 coarse superclasses.")


def _batch(path: Path, label_key: bytes, source: str) -> Arrays:
    if not path.is_file():
        raise data_error(f"{source}: missing file {path}. Nothing is downloaded.", code="missing_file", path=path)
    obj: Any = read_pickle(path)
    if not isinstance(obj, dict) or b"data" not in obj or label_key not in obj:
        keys = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise data_error(
            f"{path}: not a CIFAR batch: needs keys b'data' and {label_key!r}. Received: {keys}", code="bad_format", path=path
        )
    data = np.asarray(obj[b"data"])
    labels = np.asarray(obj[label_key])
    if data.ndim != 2 or data.shape[1] != 3072 or data.dtype != np.uint8:
        raise data_error(
            f"{path}: b'data' must be uint8 of shape [N, 3072]. Received: shape={list(data.shape)}, dtype={data.dtype}",
            code="bad_size",
            path=path,
        )
    if labels.ndim != 1 or len(labels) != len(data) or not np.issubdtype(labels.dtype, np.integer):
        raise data_error(
            f"{path}: {label_key!r} must hold one integer per image ({len(data)}). Received: shape={list(labels.shape)}, dtype={labels.dtype}",
            code="length_mismatch",
            path=path,
        )
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float32) / 255.0
    return {"image": images, "label": labels.astype(np.int32)}


def _concat(parts: list[Arrays]) -> Arrays:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _check_labels(arrays: Arrays, classes: int, path: Path) -> Arrays:
    lab = arrays["label"]
    if lab.size and (lab.min() < 0 or lab.max() >= classes):
        raise data_error(
            f"{path}: labels must be in 0..{classes - 1}. Received: min={int(lab.min())}, max={int(lab.max())}",
            code="bad_labels",
            path=path,
        )
    return arrays


@register_source
class Cifar10(Source):
    """CIFAR-10: 32x32 colour images, 10 classes."""

    name = "cifar10"
    description = "CIFAR-10 (50,000 + 10,000 32x32 colour images, 10 classes) from the local python batches."
    Params = CifarParams
    static_features = IMAGE
    static_targets = {
        "label": {
            "shape": [],
            "dtype": "int32",
            "num_classes": 10,
            "class_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
        }
    }

    def _read(self) -> tuple[Arrays, Arrays | None]:
        root = data_root(self.p.path, ("cifar-10-batches-py", "cifar10"), "data_batch_1", self.name)
        train = _concat(
            [
                _check_labels(_batch(root / f"data_batch_{i}", b"labels", self.name), 10, root / f"data_batch_{i}")
                for i in range(1, 6)
            ]
        )
        return train, _check_labels(_batch(root / "test_batch", b"labels", self.name), 10, root / "test_batch")


@register_source
class Cifar100(Source):
    """CIFAR-100: 32x32 colour images, 100 fine or 20 coarse classes."""

    name = "cifar100"
    description = "CIFAR-100 (50,000 + 10,000 32x32 colour images; 100 fine / 20 coarse classes) from the local python files."
    Params = Cifar100Params
    static_features = IMAGE
    static_targets = {"label": {"shape": [], "dtype": "int32", "num_classes": 100}}

    @property
    def targets(self) -> dict[str, dict[str, Any]]:
        return {"label": {"shape": [], "dtype": "int32", "num_classes": self._classes()}}

    def _classes(self) -> int:
        return 100 if self.p.label_mode == "fine" else 20

    def _read(self) -> tuple[Arrays, Arrays | None]:
        root = data_root(self.p.path, ("cifar-100-python", "cifar100"), "train", self.name)
        key = b"fine_labels" if self.p.label_mode == "fine" else b"coarse_labels"
        return tuple(_check_labels(_batch(root / f, key, self.name), self._classes(), root / f) for f in ("train", "test"))  # type: ignore[return-value]
