"""Static shape, parameter and FLOP inference over a whole graph (no TensorFlow).

Each block's ``infer`` classmethod knows its own rule; this module walks the
graph in execution order and feeds every node the shapes arriving on its ports.
Two choices keep the report useful:

* a node whose inputs could not be inferred is skipped silently, so one mistake
  upstream produces one error, not a cascade of bogus ones downstream;
* a feedback edge carries the value its source had at the previous step, so the
  target sees the *source's* inferred shape. The source usually comes later in
  the order, so we iterate: guess (the shape of a sibling edge on the same port),
  infer, substitute the sources' real shapes, and repeat until nothing changes.
  A loop whose shape keeps changing from step to step is reported, not looped on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from akid.blocks.base import Block, BlockParams, Inference, PortSpec, Shape
from akid.errors import AkidError, Issue
from akid.graph.schema import Edge, Node
from akid.graph.sharing import count_shared_once

MAX_PASSES = 4


@dataclass
class NodePlan:
    """What the structural checks established about one node (shared with the compiler)."""

    node: Node
    cls: type[Block] | None = None
    params: BlockParams | None = None
    in_ports: tuple[PortSpec, ...] = ()
    out_ports: tuple[PortSpec, ...] = ()
    #: port -> incoming edges, in document (edge) order; only edges whose ports exist.
    inputs: dict[str, list[Edge]] = field(default_factory=dict)
    #: False when the node itself is broken (type, params, ports): it is not inferred.
    ok: bool = False


@dataclass
class ShapeResult:
    inferences: dict[str, Inference]
    issues: list[Issue]
    #: feedback edge id -> shape of the value it carries (the source's output shape).
    feedback_shapes: dict[str, Shape]


def infer_shapes(plans: dict[str, NodePlan], order: list[str], *, input_shapes: dict[str, Shape] | None = None) -> ShapeResult:
    """Infer every node reachable through valid nodes; ``input_shapes`` overrides Input shapes.

    The override is how composite blocks adapt their inner graph to the shapes
    that actually arrive at their ports.
    """
    feedback = [e for p in plans.values() if p.ok for es in p.inputs.values() for e in es if e.feedback]
    assumed: dict[str, Shape] = {}
    history: dict[str, list[Shape]] = {}
    for _ in range(MAX_PASSES):
        inferences, issues, pending = _one_pass(plans, order, assumed, input_shapes or {})
        actual = {e.id: _out_shape(inferences, e) for e in feedback}
        changed = False
        for eid, shape in actual.items():
            if shape is not None and assumed.get(eid) != shape:
                assumed[eid] = shape
                history.setdefault(eid, []).append(shape)
                changed = True
        if not changed:
            break
    else:
        for e in feedback:
            seen = history.get(e.id, [])
            if len(seen) > 1:
                issues.append(
                    Issue(
                        "feedback_shape",
                        f"the value fed back from {e.source!r} to {e.target!r} changes shape from step to step "
                        f"({' -> '.join(str(dims(s)) for s in seen)}); a feedback loop must keep its shape. "
                        f"Received: shapes={[dims(s) for s in seen]}",
                        node_id=e.target,
                        port=e.target_port,
                    )
                )
    for nid in pending:
        issues.append(
            Issue(
                "feedback_shape",
                f"cannot infer the shape of the feedback value arriving at {nid!r}: its source depends on this node "
                f"and nothing else on the port gives a shape. Received: feedback-only input",
                node_id=nid,
            )
        )
    count_shared_once(plans, inferences)
    return ShapeResult(inferences, issues, dict(assumed.items()))


def _one_pass(
    plans: dict[str, NodePlan], order: list[str], assumed: dict[str, Shape], input_shapes: dict[str, Shape]
) -> tuple[dict[str, Inference], list[Issue], list[str]]:
    inferences: dict[str, Inference] = {}
    issues: list[Issue] = []
    pending: list[str] = []
    for nid in order:
        plan = plans.get(nid)
        if plan is None or not plan.ok:
            continue
        if nid in input_shapes:
            inferences[nid] = Inference({"out": tuple(input_shapes[nid])})
            continue
        arriving, status = _arriving(plan, inferences, assumed)
        if status == "upstream_failed":
            continue
        if status == "feedback_unknown":
            pending.append(nid)
            continue
        try:
            inf = plan.cls.infer(plan.params, arriving, node_id=nid)
        except AkidError as exc:
            issues.extend(_blame(i, nid) for i in exc.issues)
            continue
        except Exception as exc:  # a block bug must not take the validator down
            issues.append(
                Issue(
                    "infer_failed",
                    f"{plan.node.type}: shape inference failed: {exc}. Received: inputs={_dims_map(arriving)}",
                    node_id=nid,
                )
            )
            continue
        inferences[nid] = inf
    return inferences, issues, pending


def _arriving(plan: NodePlan, inferences: dict[str, Inference], assumed: dict[str, Shape]) -> tuple[dict[str, list[Shape]], str]:
    arriving: dict[str, list[Shape]] = {}
    for port in plan.in_ports:
        shapes: list[Shape] = []
        edges = plan.inputs.get(port.name, [])
        for e in edges:
            if e.feedback:
                shape = assumed.get(e.id) or _sibling_shape(edges, inferences)
                if shape is None:
                    return arriving, "feedback_unknown"
            else:
                shape = _out_shape(inferences, e)
                if shape is None:
                    return arriving, "upstream_failed"
            shapes.append(tuple(shape))
        arriving[port.name] = shapes
    return arriving, "ok"


def _sibling_shape(edges: list[Edge], inferences: dict[str, Inference]) -> Shape | None:
    """First guess for a feedback value: the shape of another edge on the same port."""
    for e in edges:
        if not e.feedback:
            shape = _out_shape(inferences, e)
            if shape is not None:
                return shape
    return None


def _out_shape(inferences: dict[str, Inference], e: Edge) -> Shape | None:
    inf = inferences.get(e.source)
    if inf is None:
        return None
    shape = inf.outputs.get(e.source_port)
    return None if shape is None else tuple(shape)


def _blame(i: Issue, nid: str) -> Issue:
    if i.node_id == nid:
        return i
    return Issue(i.code, i.message, node_id=nid, port=i.port, param=i.param, path=i.path)


def dims(shape: Any) -> list | None:
    """JSON form of a shape: a list with ``None`` for unknown sizes."""
    if shape is None:
        return None
    return [None if d is None else int(d) for d in shape]


def _dims_map(arriving: dict[str, list[Shape]]) -> dict[str, list]:
    return {p: [dims(s) for s in shapes] for p, shapes in arriving.items()}
