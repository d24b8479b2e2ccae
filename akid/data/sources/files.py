"""Careful file readers shared by the sources: IDX (MNIST) and restricted pickles (CIFAR).

Every reader names the file it blames and what is wrong with it, because a
user staring at "cannot reshape array of size 7839" has no idea that the
download was cut short. Readers never read more than the header says the
file should hold, so a gzip bomb cannot fill memory.
"""

from __future__ import annotations

import gzip
import io
import math
import pickle
import struct
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from akid.data.base import data_error

#: IDX type codes -> numpy dtypes (big-endian, as the format stores them).
IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def find_file(root: Path, name: str, source: str) -> Path:
    """``root/name`` or ``root/name.gz``; a missing file is an error naming the exact path."""
    for candidate in (root / name, root / (name + ".gz")):
        if candidate.is_file():
            return candidate
    raise data_error(
        f"{source}: missing file {root / name} (or {root / name}.gz). Nothing is downloaded.",
        code="missing_file",
        path=root / name,
    )


def _open(path: Path) -> BinaryIO:
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _read_exact(f: BinaryIO, n: int, path: Path, what: str) -> bytes:
    try:
        data = f.read(n)
    except (OSError, EOFError, zlib.error) as exc:  # corrupt or truncated gzip stream
        raise data_error(
            f"{path}: corrupt compressed data while reading the {what} ({exc}).", code="corrupt_file", path=path
        ) from None
    if len(data) != n:
        raise data_error(
            f"{path}: file is truncated: the {what} needs {n} bytes but only {len(data)} remain.",
            code="truncated_file",
            path=path,
        )
    return data


def idx_count(path: Path) -> int:
    """The first dimension of an IDX file, from its header only."""
    with _open(path) as f:
        head = _read_exact(f, 8, path, "header")
    if head[:2] != b"\x00\x00" or head[2] not in IDX_TYPES or head[3] < 1:
        raise data_error(
            f"{path}: not an IDX file: bad magic number. Received: magic=0x{head[:4].hex()}", code="bad_magic", path=path
        )
    return struct.unpack(">I", head[4:8])[0]


