"""Storing user-uploaded data sets safely (used by ``POST /api/datasets``).

An upload is untrusted input reaching the server's disk, so every path is
checked before anything is written: zip entries with absolute paths, ``..``
components or symlinks are refused ("zip slip"), sizes are capped for the file
and for the *uncompressed* total of an archive (counted while extracting, since
headers can lie), and a failed import leaves nothing behind. The stored data
set is then opened with the matching source so that a broken file is reported
at upload time, not in the middle of a training run.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from akid.data.base import data_error
from akid.data.registry import get_source, source_names

Kind = Literal["npz", "csv", "zip"]
SOURCE_FOR = {"npz": "npz", "csv": "csv", "zip": "image_folder"}
MAX_ZIP_ENTRIES = 100_000
MAX_NAME_BYTES = 255  # what file systems allow for one path component
_CHUNK = 1 << 20


def import_upload(
    file_path: str | Path,
    kind: str,
    dest_dir: str | Path,
    max_bytes: int,
    *,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Store ``file_path`` under ``dest_dir/<name>/`` and return the source spec.

    ``kind``: ``npz`` / ``csv`` (stored as is) or ``zip`` (an image folder archive,
    extracted). ``params`` are extra source params (e.g. the npz array mapping).
    The spec carries ``source`` and ``params`` (with ``path``) to rebuild the source
    with ``get_source(spec["source"], **spec["params"])``, and ``dataset`` (the name).
    Raises :class:`DataError` naming the problem; nothing is kept on failure.
    """
    if kind not in SOURCE_FOR:
        raise data_error(
            f"unknown upload kind; use one of {sorted(SOURCE_FOR)}. Received: kind={kind!r}", code="bad_upload", param="kind"
        )
    src = Path(file_path)
    if not src.is_file() or src.is_symlink():
        raise data_error(f"uploaded file not found: {src}. Received: file_path={str(file_path)!r}", code="missing_file", path=src)
    size = src.stat().st_size
    if size > max_bytes:
        raise data_error(
            f"upload too large: {size} bytes, the limit is {max_bytes}. Received: {size} bytes", code="too_large", path=src
        )
    dataset = safe_name(name if name is not None else src.stem)
    if dataset in source_names():
        raise data_error(
            f"{dataset!r} is a built-in data set; upload under another name. Received: name={dataset!r}",
            code="name_taken",
            param="name",
        )
    dest_root = Path(dest_dir)
    dest_root.mkdir(parents=True, exist_ok=True)
    target = dest_root / dataset
    if target.exists() or target.is_symlink():
        if not overwrite:
            raise data_error(
                f"a data set named {dataset!r} already exists. Received: name={dataset!r}", code="exists", param="name"
            )
        _remove(target)
    target.mkdir()
    try:
        if kind == "zip":
            root = _extract_zip(src, target, max_bytes)
            path = str(_image_root(root))
        else:
            if kind == "npz":
                _check_zip_total(src, max_bytes, members_must_end=".npy")
            stored = target / f"data.{kind}"
            shutil.copyfile(src, stored)
            path = str(stored)
        source = get_source(SOURCE_FOR[kind], **{**(params or {}), "path": path})
        spec = source.spec()
    except BaseException:
        _remove(target)
        raise
    spec.update(source=SOURCE_FOR[kind], dataset=dataset, params=source.p.model_dump(mode="json"))
    return spec


