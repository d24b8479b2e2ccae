"""The block spec: everything akid knows about a block type, declared once, without TensorFlow.

A block type is a :class:`Block` subclass that *declares*: its type name,
category and doc, a strict pydantic parameter model, its ports (a function of
the params: Split has ``out0..out{num-1}``), its static rule (``infer``: shapes
in, shapes / params / FLOPs out) and its Keras mapping in both directions
(:class:`~akid.blocks.keras_map.KerasMap`). The palette, the validator, shape
inference, the compiler, Keras import/export and the code exporter all read
these declarations; none of them needs TensorFlow except the compiler, which
asks :meth:`Block.build_layer` for the runtime layer only when it builds a model.

Keeping this module free of TensorFlow is what lets ``GET /api/blocks`` and
``python -m akid validate`` answer in milliseconds (a test asserts that
importing the blocks does not import TensorFlow).

Shapes in this package never include the batch dimension: ``(8, 8, 1)`` is an
8x8 single-channel image; ``None`` is an unknown size.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akid.errors import BlockParamError, Issue, ShapeError, issues_from_validation

if TYPE_CHECKING:  # pragma: no cover
    from akid.blocks.keras_map import KerasMap

Shape = tuple  # tuple[int | None, ...], batch dimension excluded


class BlockParams(BaseModel):
    """Base of every block's parameter model: strict, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TrainableParams(BlockParams):
    """Params of a block with weights: ``trainable`` freezes them (Keras' ``trainable`` config key, both ways).

    A frozen block keeps its weights through training (fine-tuning an imported
    model: freeze the feature extractor, train the head). As in Keras, a frozen
    BatchNorm also runs in inference mode (its statistics stay as loaded).
    """

    trainable: bool = Field(default=True, description="Train this block's weights (false: frozen, e.g. when fine-tuning).")


@dataclass(frozen=True)
class PortSpec:
    """A named port. ``multi`` input ports accept several edges (in edge order)."""

    name: str
    multi: bool = False
    doc: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "multi": self.multi, "doc": self.doc}


@dataclass(frozen=True)
class PortRule:
    """Ports that depend on a param, declared as data so the frontend computes them too.

    ``PortRule("num", "out{i}")`` means ports ``out0 .. out{num-1}``. With ``cases`` the param's
    value picks a fixed list instead: ``PortRule("merge_mode", cases=((None, ("fwd", "bwd")),))``
    means ports ``fwd`` and ``bwd`` when ``merge_mode`` is null and ``otherwise`` (``out``) else.
    """

    param: str
    pattern: str = ""
    cases: tuple[tuple[Any, tuple[str, ...]], ...] = ()
    otherwise: tuple[str, ...] = ("out",)

    def ports(self, params: BaseModel) -> tuple[PortSpec, ...]:
        value = getattr(params, self.param)
        if self.cases:
            names = next((names for v, names in self.cases if v == value), self.otherwise)
            return tuple(PortSpec(n) for n in names)
        return tuple(PortSpec(self.pattern.format(i=i)) for i in range(int(value)))

    def to_json(self) -> dict[str, Any]:
        if self.cases:
            return {
                "param": self.param,
                "cases": [{"value": v, "ports": list(names)} for v, names in self.cases],
                "otherwise": list(self.otherwise),
            }
        return {"param": self.param, "pattern": self.pattern}


@dataclass
class Inference:
    """What static analysis knows about one node: output shapes, weights, cost."""

    outputs: dict[str, Shape]
    params: int = 0
    flops: int = 0
    notes: dict[str, Any] = field(default_factory=dict)


