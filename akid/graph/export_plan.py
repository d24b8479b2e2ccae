"""Graph -> the plain-Keras plan: one step per node with its stock Keras layer (no TensorFlow).

The exported code must not need akid, so every block maps to a stock Keras
layer (``Split`` to the small ``SplitLayer``, whose source is copied into the
generated file). The table is each block spec's ``keras`` mapping
(:mod:`akid.blocks.keras_map`), the same one the importer reads. The code
writer (:mod:`akid.graph.export_code`) and :func:`akid.graph.export_keras.build_keras_model`
both read :func:`plan`, so the code we print and the model ``to_keras_json``
serialises cannot drift apart. Layer names are node ids, so weights copy across by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from akid.blocks import get_block, has_block
from akid.blocks.keras_map import to_keras_axis
from akid.errors import AkidError, GraphValidationError, Issue
from akid.graph.validate import Analysis, analyze

#: Keras layers whose call takes ``training`` (the subclass model passes it on).
TRAINING_LAYERS = {"Dropout", "BatchNormalization", "LSTM", "GRU", "Bidirectional"}


def keras_axis(axis: int) -> int:
    """Sample axis (batch excluded, as in blocks) -> Keras axis (batch included)."""
    return to_keras_axis(axis)


def layer_spec(type_name: str, p: Any) -> tuple[str, dict[str, Any]]:
    """(Keras layer class name, constructor kwargs) for one validated block: its spec's Keras mapping."""
    if type_name == "Output":
        return "Identity", {}
    spec = get_block(type_name)
    if spec.keras is None:
        raise AkidError(
            [
                Issue(
                    "unsupported",
                    f"block type {type_name!r} has no plain-Keras equivalent; export with flavor='akid' instead. Received: type={type_name!r}",
                )
            ]
        )
    return spec.keras.to_keras(p)


def layer_name(node_id: str) -> str:
    """The Keras layer name of a node: its id, with '/' (forbidden by Keras) as '_', as the compiler does."""
    return node_id.replace("/", "_")


@dataclass
class Step:
    """One node: its layer, what it reads (per port: (node_id, port, feedback_edge_id|None)) and what it gives."""

    node_id: str
    type: str
    cls: str  # a keras.layers class name, "Input", "SplitLayer" or "Composite"
    kwargs: dict[str, Any]
    args: list[tuple[bool, list[tuple[str, str, str | None]]]]  # (multi?, sources) per input port
    out_ports: list[str]
    in_ports: list[str] = field(default_factory=list)
    #: shape arriving at each input port (static analysis; composites size their inner Inputs with it)
    in_shapes: dict[str, tuple] = field(default_factory=dict)
    #: the node whose layer this step calls again (``shares``); None: its own layer
    shares: str | None = None

    @property
    def layer_id(self) -> str:
        """The node id naming the layer this step calls (its owner's, for a shared layer)."""
        return self.shares or self.node_id


def _steps(plans: dict[str, Any], order: list[str], inferences: dict[str, Any], found: dict[str, Any]) -> list[Step]:
    steps = []
    for nid in order:
        p = plans[nid]
        if p.node.type == "Input":
            cls, kwargs = "Input", {"shape": tuple(p.params.shape), "dtype": p.params.dtype}
        elif not has_block(p.node.type):
            cls, kwargs = "Composite", {}
            found.setdefault(p.node.type, p.cls)
        else:
            cls, kwargs = layer_spec(p.node.type, p.params)
        args = [
            (port.multi, [(e.source, e.source_port, e.id if e.feedback else None) for e in p.inputs.get(port.name, [])])
            for port in p.in_ports
        ]
        shapes = {}
        for port in p.in_ports:
            edges = p.inputs.get(port.name, [])
            inf = inferences.get(edges[0].source) if edges else None
            if inf is not None and edges[0].source_port in inf.outputs:
                shapes[port.name] = tuple(inf.outputs[edges[0].source_port])
        steps.append(
            Step(
                nid,
                p.node.type,
                cls,
                kwargs,
                args,
                [o.name for o in p.out_ports],
                [q.name for q in p.in_ports],
                shapes,
                p.node.shares,
            )
        )
    return steps


def has_feedback(steps: list[Step]) -> bool:
    """Whether any step reads a feedback edge (then only a subclassed, unrolled model can run it)."""
    return any(src[2] for s in steps for _, srcs in s.args for src in srcs)


@dataclass
class Composite:
    """A composite block's inner steps and its output ports in port order (the order its results come in)."""

    steps: list[Step]
    outputs: list[str]


def plan(doc: Any) -> tuple[Analysis, list[Step], dict[str, Composite]]:
    """Validate (export only what would compile); the layers in execution order and each composite's own steps."""
    a = analyze(doc)
    if a.issues:
        raise GraphValidationError(a.issues)
    found: dict[str, Any] = {}
    steps = _steps(a.plans, a.order, a.shapes.inferences, found)
    composites: dict[str, Composite] = {}
    while found:
        name, cls = found.popitem()
        if name in composites:
            continue
        composites[name] = Composite(_steps(cls.plans, cls.order, {}, found), [q.name for q in cls.output_spec_ports])
        if has_feedback(composites[name].steps):
            raise AkidError(
                [
                    Issue(
                        "unsupported",
                        f"composite block {name!r} has feedback edges; plain Keras export supports "
                        f"feedback only at the top level. Received: type={name!r}",
                    )
                ]
            )
    return a, steps, composites
