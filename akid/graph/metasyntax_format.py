"""Graph document -> meta-syntax text that parses back to the same graph.

Layout: the graph is cut into *chains* — runs of nodes joined by the only edge
entering each next node, always forward in a topological order that keeps
document order where it can (a cycle of plain edges is cut at its first node) —
printed one per line in that order. Every other edge becomes a reference to
a named node: a chain that starts from several sources reads
``(a, b) > Add > ...``; edges that need ports or feedback get a line of their
own (``r ~> a``). Edge order into a merge node is part of the model (Concat),
so all the edges entering one node are printed together, in their original
order. Node ids are kept: a node is printed without a name only when the
parser would give it that same id.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import defaultdict
from functools import cache
from typing import Any

from akid.blocks import get_block, has_block
from akid.errors import AkidError, Issue
from akid.graph.metasyntax_build import (
    auto_id,
    default_ports,
    list_only,
    positional_fields,
)
from akid.graph.schema import FORMAT, Edge, Graph, load_graph
from akid.sweep.choices import format_marker, is_choice

_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
_KEYWORDS = {"true", "false", "null", "True", "False", "None"}


def fmt_string(s: str) -> str:
    """Bare when the lexer reads it back as the same string, else a JSON-quoted string."""
    return s if _IDENT.match(s) and s not in _KEYWORDS else json.dumps(s, ensure_ascii=False)


def fmt_value(v: Any) -> str:
    """A param value as the lexer reads it back: JSON-like literals, bare names where unambiguous."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise AkidError([Issue("unsupported", f"cannot write the number {v!r} in meta-syntax")])
        return repr(v)
    if isinstance(v, str):
        return fmt_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    if is_choice(v):  # a sweep choice (docs/sweeps.md)
        return format_marker(v, fmt_value)
    raise AkidError([Issue("unsupported", f"cannot write the value {v!r} in meta-syntax")])


@cache
def _defaults(type_name: str) -> dict[str, Any]:
    """The block's default params as JSON values (what the parser fills in when a param is left out)."""
    return get_block(type_name).Params().model_dump(mode="json")


