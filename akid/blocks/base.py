"""The Block: a stateful unit that takes tensors and emits tensors.

A block declares *once* its ports and a typed parameter model (pydantic). From
that single declaration we derive the palette entry (JSON Schema), parameter
validation, static shape / parameter / FLOP inference and the Keras layer that
runs it. Blocks subclass ``keras.layers.Layer`` so that a graph of blocks is
itself a Keras model and a block can be used anywhere Keras expects a layer.

Shapes in this package never include the batch dimension: ``(8, 8, 1)`` is an
8x8 single-channel image; ``None`` is an unknown size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

import keras
from pydantic import BaseModel, ConfigDict, ValidationError

from akid.errors import BlockParamError, Issue, ShapeError, issues_from_validation

Shape = tuple  # tuple[int | None, ...], batch dimension excluded


class BlockParams(BaseModel):
    """Base of every block's parameter model: strict, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class PortSpec:
    """A named port. ``multi`` input ports accept several edges (in edge order)."""

    name: str
    multi: bool = False
    doc: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "multi": self.multi, "doc": self.doc}


@dataclass
class Inference:
    """What static analysis knows about one node: output shapes, weights, cost."""

    outputs: dict[str, Shape]
    params: int = 0
    flops: int = 0
    notes: dict[str, Any] = field(default_factory=dict)


class Block(keras.layers.Layer):
    """Base class of every registered block.

    Subclasses set ``type_name``, ``category``, ``Params`` and their ports, and
    implement :meth:`infer` (static: shapes in, shapes/params/FLOPs out, no
    TensorFlow) and :meth:`call`. Keeping :meth:`infer` free of TensorFlow is
    what lets the editor validate a 1,000-node graph on every keystroke; the
    block contract test proves it agrees with what TensorFlow really builds.
    """

    type_name: ClassVar[str] = ""
    category: ClassVar[str] = "core"
    Params: ClassVar[type[BlockParams]] = BlockParams
    input_spec_ports: ClassVar[tuple[PortSpec, ...]] = (PortSpec("in"),)
    output_spec_ports: ClassVar[tuple[PortSpec, ...]] = (PortSpec("out"),)
    #: Params shown on the node face in the editor.
    key_params: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: dict[str, Any] | BlockParams | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self.p = params if isinstance(params, BlockParams) else self.parse_params(params or {}, node_id=name)

    # ---- declaration -------------------------------------------------
    @classmethod
    def parse_params(cls, raw: dict[str, Any], node_id: str | None = None) -> BlockParams:
        """Validate raw JSON params; every problem becomes an issue naming its param."""
        if not isinstance(raw, dict):
            raise BlockParamError([Issue("bad_params", f"{cls.type_name}: params must be an object. Received: {raw!r}", node_id=node_id, param=None)])
        try:
            return cls.Params.model_validate(raw)
        except ValidationError as exc:
            raise BlockParamError(issues_from_validation(exc, cls.type_name, node_id=node_id)) from None

    @classmethod
    def input_ports(cls, params: BlockParams) -> tuple[PortSpec, ...]:
        return cls.input_spec_ports

    @classmethod
    def output_ports(cls, params: BlockParams) -> tuple[PortSpec, ...]:
        return cls.output_spec_ports

    @classmethod
    def spec(cls) -> dict[str, Any]:
        """The JSON the palette, validator and exporter read."""
        defaults = cls.Params()  # every param has a default: blocks must be droppable as-is
        return {
            "type": cls.type_name,
            "category": cls.category,
            "doc": (cls.__doc__ or "").strip(),
            "inputs": [p.to_json() for p in cls.input_ports(defaults)],
            "outputs": [p.to_json() for p in cls.output_ports(defaults)],
            "dynamic_outputs": _has_dynamic_outputs(cls),
            "params_schema": cls.Params.model_json_schema(),
            "defaults": defaults.model_dump(mode="json"),
            "key_params": list(cls.key_params),
        }

    # ---- static analysis -------------------------------------------
    @classmethod
    def infer(cls, params: BlockParams, inputs: dict[str, list[Shape]], node_id: str | None = None) -> Inference:
        """Output shapes (batch excluded), parameter count and forward FLOPs per sample."""
        raise NotImplementedError

    @classmethod
    def shape_error(cls, message: str, node_id: str | None, port: str = "in", param: str | None = None, code: str = "shape_mismatch") -> ShapeError:
        return ShapeError([Issue(code, f"{cls.type_name}: {message}", node_id=node_id, port=port, param=param)])

    # ---- Keras -----------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Blocks keep their weights in sub-layers, which build on their first call.

        Without this, Keras traces ``call`` symbolically once per block just to
        build it — the dominant cost of compiling a large graph.
        """
        self.built = True

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["params"] = self.p.model_dump(mode="json")
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Block":
        config = dict(config)
        params = config.pop("params", {})
        return cls(params=params, **config)


def _has_dynamic_outputs(cls: type[Block]) -> bool:
    return "output_ports" in cls.__dict__


def single_input(inputs: dict[str, list[Shape]], port: str = "in") -> Shape:
    """The one shape arriving at a single-edge port (the validator guarantees one)."""
    return tuple(inputs[port][0])


def prod(dims: Sequence[int | None]) -> int | None:
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= int(d)
    return out
