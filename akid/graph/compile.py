"""Graph -> Keras model, feedback loops included.

:class:`GraphModel` is a ``keras.Model`` whose sub-layers are the graph's blocks,
each named by its node id, so checkpoints, weight observers and feature maps all
speak node ids. The model walks the execution order the validator computed (see
:func:`akid.graph.validate.analyze`): what validates is exactly what is built.

Feedback edges carry their source's value from the previous time step (zeros of
the inferred shape at step 0). A graph with feedback runs ``params.time_steps``
steps inside one ``call``; the same layer objects run at every step, so weights
are shared across steps and gradients flow through the whole unrolled loop.
"""

from __future__ import annotations

from typing import Any

import keras
from keras.src.backend.common.masking import get_keras_mask, set_keras_mask  # not in Keras' public API

from akid.blocks.runtime import RuntimeLayer as Block
from akid.errors import GraphValidationError, Issue
from akid.graph.schema import Graph, dump_graph
from akid.graph.shapes import NodePlan, infer_shapes
from akid.graph.sharing import shared_layers, sharers
from akid.graph.validate import DEFAULT_MAX_PARAMS, analyze


class GraphProgram:
    """The blocks of one graph plus the loop that runs them (shared by models and composites)."""

    def __init__(
        self, graph: Graph, plans: dict[str, NodePlan], order: list[str], fixed_feedback_shapes: dict[str, tuple] | None = None
    ) -> None:
        self.graph, self.plans, self.order = graph, plans, order
        self.fixed_feedback_shapes = fixed_feedback_shapes
        self.layers: dict[str, Block] = shared_layers(
            order, lambda nid: plans[nid].cls.build_layer(plans[nid].params, name=_layer_name(nid)), sharers(graph)
        )
        self.feedback = [e for nid in order for es in plans[nid].inputs.values() for e in es if e.feedback]
        self.steps = graph.time_steps if self.feedback else 1
        self.input_ids = [nid for nid in order if plans[nid].node.type == "Input"]
        self.output_ids = [nid for nid in order if plans[nid].node.type == "Output"]

    def feedback_shapes(self, feed: dict[str, Any]) -> dict[str, tuple]:
        """Static shapes of the fed-back values for the input shapes actually given."""
        if not self.feedback:
            return {}
        if self.fixed_feedback_shapes is not None:
            return self.fixed_feedback_shapes
        given = {nid: tuple(feed[nid].shape[1:]) for nid in self.input_ids}
        result = infer_shapes(self.plans, self.order, input_shapes=given)
        if result.issues:
            raise GraphValidationError(result.issues)
        return result.feedback_shapes

    def run(self, feed: dict[str, Any], training: bool | None = None, return_all: bool = False) -> dict[str, Any]:
        """Outputs keyed by Output node id (every node's value too with ``return_all``)."""
        missing = [nid for nid in self.input_ids if nid not in feed]
        if missing:
            raise GraphValidationError(
                [
                    Issue(
                        "missing_input", f"no value was given for Input {nid!r}. Received: inputs for {sorted(feed)}", node_id=nid
                    )
                    for nid in missing
                ]
            )
        batch = keras.ops.shape(feed[self.input_ids[0]])[0] if self.input_ids else 1
        shapes = self.feedback_shapes(feed)
        previous = {
            e.id: keras.ops.zeros((batch,) + tuple(shapes[e.id]), dtype=self.layers[e.source].compute_dtype)
            for e in self.feedback
        }
        values: dict[str, dict[str, Any]] = {}
        for _step in range(self.steps):
            values = {}
            for nid in self.order:
                plan = self.plans[nid]
                if nid in self.input_ids:
                    arg = _cast_keeping_mask(feed[nid], plan.params.dtype) if hasattr(plan.params, "dtype") else feed[nid]
                else:
                    arg = _pack(plan, values, previous)
                layer = self.layers[nid]
                out = layer(arg, training=training) if layer._call_has_training_arg else layer(arg)
                values[nid] = _unpack(plan, out)
            previous = {e.id: values[e.source][e.source_port] for e in self.feedback}
        result = {nid: values[nid]["result"] for nid in self.output_ids}
        if return_all:
            for nid in self.order:
                v = values[nid]
                ports = list(v.values())
                result.setdefault(nid, ports[0] if len(ports) == 1 else ports)
        return result


