"""Validate a graph document: every problem, keyed by node id, in one pass.

The editor calls this on every change, so it must (1) never raise for anything a
user can draw or type — each problem is an :class:`~akid.errors.Issue` the UI
pins to a node — and (2) stay fast: it uses only the blocks' static ``infer``
classmethods, never TensorFlow, so a 1,000-node graph validates in milliseconds.

:func:`analyze` is the shared engine: the compiler reuses its per-node plans and
execution order so that what validates is exactly what gets built.
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from akid.blocks.registry import block_types
from akid.errors import AkidError, BlockParamError, GraphFormatError, Issue
from akid.graph.masks import mask_issues
from akid.graph.schema import NODE_ID, NODE_ID_RULE, Graph, load_graph
from akid.graph.shapes import NodePlan, ShapeResult, dims, infer_shapes
from akid.graph.sharing import check_shares
from akid.graph.topology import order_and_cycles
from akid.settings import Limits

DEFAULT_MAX_PARAMS = Limits.max_model_params  # the one default, in akid.settings


@dataclass
class Analysis:
    """Everything the checks learned; ``issues`` empty means the graph can be built."""

    graph: Graph | None
    plans: dict[str, NodePlan] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    shapes: ShapeResult | None = None
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Report:
    """The validator's answer; :meth:`to_json` is what the API and the CLI print."""

    errors: list[Issue]
    shapes: dict[str, list | None] = field(default_factory=dict)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    params: int = 0
    flops: int = 0
    analysis: Analysis | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [i.to_dict() for i in self.errors],
            "shapes": self.shapes,
            "nodes": self.nodes,
            "params": self.params,
            "flops": self.flops,
        }


def validate(
    doc_or_graph: dict[str, Any] | str | bytes | Graph, *, max_params: int = DEFAULT_MAX_PARAMS, resolver: Any = None
) -> Report:
    """Check a graph document (or loaded :class:`Graph`) and infer its shapes, params and FLOPs.

    ``resolver`` maps type names to block classes (default: the registry plus the
    composites in the graph's ``blocks``); ``max_params`` bounds the model size.
    """
    try:
        a = analyze(doc_or_graph, resolver=resolver, max_params=max_params)
    except RecursionError:  # e.g. 1,500 composites nested in one another: an answer, not a crash
        return Report(
            errors=[
                Issue(
                    "too_deep",
                    "the graph nests too deeply to check (composites inside composites, or "
                    "nested JSON); flatten it. Received: nesting beyond Python's recursion limit",
                    path="$",
                )
            ]
        )
    return report_from(a)


def report_from(a: Analysis) -> Report:
    report = Report(errors=a.issues, analysis=a)
    if a.graph is None or a.shapes is None:
        return report
    inf = a.shapes.inferences
    for e in a.graph.edges:
        src = inf.get(e.source)
        if src is not None and e.source_port in src.outputs:
            report.shapes[e.id] = dims(src.outputs[e.source_port])
    for nid in a.order:
        if nid in inf:
            i = inf[nid]
            report.nodes[nid] = {
                "outputs": {p: dims(s) for p, s in i.outputs.items()},
                "params": int(i.params),
                "flops": int(i.flops),
            }
            if a.plans[nid].node.shares:  # its weights are counted at the owner
                report.nodes[nid]["shares"] = a.plans[nid].node.shares
    report.params = sum(n["params"] for n in report.nodes.values())
    report.flops = sum(n["flops"] for n in report.nodes.values())
    return report


def analyze(
    doc_or_graph: dict[str, Any] | str | bytes | Graph,
    *,
    resolver: Any = None,
    max_params: int | None = DEFAULT_MAX_PARAMS,
    composite: bool = False,
) -> Analysis:
    """Run every check; ``composite=True`` is for a composite block's inner graph.

    Inner graphs skip the data-binding checks (their Outputs' targets are ignored)
    and the size limit (the outer graph counts their weights).
    """
    if isinstance(doc_or_graph, Graph):
        graph = doc_or_graph
    else:
        try:
            graph = load_graph(doc_or_graph)
        except GraphFormatError as exc:
            return Analysis(None, issues=list(exc.issues))
        except Exception as exc:  # a reader bug must still come back as data
            return Analysis(
                None,
                issues=[Issue("bad_graph", f"cannot read the graph: {exc}. Received: {type(doc_or_graph).__name__}", path="$")],
            )
    if resolver is None:
        from akid.blocks.composite import BlockResolver

        resolver = BlockResolver.for_graph(graph)
    a = Analysis(graph)
    issues = a.issues
    plans = a.plans
    for i, n in enumerate(graph.nodes):
        if not NODE_ID.fullmatch(n.id):
            issues.append(
                Issue(
                    "invalid_id",
                    f"node id {n.id!r} is not a valid id: use {NODE_ID_RULE}; ids become layer and "
                    f"checkpoint names as they are. Received: id={n.id!r}",
                    node_id=n.id,
                    path=f"$.nodes[{i}].id",
                )
            )
        plans[n.id] = _plan_node(n, resolver, issues)
    _check_definitions(graph, resolver, issues)
    bad_ports = _wire_edges(graph, plans, issues)
    missing = _check_arity(plans, bad_ports, issues)
    _check_io(graph, plans, issues, bindings=not composite)
    a.order, cycles = order_and_cycles(graph)
    issues.extend(cycles)
    _check_reachable(graph, plans, missing, issues)
    a.shapes = infer_shapes(plans, a.order)
    issues.extend(a.shapes.issues)
    issues.extend(check_shares(graph, plans, a.shapes.inferences))
    issues.extend(mask_issues(plans, a.order))
    if max_params is not None and not composite:
        _check_size(a, max_params)
    a.issues = _dedupe(issues)
    return a


