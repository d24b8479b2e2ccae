"""``image_folder``: one sub-folder per class of PNG/JPEG pictures, resized on load.

The layout every phone export and scraped data set already has, so a user can
train on their own pictures without writing a loader. Class ids follow the
sorted folder names (listed in the spec as ``classes``).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from akid.data.base import Arrays, HoldoutParams, Source, data_error
from akid.data.registry import register_source

EXTENSIONS = {".png", ".jpg", ".jpeg"}


class ImageFolderParams(HoldoutParams):
    path: str | None = Field(default=None, description="Root folder with one sub-folder of pictures per class.")
    size: list[Annotated[int, Field(ge=1)]] = Field(
        default=[32, 32], min_length=2, max_length=2, description="[height, width] every picture is resized to."
    )
    color: Literal["rgb", "grayscale"] = Field(default="rgb", description="3 channels or 1.")
    max_images: int = Field(default=200_000, ge=1, description="Refuse folders with more pictures than this (memory guard).")


@register_source
class ImageFolder(Source):
    """Pictures sorted into class folders: feature ``image`` [h, w, c], target ``label``."""

    name = "image_folder"
    description = "Your own pictures: one sub-folder per class (PNG/JPEG), resized to `size`."
    Params = ImageFolderParams
    needs_params = True

    @property
    def features(self) -> dict[str, dict[str, Any]]:
        h, w = self.p.size
        return {"image": {"shape": [h, w, 3 if self.p.color == "rgb" else 1], "dtype": "float32"}}

    @property
    def targets(self) -> dict[str, dict[str, Any]]:
        names = self.classes()
        return {"label": {"shape": [], "dtype": "int32", "num_classes": len(names), "class_names": list(names)}}

    def spec(self) -> dict[str, Any]:
        self._check_budget(self.root(), 0)  # the picture size alone can be over the limit
        out = super().spec()
        out["classes"] = self.classes()
        return out

    def root(self) -> Path:
        if not self.p.path:
            raise data_error(
                "image_folder: set the 'path' param to a folder with one sub-folder per class. Received: path=None",
                code="missing_file",
                param="path",
            )
        root = Path(self.p.path).expanduser()
        if not root.is_dir():
            raise data_error(
                f"image_folder: folder not found: {root}. Received: path={self.p.path!r}",
                code="missing_file",
                path=root,
                param="path",
            )
        return root

    def classes(self) -> list[str]:
        root = self.root()
        names = sorted(d.name for d in root.iterdir() if d.is_dir() and not d.is_symlink() and not d.name.startswith("."))
        if not names:
            raise data_error(
                f"{root}: no class sub-folders; put each class's pictures in its own folder.", code="missing_file", path=root
            )
        return names

    def _read(self) -> tuple[Arrays, Arrays | None]:
        root, classes = self.root(), self.classes()
        files: list[tuple[Path, int]] = []
        for label, name in enumerate(classes):
            pics = sorted(
                f for f in (root / name).iterdir() if f.suffix.lower() in EXTENSIONS and f.is_file() and not f.is_symlink()
            )
            if not pics:
                raise data_error(
                    f"{root / name}: class folder has no PNG or JPEG pictures.", code="empty_class", path=root / name
                )
            files.extend((f, label) for f in pics)
        if len(files) > self.p.max_images:
            raise data_error(
                f"{root}: {len(files)} pictures exceed max_images={self.p.max_images}. Received: {len(files)}",
                code="too_large",
                path=root,
            )
        self._check_budget(root, len(files))
        images = np.stack([self._decode(f) for f, _ in files])
        labels = np.array([label for _, label in files], dtype=np.int32)
        return {"image": images, "label": labels}, None

    def _check_budget(self, root: Path, count: int) -> None:
        """Size x count against the server's limits before decoding a single picture (the
        ``max_images`` param is the user's own guard; these are the server's)."""
        from akid.settings import get_settings

        lim = get_settings().limits
        h, w = self.p.size
        if h * w > lim.max_image_pixels:
            raise data_error(
                f"{root}: size {h}x{w} = {h * w:,} pixels per picture is over the limit max_image_pixels={lim.max_image_pixels:,} "
                f"(set AKID_MAX_IMAGE_PIXELS to change it). Received: size={[h, w]}",
                code="too_large",
                path=root,
                param="size",
            )
        nbytes = count * h * w * (3 if self.p.color == "rgb" else 1) * 4
        if nbytes > lim.max_image_bytes:
            raise data_error(
                f"{root}: {count:,} pictures of {h}x{w} need {nbytes:,} bytes, over the limit max_image_bytes={lim.max_image_bytes:,} "
                f"(set AKID_MAX_IMAGE_BYTES to change it). Received: {count} pictures, size={[h, w]}",
                code="too_large",
                path=root,
                param="size",
            )

    def _decode(self, path: Path) -> np.ndarray:
        from PIL import Image, UnidentifiedImageError

        h, w = self.p.size
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(path) as img:
                    img.load()
                    img = img.convert("RGB" if self.p.color == "rgb" else "L").resize((w, h), Image.Resampling.BILINEAR)
                    arr = np.asarray(img, dtype=np.float32) / 255.0
        except UnidentifiedImageError:
            raise data_error(f"{path}: not an image (Pillow cannot identify it).", code="not_an_image", path=path) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise data_error(f"{path}: image too large ({exc}).", code="too_large", path=path) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise data_error(f"{path}: corrupt or truncated image ({exc}).", code="corrupt_file", path=path) from None
        return arr if arr.ndim == 3 else arr[..., None]