@keras.saving.register_keras_serializable(package="akid")
class GraphModel(keras.Model):
    """A graph document as a Keras model: ``call({input_id: x}) -> {output_id: y}``."""

    def __init__(
        self, graph: dict[str, Any] | Graph, *, max_params: int | None = DEFAULT_MAX_PARAMS, resolver: Any = None, **kwargs: Any
    ) -> None:
        a = analyze(graph, resolver=resolver, max_params=max_params)
        if a.issues:
            raise GraphValidationError(a.issues)
        kwargs.setdefault("name", _layer_name(a.graph.name) or "graph")
        super().__init__(**kwargs)
        self.graph_doc = dump_graph(a.graph)
        self.max_params = max_params
        self.analysis = a
        fixed = a.shapes.feedback_shapes
        if any(None in tuple(s) for s in fixed.values()):
            fixed = None  # a fed-back value of unknown size: sized from the inputs each call
        self.program = GraphProgram(a.graph, a.plans, a.order, fixed_feedback_shapes=fixed)
        self.blocks = [self.program.layers[nid] for nid in a.order if not a.plans[nid].node.shares]

    @property
    def bindings(self) -> dict[str, dict[str, dict[str, Any]]]:
        """How the model meets the data: Input features and Output targets, with shapes."""
        infs = self.analysis.shapes.inferences
        inputs, outputs = {}, {}
        for nid in self.program.input_ids:
            p = self.analysis.plans[nid].params
            inputs[nid] = {"feature": p.feature, "shape": list(p.shape), "dtype": p.dtype}
        for nid in self.program.output_ids:
            p = self.analysis.plans[nid].params
            shape = infs[nid].outputs["result"]
            outputs[nid] = {
                "target": p.target,
                "loss": p.loss,
                "from_logits": p.from_logits,
                "metrics": list(p.metrics),
                "weight": p.weight,
                "shape": [None if d is None else int(d) for d in shape],
            }
        return {"inputs": inputs, "outputs": outputs}

    def block(self, node_id: str) -> Block:
        """The layer that runs node ``node_id``."""
        return self.program.layers[node_id]

    def build(self, input_shape: Any = None) -> None:
        """Nothing to do up front: each block builds on its first call.

        Defining it stops Keras from tracing the whole model symbolically on the
        first call just to build it (which costs more than the call itself).
        """
        self.built = True

    def call(self, inputs: dict[str, Any], training: bool | None = None, return_all: bool = False) -> dict[str, Any]:
        if not isinstance(inputs, dict):
            if len(self.program.input_ids) != 1:
                raise ValueError(
                    f"this graph has Inputs {self.program.input_ids}: pass a dict keyed by their node ids. "
                    f"Received: {type(inputs).__name__}"
                )
            inputs = {self.program.input_ids[0]: inputs}
        return self.program.run(inputs, training=training, return_all=return_all)

    def build_from_bindings(self) -> GraphModel:
        """Create every weight now (one eager pass on a zero sample) so ``count_params`` works.

        An eager batch of one is several times cheaper than tracing the model
        symbolically with ``keras.Input``: each block would be traced again.
        """
        feed = {
            nid: keras.ops.zeros((1, *build_shape(b["shape"])), dtype=b["dtype"]) for nid, b in self.bindings["inputs"].items()
        }
        self(feed, training=False)
        return self

    def build_from_config(self, config: dict[str, Any]) -> None:
        """Loading a saved model: create the weights before Keras restores their values."""
        self.build_from_bindings()

    def get_config(self) -> dict[str, Any]:
        return {"graph": self.graph_doc, "max_params": self.max_params, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GraphModel:
        return cls(**config)


def build_model(
    doc_or_graph: dict[str, Any] | str | bytes | Graph,
    *,
    max_params: int | None = DEFAULT_MAX_PARAMS,
    resolver: Any = None,
    build: bool = True,
) -> GraphModel:
    """Validate and compile; raises ``GraphValidationError`` listing every issue.

    With ``build`` (the default) the weights exist on return, so the model can be
    summarised, counted or checkpointed before it has seen data.
    """
    model = GraphModel(doc_or_graph, max_params=max_params, resolver=resolver)
    if build:
        model.build_from_bindings()
    return model


#: The size an unknown (null) axis gets in the one sample that creates the weights: long enough for
#: the kernels and pools a sequence model puts on it (weights never depend on that axis).
BUILD_LENGTH = 64


def build_shape(shape: list | tuple) -> tuple[int, ...]:
    """A concrete sample shape for building weights: unknown (null) sizes become :data:`BUILD_LENGTH`."""
    return tuple(BUILD_LENGTH if d is None else int(d) for d in shape)


def _cast_keeping_mask(v: Any, dtype: str) -> Any:
    """``keras.ops.cast`` makes a new tensor; Keras' mask (padding) must stay on it as Keras keeps it."""
    mask = get_keras_mask(v)
    out = keras.ops.cast(v, dtype)
    if mask is not None:
        set_keras_mask(out, mask)
    return out


def _pack(plan: NodePlan, values: dict[str, dict[str, Any]], previous: dict[str, Any]) -> Any:
    """A block's call argument: tensor for one single-edge port, list for one multi port, dict otherwise."""
    packed = {}
    keep_ints = getattr(plan.cls, "int_inputs", False)
    for port in plan.in_ports:
        vals = [previous[e.id] if e.feedback else values[e.source][e.source_port] for e in plan.inputs[port.name]]
        if not keep_ints:
            vals = [_cast_keeping_mask(v, "float32") if "int" in str(v.dtype) else v for v in vals]
        packed[port.name] = vals if port.multi else vals[0]
    if len(packed) == 1:
        return next(iter(packed.values()))
    return packed


def _unpack(plan: NodePlan, out: Any) -> dict[str, Any]:
    ports = [p.name for p in plan.out_ports]
    if not ports:
        return {"result": out}
    if len(ports) == 1:
        return {ports[0]: out}
    return dict(zip(ports, list(out)))


def _layer_name(node_id: str) -> str:
    """A node's layer name is its id: ids are restricted to ``[A-Za-z_][A-Za-z0-9_]*`` (see
    :data:`akid.graph.schema.NODE_ID`), so the mapping is the identity and never merges two nodes.
    Graph names are free text: Keras forbids only '/' there."""
    return node_id.replace("/", "_")
