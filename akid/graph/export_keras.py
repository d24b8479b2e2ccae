"""Graph -> plain Keras: one table of block -> layer, used both to write code and to build models.

The exported code must not need akid, so every block maps to a stock Keras
layer (``Split`` to the small :class:`SplitLayer`, whose source is copied into
the generated file). Both the code writer and :func:`build_keras_model` read the
same :func:`layer_spec`, so the code we print and the model ``to_keras_json``
serialises cannot drift apart. Layer names are node ids (``/`` becomes ``_``, as
in the compiler), so weights copy across by name.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import keras

from akid.blocks import has_block
from akid.errors import AkidError, GraphValidationError, Issue
from akid.graph.validate import Analysis, analyze

ACTIVATION_BLOCKS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh"}
#: Keras layers whose call takes ``training`` (the subclass model passes it on).
TRAINING_LAYERS = {"Dropout", "BatchNormalization", "LSTM", "GRU"}


@keras.saving.register_keras_serializable(package="akid_export")
class SplitLayer(keras.layers.Layer):
    """Cut a tensor into ``num`` equal parts along ``axis`` (Keras axis, batch included)."""

    def __init__(self, num=2, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.num, self.axis = num, axis

    def call(self, inputs):
        return list(keras.ops.split(inputs, self.num, axis=self.axis))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if shape[self.axis] is not None:
            shape[self.axis] //= self.num
        return [tuple(shape)] * self.num

    def get_config(self):
        return {**super().get_config(), "num": self.num, "axis": self.axis}


def keras_axis(axis: int) -> int:
    """Sample axis (batch excluded, as in blocks) -> Keras axis (batch included)."""
    return axis if axis < 0 else axis + 1


def _tuple(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def layer_spec(type_name: str, p: Any) -> tuple[str, dict[str, Any]]:
    """(Keras layer class name, constructor kwargs) for one validated block."""
    if type_name == "Dense":
        return "Dense", {"units": p.units, "activation": p.activation, "use_bias": p.use_bias}
    if type_name in ("Conv2D", "Conv1D"):
        return type_name, {"filters": p.filters, "kernel_size": _tuple(p.kernel_size), "strides": _tuple(p.strides),
                           "padding": p.padding, "activation": p.activation, "use_bias": p.use_bias}
    if type_name in ("MaxPool2D", "AvgPool2D"):
        cls = "MaxPooling2D" if type_name == "MaxPool2D" else "AveragePooling2D"
        return cls, {"pool_size": _tuple(p.pool_size), "strides": _tuple(p.strides), "padding": p.padding}
    if type_name == "GlobalAvgPool2D":
        return "GlobalAveragePooling2D", {}
    if type_name == "Flatten":
        return "Flatten", {}
    if type_name == "Reshape":
        return "Reshape", {"target_shape": tuple(p.target_shape)}
    if type_name in ACTIVATION_BLOCKS:
        return "Activation", {"activation": ACTIVATION_BLOCKS[type_name]}
    if type_name == "Softmax":
        return "Softmax", {"axis": keras_axis(p.axis)}
    if type_name == "Dropout":
        return "Dropout", {"rate": p.rate, "seed": p.seed}
    if type_name == "Embedding":
        return "Embedding", {"input_dim": p.input_dim, "output_dim": p.output_dim}
    if type_name == "BatchNorm":
        return "BatchNormalization", {"momentum": p.momentum, "epsilon": p.epsilon}
    if type_name == "LayerNorm":
        return "LayerNormalization", {"epsilon": p.epsilon}
    if type_name in ("LSTM", "GRU"):
        return type_name, {"units": p.units, "return_sequences": p.return_sequences}
    if type_name in ("Add", "Multiply"):
        return type_name, {}
    if type_name == "Concat":
        return "Concatenate", {"axis": keras_axis(p.axis)}
    if type_name == "Split":
        return "SplitLayer", {"num": p.num, "axis": keras_axis(p.axis)}
    if type_name == "Output":
        return "Identity", {}
    raise AkidError([Issue("unsupported", f"block type {type_name!r} has no plain-Keras equivalent; export with flavor='akid' instead. Received: type={type_name!r}")])


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
        args = [(port.multi, [(e.source, e.source_port, e.id if e.feedback else None) for e in p.inputs.get(port.name, [])])
                for port in p.in_ports]
        shapes = {}
        for port in p.in_ports:
            edges = p.inputs.get(port.name, [])
            inf = inferences.get(edges[0].source) if edges else None
            if inf is not None and edges[0].source_port in inf.outputs:
                shapes[port.name] = tuple(inf.outputs[edges[0].source_port])
        steps.append(Step(nid, p.node.type, cls, kwargs, args, [o.name for o in p.out_ports], [q.name for q in p.in_ports], shapes))
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
            raise AkidError([Issue("unsupported", f"composite block {name!r} has feedback edges; plain Keras export supports "
                                   f"feedback only at the top level. Received: type={name!r}")])
    return a, steps, composites


def make_layer(step: Step) -> keras.layers.Layer:
    """The stock Keras layer for one step, named by its node id."""
    cls = SplitLayer if step.cls == "SplitLayer" else getattr(keras.layers, step.cls)
    return cls(**step.kwargs, name=layer_name(step.node_id))


def pack(step: Step, value: Any) -> Any:
    """A layer's call argument: a tensor for one port, a list for a multi port; composites take {port: tensor}."""
    packed = [[value(src) for src in srcs] if multi else value(srcs[0]) for multi, srcs in step.args]
    if step.cls == "Composite" and len(packed) > 1:
        return dict(zip(step.in_ports, packed))
    return packed[0] if len(packed) == 1 else packed