def read_idx(path: Path, expect_ndim: int | None = None) -> np.ndarray:
    """One IDX array (the MNIST format): magic ``00 00 <type> <ndim>``, big-endian dims, data."""
    with _open(path) as f:
        head = _read_exact(f, 4, path, "header")
        if head[:2] != b"\x00\x00" or head[2] not in IDX_TYPES:
            raise data_error(
                f"{path}: not an IDX file: bad magic number. Received: magic=0x{head.hex()}", code="bad_magic", path=path
            )
        ndim = head[3]
        if expect_ndim is not None and ndim != expect_ndim:
            raise data_error(
                f"{path}: expected an IDX file with {expect_ndim} dimensions. Received: ndim={ndim} (magic=0x{head.hex()})",
                code="bad_magic",
                path=path,
            )
        dims = struct.unpack(f">{ndim}I", _read_exact(f, 4 * ndim, path, "dimensions"))
        dtype = IDX_TYPES[head[2]]
        count = math.prod(dims)  # Python ints: a header of 4 x 2^32 must not overflow
        check_array_bytes(path, count * dtype.itemsize, f"IDX header shape {list(dims)}")
        body = _read_exact(f, count * dtype.itemsize, path, f"data of shape {list(dims)}")
        try:
            extra = f.read(1)
        except (OSError, EOFError, zlib.error) as exc:
            raise data_error(
                f"{path}: corrupt compressed data after the array ({exc}).", code="corrupt_file", path=path
            ) from None
        if extra:
            raise data_error(
                f"{path}: wrong size: more bytes than the header's shape {list(dims)} holds.", code="bad_size", path=path
            )
    return np.frombuffer(body, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


# ---- pickles -------------------------------------------------------------
#: The only globals a CIFAR batch needs: numpy's array reconstruction. Nothing callable beyond these.
_NUMPY_ARRAY_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),  # protocol 5
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Plain containers only (dict, list, bytes, str, numbers) plus numpy arrays.

    CIFAR's python batches are pickled dicts whose ``data`` is a numpy array, so
    the array reconstruction globals are allowed; every other global (``os.system``,
    ``builtins.eval``, any class) is refused, which is what stops a crafted file
    from running code.
    """

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("_codecs", "encode"):  # how protocol 2 stores bytes (py2-compatible)
            return _latin1_encode
        if (module, name) in _NUMPY_ARRAY_GLOBALS:
            if module == "numpy":
                return _guarded(np.ndarray, 0) if name == "ndarray" else getattr(np, name)
            try:
                from numpy._core import multiarray, numeric
            except ImportError:  # numpy < 2
                from numpy.core import multiarray, numeric  # type: ignore[no-redef]
            found = getattr(numeric if module.endswith("numeric") else multiarray, name)
            return _guarded(found, 1) if name == "_reconstruct" else found
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def _latin1_encode(text: str, encoding: str = "latin1") -> bytes:
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"refused _codecs.encode with encoding {encoding!r}")
    return text.encode("latin1")


def check_array_bytes(path: Path, nbytes: int, what: str) -> None:
    """Refuse an array a file *declares* before allocating it (``max_array_bytes``)."""
    from akid.settings import get_settings

    limit = get_settings().limits.max_array_bytes
    if nbytes > limit:
        raise data_error(
            f"{path}: {what} declares {nbytes:,} bytes, over the limit max_array_bytes={limit:,} "
            f"(set AKID_MAX_ARRAY_BYTES to change it). Received: {nbytes} bytes",
            code="too_large",
            path=path,
        )


def _guarded(fn: Any, shape_arg: int) -> Any:
    """``numpy.ndarray`` / ``_reconstruct`` that refuse a shape over ``max_array_bytes``: a 3 KB
    pickle could otherwise ask for a gigabyte array before any data is read."""

    def build(*args: Any, **kwargs: Any) -> Any:
        args = tuple(getattr(a, "wrapped_type", a) for a in args)  # _reconstruct(ndarray, ...) needs the class itself
        shape = args[shape_arg] if len(args) > shape_arg else kwargs.get("shape", ())
        dtype = args[shape_arg + 1] if len(args) > shape_arg + 1 else kwargs.get("dtype", float)
        dims = (shape,) if isinstance(shape, int) else tuple(shape)
        try:
            nbytes = math.prod(int(d) for d in dims) * np.dtype(dtype).itemsize
        except (TypeError, ValueError) as exc:
            raise pickle.UnpicklingError(f"bad array arguments ({exc})") from None
        from akid.settings import get_settings

        limit = get_settings().limits.max_array_bytes
        if nbytes > limit:
            raise pickle.UnpicklingError(f"refused an array of {nbytes:,} bytes (limit max_array_bytes={limit:,})")
        return fn(*args, **kwargs)

    if isinstance(fn, type):
        build.wrapped_type = fn  # type: ignore[attr-defined]
    return build


def read_pickle(path: Path, max_bytes: int | None = None) -> Any:
    """Unpickle ``path`` with :class:`_RestrictedUnpickler`; object arrays are refused too."""
    if max_bytes is None:
        from akid.settings import get_settings

        max_bytes = get_settings().limits.max_pickle_bytes
    size = path.stat().st_size
    if size > max_bytes:
        raise data_error(f"{path}: file too large ({size} bytes, limit {max_bytes}).", code="too_large", path=path)
    data = path.read_bytes()
    try:
        obj = _RestrictedUnpickler(io.BytesIO(data), encoding="bytes").load()
    except pickle.UnpicklingError as exc:
        raise data_error(
            f"{path}: not a safe data pickle ({exc}).",
            code="unsafe_pickle" if "refused" in str(exc) else "corrupt_file",
            path=path,
        ) from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError, struct.error, MemoryError) as exc:
        raise data_error(
            f"{path}: corrupt or truncated pickle ({type(exc).__name__}: {exc}).", code="corrupt_file", path=path
        ) from None
    _refuse_objects(obj, path)
    return obj


def _refuse_objects(obj: Any, path: Path, depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(obj, np.ndarray) and obj.dtype.hasobject:
        raise data_error(f"{path}: refused an array of Python objects; expected numbers.", code="unsafe_pickle", path=path)
    if isinstance(obj, dict):
        for v in obj.values():
            _refuse_objects(v, path, depth + 1)


# ---- npz headers -----------------------------------------------------------
def check_npz_headers(path: Path) -> None:
    """Read every ``.npy`` header of an npz and refuse declared sizes over ``max_array_bytes``
    (``np.load`` allocates the declared shape before reading the data)."""
    import zipfile

    from numpy.lib import format as npy

    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with zf.open(info) as fp:
                try:
                    version = npy.read_magic(fp)
                    reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
                    shape, _fortran, dtype = reader(fp, max_header_size=10_000)
                except (ValueError, TypeError, SyntaxError, EOFError) as exc:
                    raise data_error(
                        f"{path}: bad array header in {info.filename!r} ({exc}).", code="corrupt_file", path=path
                    ) from None
            check_array_bytes(path, math.prod(shape) * dtype.itemsize, f"array {info.filename[:-4]!r} of shape {list(shape)}")