class Block:
    """Base class of every block spec (declarations only; see the module doc).

    Subclasses set ``type_name``, ``category``, ``Params``, their ports and
    ``keras`` (the Keras mapping), and implement :meth:`infer`. Calling a spec
    class (``Dense({"units": 3}, name="d")``) builds its runtime Keras layer —
    that is the only path that imports TensorFlow.
    """

    type_name: ClassVar[str] = ""
    category: ClassVar[str] = "core"
    Params: ClassVar[type[BlockParams]] = BlockParams
    input_spec_ports: ClassVar[tuple[PortSpec, ...]] = (PortSpec("in"),)
    output_spec_ports: ClassVar[tuple[PortSpec, ...]] = (PortSpec("out"),)
    #: Output ports computed from a param (Split); the frontend reads it from the spec JSON.
    output_rule: ClassVar[PortRule | None] = None
    #: Params shown on the node face in the editor.
    key_params: ClassVar[tuple[str, ...]] = ()
    #: The Keras mapping (both directions); ``None``: no stock Keras equivalent.
    keras: ClassVar[KerasMap | None] = None
    #: ``"module:Class"`` of the runtime layer, imported only when compiling.
    runtime: ClassVar[str] = "akid.blocks.runtime:SpecLayer"
    #: Whether integer inputs reach the block as integers (else they are cast to float32).
    int_inputs: ClassVar[bool] = False

    def __new__(cls, params: dict[str, Any] | BlockParams | None = None, name: str | None = None, **kwargs: Any) -> Any:
        """``Spec(params, name=...)`` is the runtime layer: see :meth:`build_layer`."""
        return cls.build_layer(params, name=name, **kwargs)

    # ---- declaration -------------------------------------------------
    @classmethod
    def parse_params(cls, raw: dict[str, Any], node_id: str | None = None) -> BlockParams:
        """Validate raw JSON params; every problem becomes an issue naming its param."""
        if isinstance(raw, BlockParams):
            return raw
        if not isinstance(raw, dict):
            raise BlockParamError(
                [
                    Issue(
                        "bad_params", f"{cls.type_name}: params must be an object. Received: {raw!r}", node_id=node_id, param=None
                    )
                ]
            )
        try:
            return cls.Params.model_validate(raw)
        except ValidationError as exc:
            raise BlockParamError(_one_per_param(issues_from_validation(exc, cls.type_name, node_id=node_id))) from None

    @classmethod
    def input_ports(cls, params: BlockParams) -> tuple[PortSpec, ...]:
        return cls.input_spec_ports

    @classmethod
    def output_ports(cls, params: BlockParams) -> tuple[PortSpec, ...]:
        if cls.output_rule is not None:
            return cls.output_rule.ports(params)
        return cls.output_spec_ports

    @classmethod
    def spec(cls) -> dict[str, Any]:
        """The JSON the palette, inspector and frontend port logic read."""
        defaults = cls.Params()  # every param has a default: blocks must be droppable as-is
        schema = cls.Params.model_json_schema()
        if "trainable" in schema.get("properties", {}):  # TrainableParams: after the block's own params
            schema["properties"]["trainable"] = schema["properties"].pop("trainable")
        return {
            "type": cls.type_name,
            "category": cls.category,
            "doc": (cls.__doc__ or "").strip(),
            "inputs": [p.to_json() for p in cls.input_ports(defaults)],
            "outputs": [p.to_json() for p in cls.output_ports(defaults)],
            "dynamic_outputs": cls.output_rule is not None,
            "output_rule": cls.output_rule.to_json() if cls.output_rule is not None else None,
            "params_schema": schema,
            "defaults": defaults.model_dump(mode="json"),
            "key_params": list(cls.key_params),
            "keras": cls.keras.cls if cls.keras is not None else None,
        }

    # ---- static analysis -------------------------------------------
    @classmethod
    def infer(cls, params: BlockParams, inputs: dict[str, list[Shape]], node_id: str | None = None) -> Inference:
        """Output shapes (batch excluded), parameter count and forward FLOPs per sample."""
        raise NotImplementedError

    @classmethod
    def shape_error(
        cls, message: str, node_id: str | None, port: str | None = "in", param: str | None = None, code: str = "shape_mismatch"
    ) -> ShapeError:
        return ShapeError([Issue(code, f"{cls.type_name}: {message}", node_id=node_id, port=port, param=param)])

    # ---- runtime -----------------------------------------------------
    @classmethod
    def build_layer(cls, params: dict[str, Any] | BlockParams | None = None, name: str | None = None, **kwargs: Any) -> Any:
        """The Keras layer that runs this block (imports TensorFlow)."""
        p = cls.parse_params(params if params is not None else {}, node_id=name)
        module, _, attr = cls.runtime.partition(":")
        layer_cls = getattr(importlib.import_module(module), attr)
        return layer_cls(spec=cls, params=p, name=name, **kwargs)


def _one_per_param(issues: list[Issue]) -> list[Issue]:
    """One issue per top-level param, named by it (``kernel_size``, not ``kernel_size.list[constrained-int]``).

    A param typed ``int | [int, int]`` fails once per union branch; the branch whose
    complaint is about the value (not about the type) says what is wrong.
    """
    by_param: dict[str | None, list[Issue]] = {}
    for i in issues:
        by_param.setdefault(i.param.split(".")[0] if i.param else None, []).append(i)
    out = []
    for param, group in by_param.items():
        about_value = [i for i in group if "should be a valid" not in i.message]
        best = (about_value or group)[0]
        message = best.message.replace(f".{best.param}:", f".{param}:", 1) if best.param and param else best.message
        out.append(Issue(best.code, message, node_id=best.node_id, port=best.port, param=param, path=best.path))
    return out


#: The name other modules use for a block declaration.
BlockSpec = Block


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