def _json_equal(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def without_defaults(type_name: str, params: dict[str, Any], keys: list[str] | None = None) -> dict[str, Any]:
    """``params`` less those equal to the block's defaults, so the text shows what was chosen.

    Key params (``keys``, what a node shows on the canvas) stay, except trailing ones at
    their defaults; the first key param always stays (``Dense(10)``, ``Input(8, 8, 1)``).
    """
    d = _defaults(type_name)

    def is_default(k: str) -> bool:
        return k in d and _json_equal(params[k], d[k])

    keys = keys or []
    drop = {k for k in params if k not in keys and is_default(k)}
    for k in reversed(keys[1:]):
        if k in params and not is_default(k):
            break
        drop.add(k)
    return {k: v for k, v in params.items() if k not in drop}


def fmt_args(type_name: str, params: dict[str, Any]) -> str:
    """Key params (the first param for blocks without any) positionally while they come in order;
    the rest as keywords. Params equal to the block's defaults are left out
    (``Conv2D(32, 3, padding=same)``, not every default spelled out)."""
    if not has_block(type_name):
        raise AkidError([Issue("unknown_block", f"unknown block type {type_name!r}; meta-syntax only writes registered blocks")])
    order = positional_fields(type_name)
    keys = [k for k in get_block(type_name).key_params if k in order] or order[:1]
    params = without_defaults(type_name, params, keys)
    parts: list[str] = []
    used: set[str] = set()
    for name in order[: len(keys)]:
        if name not in params:
            break
        v = params[name]
        if not parts and list_only(type_name, name):
            if not isinstance(v, list):
                break
            if v and all(type(x) is type(v[0]) and isinstance(x, (int, float, str)) for x in v):
                parts += [fmt_value(x) for x in v]
                used.add(name)
                break  # after gathered scalars only keywords are unambiguous
        parts.append(fmt_value(v))
        used.add(name)
    for k, v in params.items():
        if k not in used:
            parts.append(f"{fmt_string(k) if _IDENT.match(k) else json.dumps(k)}={fmt_value(v)}")
    return "(" + ", ".join(parts) + ")" if parts else ""


def _topo(graph: Graph) -> list[str]:
    """Topological order that keeps document order wherever the edges allow it.

    Kahn's algorithm taking the ready node that comes first in the document;
    when none is ready (a cycle of plain edges), the first unplaced node in
    the document is placed anyway and the sort goes on. When the document
    order already is such an order — as the text printed from any graph is —
    it comes back unchanged, which is what makes printing a parsed graph give
    the same text again.
    """
    ids = [n.id for n in graph.nodes]
    index = {nid: i for i, nid in enumerate(ids)}
    indeg = dict.fromkeys(ids, 0)
    succ: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if not e.feedback and e.source in indeg and e.target in indeg:
            succ[e.source].append(e.target)
            indeg[e.target] += 1
    ready = [index[i] for i in ids if indeg[i] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    placed: set[str] = set()
    first = 0  # every node before this document index is placed
    while len(order) < len(ids):
        if not ready:  # a cycle: break it at its first node in the document
            while ids[first] in placed:
                first += 1
            ready.append(first)
        nid = ids[heapq.heappop(ready)]
        if nid in placed:  # a node placed to break a cycle, ready again once its inputs are
            continue
        order.append(nid)
        placed.add(nid)
        for t in succ[nid]:
            indeg[t] -= 1
            if indeg[t] == 0 and t not in placed:
                heapq.heappush(ready, index[t])
    return order


class Printer:
    """Prints one graph; ``composites`` are the ``@block`` names in scope, ``default_name`` the name parse would give."""

    def __init__(self, graph: Graph, composites: dict[str, tuple[str, str]] | None = None, default_name: str = "graph") -> None:
        self.g = graph
        self.composites = {**(composites or {}), **{k: default_ports(v) for k, v in graph.blocks.items() if isinstance(v, dict)}}
        self.default_name = default_name
        self.types = {n.id: n.type for n in graph.nodes}
        self.nodes = {n.id: n for n in graph.nodes}
        self.ins: dict[str, list[Edge]] = defaultdict(list)
        self.outs: dict[str, list[Edge]] = defaultdict(list)
        for e in graph.edges:
            if e.source not in self.nodes or e.target not in self.nodes:
                raise AkidError(
                    [Issue("unknown_node", f"edge {e.id!r} connects a node that does not exist ({e.source!r} -> {e.target!r})")]
                )
            self.ins[e.target].append(e)
            self.outs[e.source].append(e)
        self.order = _topo(graph)
        pos = {nid: i for i, nid in enumerate(self.order)}
        self.next: dict[str, Edge] = {}  # inline edge out of a node
        self.prev: dict[str, Edge] = {}  # inline edge into a node
        for nid in self.order:
            for e in self.outs[nid]:
                t = e.target
                # the first edge into t, when any others are feedback (printed as `a ~> t` lines after the chain);
                # only forward in the order (on a cycle of plain edges the edge closing it stays a reference), so
                # that each chain lies in order and the printed text, parsed, gives back the same order and chains
                if (
                    not e.feedback
                    and e.source_port == self._port(nid)[1]
                    and e.target_port == self._port(t)[0]
                    and pos[t] > pos[nid]
                    and self.ins[t][0] is e
                    and all(x.feedback for x in self.ins[t][1:])
                ):
                    self.next[nid], self.prev[t] = e, e
                    break
        self.chains = self._chains()

    def _chains(self) -> list[list[str]]:
        """Maximal runs along the inline edges, in order of their first node.

        Inline edges point forward in ``self.order`` and each node has at most
        one in and one out, so every run starts at a node without an inline
        edge into it, reached before the rest of its run.
        """
        chains: list[list[str]] = []
        for nid in self.order:
            if nid in self.prev:
                continue
            chain = [nid]
            while chain[-1] in self.next:
                chain.append(self.next[chain[-1]].target)
            chains.append(chain)
        return chains

    def _plan(self) -> tuple[dict[str, str], dict[str, list[Edge]], set[str]]:
        """Per chain head, the prefix of references (its leading plain edges); per node, the edges
        printed as lines of their own right after its chain (so every input keeps its order);
        and the nodes that must carry a name because something refers to them."""
        prefix: dict[str, str] = {}
        extras: dict[str, list[Edge]] = {}
        referenced: set[str] = set()
        for chain in self.chains:
            head = chain[0]
            edges = self.ins[head]
            k = 0
            while k < len(edges) and not edges[k].feedback and edges[k].target_port == self._port(head)[0]:
                k += 1
            refs = [self._ref(e.source, e.source_port, self._port(e.source)[1]) for e in edges[:k]]
            prefix[head] = ((refs[0] if len(refs) == 1 else "(" + ", ".join(refs) + ")") + " > ") if refs else ""
            extras[head] = edges[k:]
            for nid in chain[1:]:
                extras[nid] = self.ins[nid][1:]  # the first one is the inline edge
            for nid in chain:
                for e in self.ins[nid] if nid == head else extras[nid]:
                    referenced.add(e.source)
                if extras[nid]:
                    referenced.add(nid)
        return prefix, extras, referenced

    def _ref(self, nid: str, port: str, default: str) -> str:
        name = fmt_string(nid)
        return name if port == default else f"{name}.{fmt_string(port)}"

    def _unnamed(self, referenced: set[str]) -> set[str]:
        """Nodes the parser would give their current id anyway (fixed point: naming one may shift others)."""
        flat = [nid for chain in self.chains for nid in chain]
        candidates = {nid for nid in flat if nid not in referenced}
        while True:
            taken = set(self.nodes) - candidates
            counters: dict[str, int] = defaultdict(int)
            wrong = set()
            for nid in flat:
                if nid in candidates:
                    got = auto_id(self.types[nid], counters, taken)
                    taken.add(got)
                    if got != nid:
                        wrong.add(nid)
            if not wrong:
                return candidates
            candidates -= wrong

    def text(self) -> str:
        g = self.g
        lines: list[str] = []
        if g.name != self.default_name:
            lines.append(f"@name {fmt_string(g.name)}")
        if g.description:
            lines.append(f"@description {json.dumps(g.description, ensure_ascii=False)}")
        if "time_steps" in g.params:
            lines.append(f"@time_steps {fmt_value(g.params['time_steps'])}")
        for bname, bdoc in g.blocks.items():
            lines += self._block(bname, bdoc)
        prefix, extras, referenced = self._plan()
        referenced |= {n.shares for n in self.nodes.values() if n.shares}  # an owner is referred to by name
        unnamed = self._unnamed(referenced)
        for chain in self.chains:
            parts = []
            for nid in chain:
                n = self.nodes[nid]
                args = with_shares(self._args(n.type, n.params), n.shares)
                call = n.type + (args or ("()" if n.type in self.nodes else ""))
                parts.append(call if nid in unnamed else f"{fmt_string(nid)}: {call}")
            parts = self._decorate(chain, parts, unnamed)
            lines.append(prefix[chain[0]] + " > ".join(parts))
            for nid in chain:
                for e in extras[nid]:
                    arrow = " ~> " if e.feedback else " > "
                    lines.append(
                        self._ref(e.source, e.source_port, self._port(e.source)[1])
                        + arrow
                        + self._ref(nid, e.target_port, self._port(nid)[0])
                    )
        return "\n".join(lines) + "\n"

    def _decorate(self, chain: list[str], parts: list[str], unnamed: set[str]) -> list[str]:
        """Hook for sweep choices (akid.graph.metasyntax_choices): marks on a chain's printed nodes."""
        return parts

    def _port(self, nid: str) -> tuple[str, str]:
        """The (input, output) port a reference to ``nid`` means when it names none (as the parser decides)."""
        return self.composites.get(self.types[nid], ("in", "out"))

    def _args(self, type_name: str, params: dict[str, Any]) -> str:
        if type_name in self.composites and not has_block(type_name):
            if params:
                raise AkidError([Issue("bad_params", f"composite block {type_name} takes no parameters. Received: {params!r}")])
            return ""
        return fmt_args(type_name, params)

    def _block(self, name: str, doc: Any) -> list[str]:
        """``@block Name {`` + the inner graph, indented + ``}``."""
        if not _IDENT.match(name) or name in _KEYWORDS:
            raise AkidError(
                [
                    Issue(
                        "unsupported",
                        f"composite block name {name!r} is not a plain name; meta-syntax cannot write it",
                        path=f"$.blocks.{name}",
                    )
                ]
            )
        if not isinstance(doc, dict):
            raise AkidError([Issue("wrong_type", f"$.blocks.{name} must be a graph object", path=f"$.blocks.{name}")])
        inner = load_graph(doc if "format" in doc else {"format": FORMAT, **doc})
        body = Printer(inner, self.composites, default_name=name).text().splitlines()
        return [f"@block {name} {{"] + ["  " + line for line in body] + ["}"]


def with_shares(args: str, shares: str | None) -> str:
    """``(args)`` plus ``shares=<owner>`` last: the node reuses that node's layer (see graph-format.md)."""
    if not shares:
        return args
    link = f"shares={fmt_string(shares)}"
    return f"({link})" if not args else f"{args[:-1]}, {link})"


def format_graph(doc: dict[str, Any] | Graph) -> str:
    """Meta-syntax for ``doc``; ``parse(format_graph(doc))`` rebuilds the same nodes, params and edges."""
    graph = doc if isinstance(doc, Graph) else load_graph(doc)
    return Printer(graph).text()
