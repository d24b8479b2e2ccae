"""A block's Keras mapping, declared once and read in both directions (no TensorFlow).

:class:`KerasMap` says which Keras layer class a block is and how each Keras
config key relates to the block's params:

* ``options``: a Keras key that *is* a block param (with converters both ways);
* ``fixed``: a Keras key akid supports only at certain values (e.g.
  ``data_format="channels_last"``); any other value is refused by name;
* ``inert``: keys that do not change what the layer computes from its weights
  (name, initializers — the weights come from the file or from akid's
  own initialisation);
* ``trainable``: the ``trainable`` param of blocks with weights
  (:class:`~akid.blocks.base.TrainableParams`), written on export only when false;
  on import it is read for those blocks (see ``akid.graph.export_import``) and
  inert for weightless ones (a frozen Keras base model freezes its ReLUs too);
* anything else is refused as an unknown option, so no Keras option is ever
  accepted and silently ignored.

Export (:meth:`KerasMap.to_keras`) writes the mapped options; import
(:meth:`KerasMap.from_keras`) returns the block params and *every* refused key
as an :class:`~akid.errors.Issue`, so the importer can list all problems at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from akid.errors import Issue


def identity(v: Any) -> Any:
    return v


def as_tuple(v: Any) -> Any:
    """akid lists -> the tuples Keras configs hold."""
    return tuple(v) if isinstance(v, list) else v


def short(v: Any) -> Any:
    """``[3, 3]`` -> ``3`` (akid accepts either; the short form reads better)."""
    if isinstance(v, (list, tuple)):
        v = list(v)
        return v[0] if v and all(x == v[0] for x in v) else v
    return v


def to_keras_axis(axis: int) -> int:
    """Sample axis (batch excluded, as in blocks) -> Keras axis (batch included)."""
    return axis if axis < 0 else axis + 1


def from_keras_axis(axis: Any) -> int:
    """Keras axis (batch included) -> sample axis; one non-batch axis only."""
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, int) or axis == 0:
        raise ValueError(f"only a single non-batch axis is supported. Received: axis={axis!r}")
    return axis if axis < 0 else axis - 1


class LayerRef:
    """A stock Keras layer given as data: a wrapper's inner layer (``Bidirectional(LSTM(...))``).

    Export plans and code stay plain data; the layer object is made only when
    compiling (:func:`akid.blocks.runtime.build_keras_layer`). ``repr`` is the
    constructor call, so generated code prints it as written.
    """

    def __init__(self, cls: str, kwargs: dict[str, Any]) -> None:
        self.cls, self.kwargs = cls, dict(kwargs)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"keras.layers.{self.cls}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LayerRef) and (self.cls, self.kwargs) == (other.cls, other.kwargs)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class KerasOption:
    """Keras config ``key`` <-> block param ``param``."""

    key: str
    param: str
    to_keras: Callable[[Any], Any] = identity
    from_keras: Callable[[Any], Any] = identity


def opt(
    key: str, param: str | None = None, to_keras: Callable[[Any], Any] = identity, from_keras: Callable[[Any], Any] = identity
) -> KerasOption:
    return KerasOption(key, param or key, to_keras, from_keras)


#: Keys no layer's forward computation depends on (given its weights).
COMMON_INERT = ("name", "trainable", "dtype")
INERT_SUFFIXES = ("_initializer",)
#: Keys that change training, refused unless unset.
NULL_SUFFIXES = ("_regularizer", "_constraint")
#: Keras 3 dtype policies akid runs (float32 everywhere).
FLOAT32 = ("float32", None)


@dataclass(frozen=True)
class KerasMap:
    """How one block type is one Keras layer class (see the module doc)."""

    cls: str
    options: tuple[KerasOption, ...] = ()
    fixed: dict[str, tuple] = field(default_factory=dict)
    inert: tuple[str, ...] = ()
    #: Name of the stock layer inside akid's runtime wrapper (its weights' path).
    inner: str = "layer"
    #: When several blocks share a Keras class (Activation): does this config belong to this block?
    match: Callable[[dict[str, Any]], bool] | None = None
    #: Params derived after the per-key conversion (e.g. drop ``strides`` equal to ``pool_size``).
    post_import: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: Extra Keras kwargs written on export that are not block params (constants).
    constants: dict[str, Any] = field(default_factory=dict)
    #: Keras classes (besides ``cls``) read as this block on import.
    aliases: tuple[str, ...] = ()

    def to_keras(self, params: Any) -> tuple[str, dict[str, Any]]:
        """(Keras class name, constructor kwargs) for validated block params."""
        kwargs = {o.key: o.to_keras(getattr(params, o.param)) for o in self.options}
        kwargs.update(self.constants)
        if getattr(params, "trainable", True) is False:  # TrainableParams: written only when frozen
            kwargs["trainable"] = False
        return self.cls, kwargs

    def from_keras(self, config: dict[str, Any], layer: str | None = None) -> tuple[dict[str, Any], list[Issue]]:
        """(block params, issues): every key of ``config`` is mapped, accepted as inert, or refused by name."""
        params: dict[str, Any] = {}
        issues: list[Issue] = []
        by_key = {o.key: o for o in self.options}
        where = f"layer {layer!r} ({self.cls})" if layer else self.cls
        for key, value in config.items():
            if key in by_key:
                o = by_key[key]
                try:
                    params[o.param] = o.from_keras(value)
                except (ValueError, TypeError) as exc:
                    issues.append(Issue("unsupported_option", f"{where}: {key}: {exc}", node_id=layer, param=key))
            elif key in self.fixed or key == "dtype":
                allowed = self.fixed.get(key, FLOAT32)
                if _norm(key, value) not in allowed:
                    issues.append(
                        Issue(
                            "unsupported_option",
                            f"{where} uses {key}={_short_repr(value)}, which akid does not support "
                            f"(supported: {list(allowed)}). Received: {key}={_short_repr(value)}",
                            node_id=layer,
                            param=key,
                        )
                    )
            elif key in COMMON_INERT or key in self.inert or key.endswith(INERT_SUFFIXES):
                continue
            elif key.endswith(NULL_SUFFIXES):
                if value is not None:
                    issues.append(
                        Issue(
                            "unsupported_option",
                            f"{where} uses {key}={_short_repr(value)}; akid does not support "
                            f"regularizers or constraints. Received: {key}={_short_repr(value)}",
                            node_id=layer,
                            param=key,
                        )
                    )
            else:
                issues.append(
                    Issue(
                        "unsupported_option",
                        f"{where} has option {key}={_short_repr(value)}, which akid does not "
                        f"know. Received: {key}={_short_repr(value)}",
                        node_id=layer,
                        param=key,
                    )
                )
        if self.post_import is not None and not issues:
            params = self.post_import(params)
        return params, issues

    def keys(self) -> dict[str, str]:
        """Keras key -> 'mapped to <param>' / 'fixed to [...]' / 'inert' (documentation and tests)."""
        out = {o.key: f"mapped to {o.param}" for o in self.options}
        out.update({k: f"only {list(v)}" for k, v in self.fixed.items()})
        out.update(dict.fromkeys((*COMMON_INERT, *self.inert), "inert"))
        return out


def _norm(key: str, value: Any) -> Any:
    """Keras 3 writes dtype policies as objects: compare their names."""
    if key == "dtype" and isinstance(value, dict):
        return (value.get("config") or {}).get("name")
    if isinstance(value, list):
        return tuple(value)
    return value


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
