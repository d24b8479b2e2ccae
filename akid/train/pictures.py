"""Arrays to PNG pictures: filter grids, feature-map grids, confusion matrices.

Pure numpy + Pillow, no TensorFlow, so it is cheap to test and the same bytes
go to the browser (binary socket attachments) and to TensorBoard.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image


def to_png(pixels: np.ndarray) -> bytes:
    """uint8 array (h, w) or (h, w, 3) to PNG bytes."""
    img = Image.fromarray(np.ascontiguousarray(pixels.astype(np.uint8)))
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def normalize(a: np.ndarray) -> np.ndarray:
    """Scale to 0..255 (a constant array becomes mid-grey, NaNs become 0)."""
    a = np.nan_to_num(np.asarray(a, dtype=np.float32))
    if a.size == 0:
        return a.astype(np.uint8)
    lo, hi = float(a.min()), float(a.max())
    if hi - lo < 1e-12:
        return np.full(a.shape, 128, dtype=np.uint8)
    return ((a - lo) / (hi - lo) * 255.0).astype(np.uint8)


def grid_layout(tiles: list[np.ndarray], min_tile: int = 24, pad: int = 1) -> dict[str, int]:
    """Where :func:`grid` puts each tile, so the browser can number the channels on the picture:
    tile ``i`` sits in row ``i // cols``, column ``i % cols``, at pixel
    ``(pad + col * (cell_w + pad), pad + row * (cell_h + pad))``."""
    if not tiles:
        return {"count": 0, "rows": 0, "cols": 0, "cell_w": 1, "cell_h": 1, "pad": 0}
    th = max(t.shape[0] for t in tiles)
    tw = max(t.shape[1] for t in tiles)
    scale = max(1, math.ceil(min_tile / max(th, tw)))
    cols = math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / cols)
    return {"count": len(tiles), "rows": rows, "cols": cols, "cell_w": tw * scale, "cell_h": th * scale, "pad": pad}


def grid(tiles: list[np.ndarray], min_tile: int = 24, pad: int = 1) -> np.ndarray:
    """Tile 2-D arrays (each normalised on its own) into a near-square uint8 grid.

    Small tiles are enlarged by an integer factor (nearest neighbour) so that a
    3x3 kernel is still visible in the browser. :func:`grid_layout` says where each tile is.
    """
    if not tiles:
        return np.zeros((1, 1), dtype=np.uint8)
    lay = grid_layout(tiles, min_tile, pad)
    th, tw, cols, rows = lay["cell_h"], lay["cell_w"], lay["cols"], lay["rows"]
    scale = th // max(t.shape[0] for t in tiles)
    out = np.full((rows * (th + pad) + pad, cols * (tw + pad) + pad), 255, dtype=np.uint8)
    for i, t in enumerate(tiles):
        r, c = divmod(i, cols)
        t = np.kron(normalize(t), np.ones((scale, scale), dtype=np.uint8))
        y, x = pad + r * (th + pad), pad + c * (tw + pad)
        out[y : y + t.shape[0], x : x + t.shape[1]] = t
    return out


def filter_tiles(kernel: np.ndarray, limit: int) -> list[np.ndarray]:
    """One 2-D tile per output channel of a conv kernel (kh, kw, cin, cout); cin is averaged."""
    k = np.asarray(kernel)
    if k.ndim == 3:  # Conv1D (k, cin, cout): show as 1 x k strips
        k = k[None]
    if k.ndim != 4:
        return []
    return [k[:, :, :, j].mean(axis=2) for j in range(min(k.shape[3], limit))]


def feature_tiles(activation: np.ndarray, limit: int) -> list[np.ndarray]:
    """Tiles of one sample's activation: channels of (h, w, c), a row for (n,), rows for (t, c)."""
    a = np.asarray(activation, dtype=np.float32)
    if a.ndim == 3:
        return [a[:, :, j] for j in range(min(a.shape[2], limit))]
    if a.ndim == 1:
        return [a[None, :]]
    if a.ndim == 2:
        return [a.T]
    return []


def confusion_png(matrix: np.ndarray, cell: int = 12) -> np.ndarray:
    """Row-normalised confusion matrix as an RGB image: white (0) to dark blue (1)."""
    m = np.asarray(matrix, dtype=np.float64)
    rows = m.sum(axis=1, keepdims=True)
    frac = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
    white, blue = np.array([255.0, 255.0, 255.0]), np.array([8.0, 48.0, 107.0])
    rgb = (white[None, None] * (1 - frac[..., None]) + blue[None, None] * frac[..., None]).astype(np.uint8)
    return np.kron(rgb, np.ones((cell, cell, 1), dtype=np.uint8))