def safe_name(raw: str) -> str:
    """A file-system-safe data-set name: letters, digits, ``-`` and ``_`` only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", str(raw)).strip("_-")[:64]
    if not cleaned:
        raise data_error(f"the data set name needs letters or digits. Received: name={raw!r}", code="bad_upload", param="name")
    return cleaned


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise data_error(f"{path.name}: not a zip archive ({exc}).", code="corrupt_file", path=path) from None


def _check_zip_total(path: Path, max_bytes: int, members_must_end: str | None = None) -> None:
    with _open_zip(path) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise data_error(
                f"{path.name}: uncompressed size {total} bytes exceeds the limit of {max_bytes}. Received: {total} bytes",
                code="too_large",
                path=path,
            )
        for info in infos:
            if members_must_end and (
                not info.filename.endswith(members_must_end) or "/" in info.filename or "\\" in info.filename
            ):
                raise data_error(
                    f"{path.name}: not a plain .npz; unexpected member. Received: {info.filename!r}", code="bad_upload", path=path
                )


def _member_path(name: str, archive: Path) -> PurePosixPath | None:
    """The relative path of a zip entry, or an error for anything that could escape."""
    if "\\" in name or "\x00" in name:
        raise data_error(
            f"{archive.name}: refused entry with a backslash or NUL in its name. Received: {name!r}",
            code="unsafe_path",
            path=archive,
        )
    p = PurePosixPath(name)
    if p.is_absolute() or re.match(r"^[A-Za-z]:", name):
        raise data_error(
            f"{archive.name}: refused absolute path in archive. Received: {name!r}", code="unsafe_path", path=archive
        )
    if any(part == ".." for part in p.parts):
        raise data_error(
            f"{archive.name}: refused path escaping the archive (zip slip). Received: {name!r}", code="unsafe_path", path=archive
        )
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts or parts[0] == "__MACOSX" or any(x.startswith(".") for x in parts):
        return None  # metadata and hidden files are skipped, not stored
    longest = max(len(x.encode("utf-8", "surrogatepass")) for x in parts)
    if longest > MAX_NAME_BYTES:
        raise data_error(
            f"{archive.name}: refused entry with a file or folder name longer than {MAX_NAME_BYTES} bytes. "
            f"Received: a name of {longest} bytes",
            code="bad_upload",
            path=archive,
        )
    return PurePosixPath(*parts)


def _extract_zip(archive: Path, target: Path, max_bytes: int) -> Path:
    with _open_zip(archive) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise data_error(
                f"{archive.name}: too many entries ({len(infos)}, limit {MAX_ZIP_ENTRIES}). Received: {len(infos)}",
                code="too_large",
                path=archive,
            )
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise data_error(
                f"{archive.name}: uncompressed size {declared} bytes exceeds the limit of {max_bytes}. Received: {declared} bytes",
                code="too_large",
                path=archive,
            )
        root = target.resolve()
        written = 0
        for info in infos:
            mode = (info.external_attr >> 16) & 0o170000
            if mode == stat.S_IFLNK:
                raise data_error(
                    f"{archive.name}: refused symbolic link in archive. Received: {info.filename!r}",
                    code="unsafe_path",
                    path=archive,
                )
            if mode not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise data_error(
                    f"{archive.name}: refused special file in archive. Received: {info.filename!r}",
                    code="unsafe_path",
                    path=archive,
                )
            rel = _member_path(info.filename, archive)
            if rel is None:
                continue
            out = (root / rel).resolve()
            if root not in out.parents:
                raise data_error(
                    f"{archive.name}: refused path escaping the archive (zip slip). Received: {info.filename!r}",
                    code="unsafe_path",
                    path=archive,
                )
            try:
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # "x" and "x/y.png": a file where a folder must be; names the OS refuses
                raise data_error(
                    f"{archive.name}: entry {info.filename!r} conflicts with another entry or is not a valid path "
                    f"({exc.strerror or exc}). Received: {info.filename!r}",
                    code="bad_upload",
                    path=archive,
                ) from None
            try:
                with zf.open(info) as fin, open(out, "xb") as fout:
                    while chunk := fin.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise data_error(
                                f"{archive.name}: uncompressed data exceed the limit of {max_bytes} bytes. Received: more than {max_bytes} bytes",
                                code="too_large",
                                path=archive,
                            )
                        fout.write(chunk)
            except (FileExistsError, IsADirectoryError, NotADirectoryError):
                raise data_error(
                    f"{archive.name}: duplicate or conflicting entry. Received: {info.filename!r}",
                    code="bad_upload",
                    path=archive,
                ) from None
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise data_error(
                    f"{archive.name}: corrupt entry {info.filename!r} ({exc}).", code="corrupt_file", path=archive
                ) from None
    return target


def _image_root(root: Path) -> Path:
    """Descend through a single wrapping folder (``pets.zip`` -> ``pets/cat``, ``pets/dog``)."""
    while True:
        entries = [e for e in root.iterdir() if not e.name.startswith(".")]
        dirs = [e for e in entries if e.is_dir()]
        if len(dirs) == 1 and len(entries) == 1 and any(c.is_dir() for c in dirs[0].iterdir()):
            root = dirs[0]
            continue
        return root
