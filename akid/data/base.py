"""The Source: a named data set with typed features and targets and fixed splits.

A source declares *once* its parameter model (pydantic, JSON Schema for the UI)
and what it yields (``features`` / ``targets`` with shapes and dtypes), so the
data-set picker, the graph validator and the sensor all read the same facts.
Splits are computed here, under a seed, so that ``val`` never leaks into
``train`` and a resumed run sees exactly the samples the first one saw.
Shapes never include the sample axis.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akid.errors import DataError, Issue, issues_from_validation

SPLITS = ("train", "val", "test")
Arrays = dict[str, np.ndarray]


class SourceParams(BaseModel):
    """Base of every source's parameter model: strict, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0, description="Seed of the train/val/test split.")
    val_fraction: float = Field(default=0.1, ge=0.0, lt=1.0, description="Share of the training pool held out for validation.")


class HoldoutParams(SourceParams):
    """Sources without a test file carve the test split out of the data too."""

    test_fraction: float = Field(default=0.2, ge=0.0, lt=1.0, description="Share of all samples held out for testing.")


def data_error(
    message: str, code: str = "data_error", path: str | os.PathLike | None = None, param: str | None = None
) -> DataError:
    """One-issue DataError; ``path`` names the file so the UI and CLI can show it."""
    return DataError([Issue(code, message, param=param, path=None if path is None else str(path))])


