"""Topology: networkx view, execution order, cycles named by their nodes."""

import networkx as nx
import pytest

from akid.errors import GraphValidationError
from akid.graph.schema import load_graph
from akid.graph.topology import execution_order, order_and_cycles, to_networkx
from tests.akid.graph.graphs import doc, edge, golden, node


def _g(edges, ids=("a", "b", "c", "d")):
    return load_graph(doc([node(i, "ReLU") for i in ids], edges))


def test_to_networkx_keeps_parallel_edges_ports_and_feedback():
    g = to_networkx(
        _g(
            [
                edge("a", "b", eid="e1"),
                edge("a", "b", eid="e2"),
                edge("b", "a", feedback=True, eid="f"),
                edge("a", "ghost", eid="dangling"),
            ]
        )
    )
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_edges("a", "b") == 2
    assert g.edges["b", "a", "f"]["feedback"] is True
    assert g.edges["a", "b", "e1"]["source_port"] == "out" and g.edges["a", "b", "e1"]["target_port"] == "in"
    assert "ghost" not in g and g.nodes["a"]["type"] == "ReLU"
    assert not to_networkx(_g([edge("b", "a", feedback=True)]), include_feedback=False).has_edge("b", "a")


def test_order_respects_every_edge_and_is_stable():
    g = load_graph(golden("residual"))
    order = execution_order(g)
    pos = {n: i for i, n in enumerate(order)}
    assert sorted(order) == sorted(n.id for n in g.nodes)
    assert all(pos[e.source] < pos[e.target] for e in g.edges)
    # ties keep document order
    assert execution_order(_g([])) == ["a", "b", "c", "d"]
    assert execution_order(_g([edge("d", "a")])) == ["b", "c", "d", "a"]


def test_feedback_edges_do_not_constrain_order_or_make_cycles():
    g = _g([edge("a", "b"), edge("b", "c"), edge("c", "a", feedback=True)])
    assert execution_order(g) == ["a", "b", "c", "d"]


def test_cycle_names_exactly_the_nodes_on_it():
    g = _g([edge("d", "a"), edge("a", "b"), edge("b", "c"), edge("c", "a")], ids=("a", "b", "c", "d", "e"))
    g.edges.append(load_graph(doc([node("c", "ReLU"), node("e", "ReLU")], [edge("c", "e")])).edges[0])
    with pytest.raises(GraphValidationError) as info:
        execution_order(g)
    [issue] = info.value.issues
    assert issue.code == "cycle" and issue.node_id in {"a", "b", "c"}
    assert "['a', 'b', 'c']" in issue.message
    assert "'d'" not in issue.message and "'e'" not in issue.message  # upstream / downstream, not on the cycle
    assert issue.message.rstrip().split("Received:")[1]


def test_every_cycle_is_reported_and_self_loops_count():
    g = _g([edge("a", "b"), edge("b", "a"), edge("c", "c")])
    order, issues = order_and_cycles(g)
    assert order == ["d"]
    assert [i.code for i in issues] == ["cycle", "cycle"]
    assert {i.node_id for i in issues} == {"a", "c"}
    assert "c -> c" in issues[1].message