def _functional(steps: list[Step], composites: dict[str, Composite], name: str,
                input_shapes: dict[str, tuple] | None = None, output_order: list[str] | None = None) -> keras.Model:
    values: dict[tuple[str, str], Any] = {}
    inputs, outputs = {}, {}
    for s in steps:
        if s.cls == "Input":
            shape = input_shapes[s.node_id] if input_shapes else s.kwargs["shape"]
            t = keras.Input(shape=shape, dtype=s.kwargs["dtype"], name=layer_name(s.node_id))
            inputs[s.node_id] = t
            values[(s.node_id, "out")] = t
            continue
        arg = pack(s, lambda src: values[(src[0], src[1])])
        if s.cls == "Composite":
            given = arg if isinstance(arg, dict) else {s.in_ports[0]: arg}
            c = composites[s.type]
            layer = _functional(c.steps, composites, layer_name(s.node_id),
                                {port: tuple(t.shape[1:]) for port, t in given.items()}, c.outputs)
        else:
            layer = make_layer(s)
        out = layer(arg)
        if s.type == "Output":
            outputs[s.node_id] = out
        elif len(s.out_ports) == 1:
            values[(s.node_id, s.out_ports[0])] = out
        else:
            for port, t in zip(s.out_ports, out):
                values[(s.node_id, port)] = t
    if input_shapes is None:  # the model itself: dicts keyed by node id, like GraphModel
        return keras.Model(inputs=inputs, outputs=outputs, name=name)
    ins = list(inputs.values())
    outs = [outputs[o] for o in output_order or outputs]
    return keras.Model(inputs=ins[0] if len(ins) == 1 else inputs, outputs=outs[0] if len(outs) == 1 else outs, name=name)


def build_keras_model(doc: Any) -> keras.Model:
    """The keras-flavor model itself (functional; composites become nested models; feedback is refused)."""
    a, steps, composites = plan(doc)
    if has_feedback(steps):
        raise AkidError([Issue("unsupported", "a graph with feedback edges is not a Keras functional model; "
                               "use to_python(doc, flavor='keras') for a keras.Model subclass")])
    return _functional(steps, composites, layer_name(a.graph.name))


def split_source() -> str:
    """Source of :class:`SplitLayer`, pasted into generated code that needs it."""
    return inspect.getsource(SplitLayer)