class Source:
    """Base class of every registered data source.

    Subclasses set ``name``, ``description``, ``Params`` and implement
    :meth:`_read` (the raw arrays: a training pool and, when the data set ships
    one, a test pool). Everything else -- splitting, caching, the spec -- lives
    here so that every source behaves the same.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Params: ClassVar[type[SourceParams]] = SourceParams
    #: features/targets known without reading any file (None: read on demand).
    static_features: ClassVar[dict[str, dict[str, Any]] | None] = None
    static_targets: ClassVar[dict[str, dict[str, Any]] | None] = None
    #: True for sources that only make sense with a user-given ``path`` (npz, csv, image_folder).
    needs_params: ClassVar[bool] = False

    def __init__(self, **params: Any) -> None:
        self.p = self.parse_params(params)
        self._splits: dict[str, Arrays] | None = None
        self._meta: dict[str, Any] = {}

    # ---- declaration -------------------------------------------------
    @classmethod
    def parse_params(cls, raw: dict[str, Any]) -> SourceParams:
        """Validate raw JSON params; each problem becomes an issue naming its param."""
        try:
            return cls.Params.model_validate(raw)
        except ValidationError as exc:
            raise DataError(issues_from_validation(exc, cls.name)) from None

    @classmethod
    def class_spec(cls) -> dict[str, Any]:
        """What is known about the source before any file is read (for the picker)."""
        return {
            "name": cls.name,
            "description": cls.description,
            "params_schema": cls.Params.model_json_schema(),
            "defaults": cls.Params().model_dump(mode="json") if _all_defaults(cls.Params) else None,
            "features": cls.static_features,
            "targets": cls.static_targets,
            "sizes": None,
            "needs_params": cls.needs_params,
        }

    # ---- what the data looks like -------------------------------------
    @property
    def features(self) -> dict[str, dict[str, Any]]:
        """``{name: {"shape": [...], "dtype": str}}``, read from the data if not static."""
        if self.static_features is not None:
            return self.static_features
        return _describe(self._all()["train"], self._feature_names(), targets=False, meta=self._meta)

    @property
    def targets(self) -> dict[str, dict[str, Any]]:
        """``{name: {"shape", "dtype", "num_classes"}}`` (num_classes None for regression)."""
        if self.static_targets is not None:
            return self.static_targets
        return _describe(self._all()["train"], self._target_names(), targets=True, meta=self._meta)

    def sizes(self) -> dict[str, int]:
        """Samples per split (from file headers when the source can, without loading)."""
        if self._splits is None:
            pools = self._pool_sizes()
            if pools is not None:
                return split_sizes(pools[0], pools[1], self.p)
        return {s: _length(a) for s, a in self._all().items()}

    def _pool_sizes(self) -> tuple[int, int | None] | None:
        """(training pool size, test pool size or None) read cheaply, or None if unknown."""
        return None

    def spec(self) -> dict[str, Any]:
        """Instance JSON: the class spec plus the actual params, shapes and sizes."""
        out = self.class_spec()
        out.update(
            params=self.p.model_dump(mode="json"),
            features=self.features,
            targets=self.targets,
            sizes=self.sizes(),
            available=True,
        )
        out.update(self._meta.get("extra_spec", {}))
        return out

    # ---- loading -----------------------------------------------------
    def load(self, split: str) -> Arrays:
        """The arrays of one split, ``{feature_or_target_name: ndarray}`` (sample axis first)."""
        if split not in SPLITS:
            raise data_error(
                f"{self.name}: unknown split; use one of {list(SPLITS)}. Received: split={split!r}", code="bad_split"
            )
        return self._all()[split]

    def _all(self) -> dict[str, Arrays]:
        if self._splits is None:
            pool, test = self._read()
            self._splits = split_arrays(pool, test, self.p)
        return self._splits

    def _read(self) -> tuple[Arrays, Arrays | None]:
        """(training pool, test pool or None). Subclasses raise DataError naming the file."""
        raise NotImplementedError

    def _feature_names(self) -> list[str]:
        return list(self._meta.get("features", []))

    def _target_names(self) -> list[str]:
        return list(self._meta.get("targets", []))


def split_arrays(pool: Arrays, test: Arrays | None, p: SourceParams) -> dict[str, Arrays]:
    """Deterministic train/val/test split under ``p.seed``.

    A test pool shipped with the data set is kept as is; otherwise ``test_fraction``
    of the samples is held out. Validation comes out of the training pool.
    """
    n = _length(pool)
    rng = np.random.default_rng(p.seed)
    order = rng.permutation(n)
    if test is None:
        n_test = int(math.floor(n * getattr(p, "test_fraction", 0.0)))
        test_idx, order = order[:n_test], order[n_test:]
        test = _take(pool, np.sort(test_idx))
    n_val = int(math.floor(len(order) * p.val_fraction))
    val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
    return {"train": _take(pool, train_idx), "val": _take(pool, val_idx), "test": test}


def split_sizes(n: int, n_test_pool: int | None, p: SourceParams) -> dict[str, int]:
    """The sizes :func:`split_arrays` produces, without the arrays."""
    n_test = n_test_pool if n_test_pool is not None else int(math.floor(n * getattr(p, "test_fraction", 0.0)))
    rest = n if n_test_pool is not None else n - n_test
    n_val = int(math.floor(rest * p.val_fraction))
    return {"train": rest - n_val, "val": n_val, "test": n_test}


def _take(arrays: Arrays, idx: np.ndarray) -> Arrays:
    return {k: v[idx] for k, v in arrays.items()}


def _length(arrays: Arrays) -> int:
    lengths = {len(v) for v in arrays.values()}
    if len(lengths) > 1:
        raise data_error(
            f"arrays disagree on the number of samples. Received: { {k: len(v) for k, v in arrays.items()} }",
            code="length_mismatch",
        )
    return lengths.pop() if lengths else 0


def _describe(arrays: Arrays, names: list[str], targets: bool, meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        a = arrays[name]
        d: dict[str, Any] = {"shape": list(a.shape[1:]), "dtype": str(a.dtype)}
        if targets:
            d["num_classes"] = meta.get("num_classes", {}).get(name)
        out[name] = d
    return out


def _all_defaults(model: type[BaseModel]) -> bool:
    return all(not f.is_required() for f in model.model_fields.values())


def classify(values: np.ndarray) -> tuple[np.ndarray, int | None]:
    """Integer-valued targets are class ids (int32, num_classes = max + 1); others regress."""
    if (
        values.size
        and np.issubdtype(values.dtype, np.number)
        and np.all(np.isfinite(values))
        and np.all(values == np.round(values))
        and values.min() >= 0
    ):
        ints = values.astype(np.int32)
        return ints, int(ints.max()) + 1
    return values.astype(np.float32), None


def data_root(path: str | None, subdirs: tuple[str, ...], marker: str, source: str) -> Path:
    """The directory holding a data set: the ``path`` param, else under ``$AKID_DATA_PATH``.

    Under ``AKID_DATA_PATH`` each of ``subdirs`` is tried, then the root itself; the
    first that holds ``marker`` (or ``marker.gz``) wins. Errors name the expected path.
    """
    if path:
        root = Path(path).expanduser()
        if not root.is_dir():
            raise data_error(
                f"{source}: data directory not found: {root}. Received: path={path!r}",
                code="missing_file",
                path=root,
                param="path",
            )
        return root
    from akid.settings import get_settings

    env = get_settings().data_path
    if not env:
        raise data_error(
            f"{source}: no data directory; set the 'path' param or the AKID_DATA_PATH environment variable "
            f"(expected {'/'.join(['$AKID_DATA_PATH', subdirs[0], marker])}). Nothing is downloaded. Received: path=None",
            code="missing_file",
            param="path",
        )
    base = Path(env).expanduser()
    candidates = [base / s for s in subdirs] + [base]
    for c in candidates:
        if (c / marker).is_file() or (c / (marker + ".gz")).is_file():
            return c
    raise data_error(
        f"{source}: missing file {candidates[0] / marker} (looked in {', '.join(str(c) for c in candidates)}). Nothing is downloaded.",
        code="missing_file",
        path=candidates[0] / marker,
    )