def _plan_node(n, resolver, issues: list[Issue]) -> NodePlan:
    plan = NodePlan(node=n)
    try:
        plan.cls = resolver.resolve(n.type)
    except KeyError:
        known = list(block_types()) + list(getattr(resolver, "names", lambda: [])())
        near = difflib.get_close_matches(n.type, known, n=3)
        hint = f"; did you mean {near}?" if near else ""
        issues.append(
            Issue("unknown_block", f"unknown block type {n.type!r}{hint}. Received: type={n.type!r}", node_id=n.id, param=None)
        )
        return plan
    except AkidError as exc:
        issues.extend(_on(i, n.id) for i in exc.issues)
        return plan
    try:
        plan.params = plan.cls.parse_params(n.params, node_id=n.id)
    except BlockParamError as exc:
        issues.extend(_on(i, n.id) for i in exc.issues)
        return plan
    except Exception as exc:
        issues.append(Issue("bad_param", f"{n.type}: cannot read params: {exc}. Received: {n.params!r}", node_id=n.id))
        return plan
    plan.in_ports = tuple(plan.cls.input_ports(plan.params))
    plan.out_ports = tuple(plan.cls.output_ports(plan.params))
    plan.inputs = {p.name: [] for p in plan.in_ports}
    plan.ok = True
    return plan


def _check_definitions(graph: Graph, resolver: Any, issues: list[Issue]) -> None:
    """Composite definitions no node uses are still checked: the library keeps them for later."""
    used = {n.type for n in graph.nodes}
    for name in graph.blocks:
        if name in used and name not in block_types():
            continue  # its problems are reported on the nodes that use it
        try:
            resolver.resolve(name)
        except AkidError as exc:
            issues.extend(exc.issues)
        except KeyError:  # pragma: no cover - a definition always resolves or fails loudly
            pass
        if name in block_types():
            issues.append(
                Issue(
                    "bad_composite",
                    f"composite {name!r} has the name of a built-in block; rename it. Received: blocks.{name}",
                    path=f"$.blocks.{name}",
                )
            )


def _wire_edges(graph: Graph, plans: dict[str, NodePlan], issues: list[Issue]) -> set[tuple[str, str]]:
    """Attach valid edges to their target ports; return (node, port) pairs that lost an edge."""
    bad: set[tuple[str, str]] = set()
    for i, e in enumerate(graph.edges):
        path = f"$.edges[{i}]"
        src, tgt = plans.get(e.source), plans.get(e.target)
        if src is None or tgt is None:
            for end, plan, other in (("source", src, e.target), ("target", tgt, e.source)):
                if plan is None:
                    missing = e.source if end == "source" else e.target
                    issues.append(
                        Issue(
                            "unknown_node",
                            f"edge {e.id!r} {end} {missing!r} is not a node of the graph. Received: {end}={missing!r}",
                            node_id=other if other in plans else None,
                            path=f"{path}.{end}",
                        )
                    )
            if tgt is not None:
                bad.add((e.target, e.target_port))
            continue
        ok = True
        if src.cls is not None and src.params is not None and e.source_port not in {p.name for p in src.out_ports}:
            names = [p.name for p in src.out_ports]
            issues.append(
                Issue(
                    "bad_port",
                    f"{src.node.type} {e.source!r} has no output port {e.source_port!r}; "
                    f"its outputs are {names}. Received: source_port={e.source_port!r}",
                    node_id=e.source,
                    port=e.source_port,
                    path=f"{path}.source_port",
                )
            )
            ok = False
        if tgt.cls is not None and tgt.params is not None and e.target_port not in tgt.inputs:
            names = [p.name for p in tgt.in_ports]
            issues.append(
                Issue(
                    "bad_port",
                    f"{tgt.node.type} {e.target!r} has no input port {e.target_port!r}; "
                    f"its inputs are {names}. Received: target_port={e.target_port!r}",
                    node_id=e.target,
                    port=e.target_port,
                    path=f"{path}.target_port",
                )
            )
            bad.add((e.target, "*"))  # the edge was meant for one of its ports: don't call them missing
            continue
        if not ok:
            bad.add((e.target, e.target_port))
            continue
        if tgt.ok:
            tgt.inputs[e.target_port].append(e)
    return bad


