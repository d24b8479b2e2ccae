"""Graph -> a plain Keras model built from the export plan (imports TensorFlow).

See :mod:`akid.graph.export_plan` for the plan (the block specs' Keras mappings);
this module only instantiates it: composites become nested functional models.
"""

from __future__ import annotations

import inspect
from typing import Any

import keras

from akid.blocks.keras_extra import SplitLayer
from akid.blocks.runtime import build_keras_layer
from akid.errors import AkidError, Issue
from akid.graph.export_plan import (  # noqa: F401  (re-exported for older imports)
    TRAINING_LAYERS,
    Composite,
    Step,
    has_feedback,
    keras_axis,
    layer_name,
    layer_spec,
    plan,
)


def make_layer(step: Step) -> keras.layers.Layer:
    """The stock Keras layer for one step, named by its node id (its owner's, for a shared layer)."""
    return build_keras_layer(step.cls, step.kwargs, name=layer_name(step.layer_id))


def pack(step: Step, value: Any) -> Any:
    """A layer's call argument: a tensor for one port, a list for a multi port; composites take {port: tensor}."""
    packed = [[value(src) for src in srcs] if multi else value(srcs[0]) for multi, srcs in step.args]
    if step.cls == "Composite" and len(packed) > 1:
        return dict(zip(step.in_ports, packed))
    return packed[0] if len(packed) == 1 else packed


def _functional(
    steps: list[Step],
    composites: dict[str, Composite],
    name: str,
    input_shapes: dict[str, tuple] | None = None,
    output_order: list[str] | None = None,
) -> keras.Model:
    values: dict[tuple[str, str], Any] = {}
    inputs, outputs = {}, {}
    made: dict[str, Any] = {}  # layer id -> layer: a shared layer is made once and called at each site
    for s in steps:
        if s.cls == "Input":
            shape = input_shapes[s.node_id] if input_shapes else s.kwargs["shape"]
            t = keras.Input(shape=shape, dtype=s.kwargs["dtype"], name=layer_name(s.node_id))
            inputs[s.node_id] = t
            values[(s.node_id, "out")] = t
            continue
        arg = pack(s, lambda src: values[(src[0], src[1])])
        if s.layer_id in made:
            layer = made[s.layer_id]
        elif s.cls == "Composite":
            given = arg if isinstance(arg, dict) else {s.in_ports[0]: arg}
            c = composites[s.type]
            layer = _functional(
                c.steps, composites, layer_name(s.layer_id), {port: tuple(t.shape[1:]) for port, t in given.items()}, c.outputs
            )
        else:
            layer = make_layer(s)
        made[s.layer_id] = layer
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
        raise AkidError(
            [
                Issue(
                    "unsupported",
                    "a graph with feedback edges is not a Keras functional model; "
                    "use to_python(doc, flavor='keras') for a keras.Model subclass",
                )
            ]
        )
    return _functional(steps, composites, layer_name(a.graph.name))


def split_source() -> str:
    """Source of :class:`SplitLayer`, pasted into generated code that needs it."""
    return inspect.getsource(SplitLayer)


def extra_source(name: str) -> str:
    """Source of one of akid's extra Keras layers (``akid.blocks.keras_extra``), pasted into generated code."""
    from akid.blocks import keras_extra

    return inspect.getsource(getattr(keras_extra, name))


def keras_model_with_weights(doc: Any, weights: Any = None) -> keras.Model:
    """The plain-Keras model carrying akid weights: ``{node_id: arrays}``, a weights file path, or None (initial).

    Layers are named by node id, so each node's weights go to its layer; the model has been
    called once (Keras exports and saves only built models).
    """
    import numpy as np

    from akid.graph.compile import build_model
    from akid.graph.weights import read_weights, set_weights

    model = build_keras_model(doc)
    ours = build_model(doc, max_params=None)
    if weights is not None:
        set_weights(ours, weights if isinstance(weights, dict) else read_weights(weights))
    for nid, layer in ours.program.layers.items():
        if layer.weights and not ours.program.plans[nid].node.shares:  # a shared layer is one Keras layer
            model.get_layer(nid).set_weights(layer.get_weights())
    from akid.graph.compile import build_shape

    model({t.name: np.zeros((1, *build_shape(t.shape[1:])), t.dtype) for t in model.inputs})
    return model
