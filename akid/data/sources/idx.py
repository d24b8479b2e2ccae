"""``mnist`` and ``fashion_mnist``: the IDX files (plain or .gz) from a local directory.

The directory is the ``path`` param, else ``$AKID_DATA_PATH/<name>`` (or
``$AKID_DATA_PATH`` itself). Nothing is downloaded: a studio that trains on a
cluster node must not reach the internet behind the user's back.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from akid.data.base import Arrays, Source, SourceParams, data_error, data_root
from akid.data.registry import register_source
from akid.data.sources.files import find_file, idx_count, read_idx

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class IdxParams(SourceParams):
    path: str | None = Field(default=None, description="Directory holding the four IDX files (default: $AKID_DATA_PATH/<name>).")


class _IdxSource(Source):
    Params = IdxParams
    subdirs: tuple[str, ...] = ()
    static_features = {"image": {"shape": [28, 28, 1], "dtype": "float32"}}
    static_targets = {"label": {"shape": [], "dtype": "int32", "num_classes": 10}}

    def _read(self) -> tuple[Arrays, Arrays | None]:
        root = data_root(self.p.path, self.subdirs, FILES["train"][0], self.name)
        return self._pair(root, "train"), self._pair(root, "test")

    def _pool_sizes(self) -> tuple[int, int | None]:
        root = data_root(self.p.path, self.subdirs, FILES["train"][0], self.name)
        return tuple(idx_count(find_file(root, FILES[s][1], self.name)) for s in ("train", "test"))  # type: ignore[return-value]

    def _pair(self, root, split: str) -> Arrays:
        img_path = find_file(root, FILES[split][0], self.name)
        lbl_path = find_file(root, FILES[split][1], self.name)
        images = read_idx(img_path, expect_ndim=3)
        labels = read_idx(lbl_path, expect_ndim=1)
        if images.shape[1:] != (28, 28):
            raise data_error(
                f"{img_path}: expected 28x28 images. Received: shape={list(images.shape)}", code="bad_size", path=img_path
            )
        if len(images) != len(labels):
            raise data_error(
                f"{lbl_path}: holds {len(labels)} labels but {img_path.name} holds {len(images)} images.",
                code="length_mismatch",
                path=lbl_path,
            )
        if labels.size and labels.max() > 9:
            raise data_error(
                f"{lbl_path}: labels must be 0..9. Received: max label={int(labels.max())}", code="bad_labels", path=lbl_path
            )
        return {"image": (images.astype(np.float32) / 255.0)[..., None], "label": labels.astype(np.int32)}


@register_source
class Mnist(_IdxSource):
    """MNIST handwritten digits, 28x28 grey, 10 classes."""

    name = "mnist"
    description = "MNIST handwritten digits (60,000 + 10,000 28x28 images) from local IDX files."
    subdirs = ("mnist", "MNIST", "MNIST/raw")
    static_targets = {"label": {"shape": [], "dtype": "int32", "num_classes": 10, "class_names": [str(i) for i in range(10)]}}


@register_source
class FashionMnist(_IdxSource):
    """Fashion-MNIST clothing pictures, 28x28 grey, 10 classes."""

    name = "fashion_mnist"
    description = "Fashion-MNIST (60,000 + 10,000 28x28 clothing images) from local IDX files."
    subdirs = ("fashion_mnist", "fashion-mnist", "FashionMNIST/raw")
    static_targets = {
        "label": {
            "shape": [],
            "dtype": "int32",
            "num_classes": 10,
            "class_names": [
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ],
        }
    }
