"""``npz`` and ``csv``: arrays or numeric columns the user names as features and targets.

These two cover "I already have my data in numpy / a spreadsheet" without code:
the params map the file's arrays or columns onto the feature and target names
that ``Input.feature`` / ``Output.target`` bind to. Integer-valued targets are
class ids (``num_classes`` = max + 1) unless listed in ``regression``.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
from pydantic import Field

from akid.data.base import Arrays, HoldoutParams, Source, classify, data_error
from akid.data.registry import register_source
from akid.data.sources.files import check_npz_headers
from akid.settings import get_settings

MAX_NPZ_BYTES = 4 * 2**30


def _path(raw: str | None, source: str, kind: str) -> Path:
    if not raw:
        raise data_error(
            f"{source}: set the 'path' param to a {kind} file. Received: path=None", code="missing_file", param="path"
        )
    path = Path(raw).expanduser()
    if not path.is_file():
        raise data_error(f"{source}: missing file {path}. Received: path={raw!r}", code="missing_file", path=path, param="path")
    return path


def _finish(source: Source, features: Arrays, targets: Arrays, regression: list[str]) -> Arrays:
    out: Arrays = {}
    num_classes: dict[str, int | None] = {}
    for name, a in features.items():
        out[name] = a.astype(np.int32) if np.issubdtype(a.dtype, np.integer) or a.dtype == bool else a.astype(np.float32)
    for name, a in targets.items():
        out[name], num_classes[name] = (a.astype(np.float32), None) if name in regression else classify(a)
    source._meta.update(features=list(features), targets=list(targets), num_classes=num_classes)
    return out


class NpzParams(HoldoutParams):
    path: str | None = Field(default=None, description="The .npz file.")
    features: dict[str, str] = Field(default={"image": "x"}, description="Feature name -> array name in the file.")
    targets: dict[str, str] = Field(default={"label": "y"}, description="Target name -> array name in the file.")
    regression: list[str] = Field(default=[], description="Targets to treat as real values even when integer-valued.")


@register_source
class Npz(Source):
    """Arrays from a numpy ``.npz`` file (no pickled objects)."""

    name = "npz"
    description = "Arrays from a numpy .npz file, mapped to features and targets by name."
    Params = NpzParams
    needs_params = True

    def _read(self) -> tuple[Arrays, Arrays | None]:
        path = _path(self.p.path, self.name, ".npz")
        try:
            with zipfile.ZipFile(path) as zf:
                total = sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise data_error(f"{path}: not an .npz (zip) archive ({exc}).", code="corrupt_file", path=path) from None
        if total > MAX_NPZ_BYTES:
            raise data_error(
                f"{path}: arrays too large ({total} bytes uncompressed, limit {MAX_NPZ_BYTES}).", code="too_large", path=path
            )
        check_npz_headers(path)
        try:
            with np.load(path, allow_pickle=False) as npz:
                available = sorted(npz.files)
                want = {**self.p.features, **self.p.targets}
                missing = {k: v for k, v in want.items() if v not in npz.files}
                if missing:
                    raise data_error(
                        f"{path}: no array named {sorted(set(missing.values()))}; the file holds {available}. Received: {missing}",
                        code="missing_array",
                        path=path,
                    )
                feats = {k: npz[v] for k, v in self.p.features.items()}
                targs = {k: npz[v] for k, v in self.p.targets.items()}
        except ValueError as exc:
            raise data_error(
                f"{path}: refused ({exc}); only numeric arrays are read, never pickled objects.", code="unsafe_pickle", path=path
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise data_error(f"{path}: corrupt or truncated array ({exc}).", code="corrupt_file", path=path) from None
        for k, a in {**feats, **targs}.items():
            if a.ndim == 0 or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
                raise data_error(
                    f"{path}: array for {k!r} must be numeric with a sample axis. Received: dtype={a.dtype}, shape={list(a.shape)}",
                    code="bad_format",
                    path=path,
                )
        lengths = {k: len(a) for k, a in {**feats, **targs}.items()}
        if len(set(lengths.values())) > 1:
            raise data_error(
                f"{path}: arrays disagree on the number of samples. Received: {lengths}", code="length_mismatch", path=path
            )
        return _finish(self, feats, targs, self.p.regression), None


class CsvParams(HoldoutParams):
    path: str | None = Field(default=None, description="The .csv file (header row, numeric values).")
    targets: dict[str, str] = Field(default={"label": "label"}, description="Target name -> column.")
    features: dict[str, list[str]] | None = Field(
        default=None, description="Feature name -> columns; default: every other column as 'x'."
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    regression: list[str] = Field(default=[], description="Targets to treat as real values even when integer-valued.")


@register_source
class Csv(Source):
    """Numeric columns of a CSV file with a header row."""

    name = "csv"
    description = "Numeric columns of a CSV file (header row) mapped to features and targets."
    Params = CsvParams
    needs_params = True

    def _read(self) -> tuple[Arrays, Arrays | None]:
        path = _path(self.p.path, self.name, ".csv")
        header, rows = self._rows(path)
        features = (
            self.p.features if self.p.features is not None else {"x": [c for c in header if c not in self.p.targets.values()]}
        )
        wanted = [c for cols in features.values() for c in cols] + list(self.p.targets.values())
        unknown = sorted({c for c in wanted if c not in header})
        if unknown:
            raise data_error(
                f"{path}: no column named {unknown}; the header has {header}. Received: {unknown}",
                code="missing_column",
                path=path,
            )
        if not any(features.values()):
            raise data_error(
                f"{path}: no feature columns left after the targets. Received: header={header}", code="bad_format", path=path
            )
        table = np.array(rows, dtype=np.float64).reshape(len(rows), len(header))
        col = {c: i for i, c in enumerate(header)}
        feats = {k: table[:, [col[c] for c in cols]] for k, cols in features.items()}
        targs = {k: table[:, col[c]] for k, c in self.p.targets.items()}
        return _finish(self, feats, targs, self.p.regression), None

    def _rows(self, path: Path) -> tuple[list[str], list[list[float]]]:
        limit = get_settings().limits.max_csv_bytes
        size = path.stat().st_size if path.is_file() else 0
        if size > limit:
            raise data_error(
                f"{path}: CSV of {size:,} bytes is over the limit max_csv_bytes={limit:,} (parsing costs ~25x the file in "
                f"memory; convert it to .npz, or set AKID_MAX_CSV_BYTES). Received: {size} bytes",
                code="too_large",
                path=path,
            )
        try:
            with open(path, newline="", encoding="utf-8-sig") as f:
                reader = csv.reader(f, delimiter=self.p.delimiter)
                header = [h.strip() for h in next(reader, [])]
                if not header or not any(header):
                    raise data_error(f"{path}: empty file; expected a header row.", code="bad_format", path=path)
                rows: list[list[float]] = []
                for line, row in enumerate(reader, start=2):
                    if not row:
                        continue
                    if len(row) != len(header):
                        raise data_error(
                            f"{path}: line {line} has {len(row)} fields but the header has {len(header)}. Received: {row!r}",
                            code="bad_format",
                            path=path,
                        )
                    rows.append([_number(v, path, line, header[i]) for i, v in enumerate(row)])
        except UnicodeDecodeError as exc:
            raise data_error(f"{path}: not a UTF-8 text file ({exc}).", code="bad_format", path=path) from None
        except csv.Error as exc:
            raise data_error(f"{path}: malformed CSV ({exc}).", code="bad_format", path=path) from None
        if not rows:
            raise data_error(f"{path}: no data rows after the header.", code="bad_format", path=path)
        return header, rows


def _number(value: str, path: Path, line: int, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise data_error(
            f"{path}: line {line}, column {column!r} is not a number. Received: {value!r}", code="not_numeric", path=path
        ) from None
