"""Graph topology: networkx view, execution order, cycles.

Small on purpose (in the spirit of ComfyUI's ``comfy_execution/graph.py``): the
validator, shape inference and the compiler all walk nodes in the order given
here, so a wrong order or a missed cycle would surface everywhere at once.

Feedback edges (``"feedback": true``) carry the previous time step's value, so
they never constrain the order and never form a cycle. Any other cycle is an
error that names the nodes on it, because "there is a cycle somewhere" is not
something a user can fix.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from akid.errors import GraphValidationError, Issue
from akid.graph.schema import Edge, Graph


def to_networkx(graph: Graph, *, include_feedback: bool = True) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` keyed by edge id; node attrs ``type``/``params``, edge attrs ports/feedback.

    Edges whose endpoints are not nodes of the graph are left out (the validator
    reports them); networkx would otherwise invent attribute-less nodes.
    """
    g = nx.MultiDiGraph(name=graph.name)
    for n in graph.nodes:
        g.add_node(n.id, type=n.type, params=n.params)
    for e in graph.edges:
        if e.source not in g or e.target not in g or (e.feedback and not include_feedback):
            continue
        g.add_edge(
            e.source, e.target, key=e.id, id=e.id, source_port=e.source_port, target_port=e.target_port, feedback=e.feedback
        )
    return g


def order_and_cycles(graph: Graph) -> tuple[list[str], list[Issue]]:
    """Kahn's order (ties broken by document order) over non-feedback edges plus one ``cycle`` issue per cycle found.

    Never raises: nodes on or downstream of a cycle are left out of the order,
    so callers can still analyse the rest of the graph.
    """
    ids = [n.id for n in graph.nodes]
    known = set(ids)
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for e in _forward_edges(graph.edges, known):
        succ[e.source].append(e.target)
        indeg[e.target] += 1
    # A heap on document position: among the nodes that are ready, the one drawn
    # first runs first, so the order is deterministic and reads like the document.
    pos = {nid: i for i, nid in enumerate(ids)}
    ready = [pos[i] for i in ids if indeg[i] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        nid = ids[heapq.heappop(ready)]
        order.append(nid)
        for t in succ[nid]:
            indeg[t] -= 1
            if indeg[t] == 0:
                heapq.heappush(ready, pos[t])
    if len(order) == len(ids):
        return order, []
    return order, _cycle_issues(graph, set(ids) - set(order))


def execution_order(graph: Graph) -> list[str]:
    """Node ids so that every non-feedback edge points forward.

    Raises ``GraphValidationError`` (code ``cycle``, one issue per cycle) when
    non-feedback edges form a cycle.
    """
    order, issues = order_and_cycles(graph)
    if issues:
        raise GraphValidationError(issues)
    return order


def _forward_edges(edges: Iterable[Edge], known: set[str]) -> Iterable[Edge]:
    return (e for e in edges if not e.feedback and e.source in known and e.target in known)


def _cycle_issues(graph: Graph, left: set[str]) -> list[Issue]:
    """One issue per strongly connected component that really is a cycle.

    ``left`` also holds nodes merely downstream of a cycle; the components
    separate those (singletons without a self-loop) from the culprits.
    """
    position = {n.id: i for i, n in enumerate(graph.nodes)}
    sub = nx.DiGraph()
    sub.add_nodes_from(left)
    sub.add_edges_from((e.source, e.target) for e in _forward_edges(graph.edges, left))
    issues = []
    components = [c for c in nx.strongly_connected_components(sub) if len(c) > 1 or any(sub.has_edge(n, n) for n in c)]
    for comp in sorted(components, key=lambda c: min(position[n] for n in c)):
        members = sorted(comp, key=position.__getitem__)
        path = _one_cycle(sub.subgraph(comp), members[0])
        loop = " -> ".join(path + path[:1])
        msg = (
            f"cycle through nodes {members} ({loop}); mark one of its edges "
            f'"feedback": true to make it recurrent. Received: edges {loop}'
        )
        issues.append(Issue("cycle", msg, node_id=members[0]))
    return issues


def _one_cycle(sub: nx.DiGraph, start: str) -> list[str]:
    """A simple cycle through ``start`` (the component guarantees one exists)."""
    try:
        edges = nx.find_cycle(sub, source=start)
    except nx.NetworkXNoCycle:  # pragma: no cover - impossible for a strongly connected component
        return [start]
    path = [u for u, _v, *_ in edges]
    if start in path:
        i = path.index(start)
        path = path[i:] + path[:i]
    return path