def _check_arity(plans: dict[str, NodePlan], bad: set[tuple[str, str]], issues: list[Issue]) -> set[str]:
    missing: set[str] = set()
    for nid, plan in plans.items():
        if not plan.ok:
            continue
        for port in plan.in_ports:
            edges = plan.inputs[port.name]
            if (nid, port.name) in bad or (nid, "*") in bad:
                plan.ok = False
            elif not edges:
                issues.append(
                    Issue(
                        "missing_input",
                        f"{plan.node.type} {nid!r}: nothing is connected to input port {port.name!r}. Received: 0 edges",
                        node_id=nid,
                        port=port.name,
                    )
                )
                plan.ok = False
                missing.add(nid)
            elif len(edges) > 1 and not port.multi:
                issues.append(
                    Issue(
                        "extra_input",
                        f"{plan.node.type} {nid!r}: input port {port.name!r} takes one edge; "
                        f"use a merge block (Add, Concat) to combine several. "
                        f"Received: {len(edges)} edges {[e.id for e in edges]}",
                        node_id=nid,
                        port=port.name,
                    )
                )
                plan.ok = False
    return missing


def _check_io(graph: Graph, plans: dict[str, NodePlan], issues: list[Issue], *, bindings: bool) -> None:
    inputs = [n for n in graph.nodes if n.type == "Input"]
    outputs = [n for n in graph.nodes if n.type == "Output"]
    if not inputs:
        issues.append(
            Issue("no_input", "the graph has no Input node; add one to feed data in. Received: 0 Input nodes", path="$.nodes")
        )
    if not outputs:
        issues.append(
            Issue(
                "no_output",
                "the graph has no Output node; add one to say what is predicted. Received: 0 Output nodes",
                path="$.nodes",
            )
        )
    # One feature may feed several Inputs (e.g. an image seen as [8, 8, 1] and as [64]) and one
    # target may supervise several Outputs (two heads on one label): bindings are checked
    # against the data set by the sensor, not for uniqueness here.


def _check_reachable(graph: Graph, plans: dict[str, NodePlan], missing: set[str], issues: list[Issue]) -> None:
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if e.source in plans and e.target in plans:
            succ[e.source].append(e.target)
            pred[e.target].append(e.source)
    starts = [n.id for n in graph.nodes if n.type == "Input"]
    ends = [n.id for n in graph.nodes if n.type == "Output"]
    fwd = _reach(starts, succ) if starts else None
    bwd = _reach(ends, pred) if ends else None
    for n in graph.nodes:
        if n.id in missing:
            continue
        why = []
        if fwd is not None and n.id not in fwd:
            why.append("is not fed from any Input")
        if bwd is not None and n.id not in bwd:
            why.append("does not reach any Output")
        if why:
            issues.append(
                Issue(
                    "unreachable",
                    f"{n.type} {n.id!r} {' and '.join(why)}; connect it or delete it. Received: a disconnected node",
                    node_id=n.id,
                )
            )


def _reach(starts: list[str], nxt: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for m in nxt.get(queue.popleft(), ()):
            if m not in seen:
                seen.add(m)
                queue.append(m)
    return seen


def _check_size(a: Analysis, max_params: int) -> None:
    infs = a.shapes.inferences if a.shapes else {}
    total = sum(int(i.params) for i in infs.values())
    if total > max_params and infs:
        biggest = max(infs, key=lambda k: infs[k].params)
        a.issues.append(
            Issue(
                "model_too_large",
                f"the model has {total:,} parameters, over the limit of {max_params:,}; "
                f"the largest node is {biggest!r} ({infs[biggest].params:,}). Received: params={total}",
                node_id=biggest,
                path="$",
            )
        )


def _on(i: Issue, nid: str) -> Issue:
    return i if i.node_id == nid else Issue(i.code, i.message, node_id=nid, port=i.port, param=i.param, path=i.path)


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for i in issues:
        key = (i.code, i.message, i.node_id, i.port, i.param, i.path)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
