"""Syntax tree -> ``akid.graph/v1`` document: names, arguments, edges, layout.

Positional arguments follow each block's declaration — its ``key_params`` and
then the remaining fields of its ``Params`` model in declaration order — so the
registry stays the one source of truth: a new block or a new parameter needs no
change here. A list-only parameter in first position (``Input.shape``,
``Reshape.target_shape``) absorbs consecutive scalars of one type, which is
what makes ``Input(8,8,1)`` read well; elsewhere lists are written ``[a, b]``.
"""

from __future__ import annotations

import difflib
import typing
from collections import defaultdict
from dataclasses import replace
from typing import Any

from akid.blocks import get_block, has_block
from akid.blocks.registry import block_types
from akid.errors import AkidError, Issue
from akid.graph.metasyntax_layout import layout
from akid.graph.metasyntax_lexer import MetaSyntaxError, syntax_issue
from akid.graph.metasyntax_parser import (
    Arg,
    Bare,
    BlockDef,
    BlockTerm,
    Chain,
    RefTerm,
    RepeatTerm,
    Setting,
    TupleTerm,
    parse_program,
)
from akid.graph.schema import FORMAT
from akid.sweep.choices import OPTIONAL, REPEATS, check_marker, first_value, is_choice

SETTINGS = ("name", "description", "time_steps")
KEYWORD_ONLY = ("trainable",)


def positional_fields(type_name: str) -> list[str]:
    """The order positional arguments fill: key params first, then the block's own fields as declared.

    ``trainable`` (inherited by every block with weights) is keyword-only: as the first
    declared field it would otherwise take the place of ``use_bias`` in ``Dense(1, relu, false)``.
    """
    fields = [f for f in get_block(type_name).Params.model_fields if f not in KEYWORD_ONLY]
    keys = [k for k in get_block(type_name).key_params if k in fields]
    return keys + [f for f in fields if f not in keys]


def _same_kind(v: Any, first: Any) -> bool:
    """Scalars gathered into one list param: the same type, or sizes and nulls (``Input(null, 8)``)."""
    sizes = (int, type(None))
    if type(v) in sizes and type(first) in sizes:
        return True
    return type(v) is type(first)


def list_only(type_name: str, field_name: str) -> bool:
    """True when the param only accepts a list (so scalars given positionally are gathered into it)."""
    ann = get_block(type_name).Params.model_fields[field_name].annotation
    return typing.get_origin(ann) is list


def auto_id(type_name: str, counters: dict[str, int], taken: set[str]) -> str:
    """Deterministic id for an unnamed node: the type lowercased plus a per-type counter."""
    base = type_name.lower()
    k = counters[base]
    while True:
        k += 1
        candidate = f"{base}{k}"
        if candidate not in taken:
            counters[base] = k
            return candidate


def suggest(word: str, candidates: list[str]) -> str:
    """``; did you mean 'X'?`` for the closest candidate (case-insensitive), or nothing."""
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


class Builder:
    """Builds one graph (the top level or one ``@block`` body); ``composites`` are the block names in scope."""

    def __init__(self, composites: dict[str, tuple[str, str]] | None = None, issues: list[Issue] | None = None) -> None:
        #: composite name -> (default input port, default output port)
        self.composites = dict(composites or {})
        self.issues: list[Issue] = issues if issues is not None else []
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.names: dict[str, tuple[int, int]] = {}
        self.taken: set[str] = set()
        self.counters: dict[str, int] = defaultdict(int)
        self.graph: dict[str, Any] = {}
        #: sweep repeat groups (``[chain] * {1|2}``): {"id", "nodes", "times"}
        self.repeats: list[dict[str, Any]] = []

    def err(self, message: str, line: int, col: int, **kw: Any) -> None:
        self.issues.append(syntax_issue(message, line, col, **kw))

    # ---- pass 1: every explicit name, so references may point forward (feedback) ----
    def collect(self, chain: Chain, in_repeat: bool = False) -> None:
        for term in chain.terms:
            if isinstance(term, BlockTerm) and term.name is not None:
                if in_repeat:
                    self.err(
                        f"named node {term.name!r} inside a repeat would be created several times; drop the name",
                        term.name_line,
                        term.name_col,
                        node_id=term.name,
                    )
                elif term.name in self.names:
                    first = self.names[term.name]
                    self.err(
                        f"node {term.name!r} is already defined at line {first[0]}, column {first[1]}; refer to it by name without ':'",
                        term.name_line,
                        term.name_col,
                        node_id=term.name,
                    )
                else:
                    self.names[term.name] = (term.name_line, term.name_col)
            elif isinstance(term, TupleTerm):
                for c in term.chains:
                    self.collect(c, in_repeat)
            elif isinstance(term, RepeatTerm):
                # a sweep's choice of counts builds its chain once (copies come later), so names may stay
                self.collect(term.chain, in_repeat or not isinstance(term.times, dict))
            elif in_repeat and isinstance(term, (RefTerm, Bare)) and (isinstance(term, RefTerm) or term.name in self.names):
                self.err(f"a repeat cannot refer to node {term.name!r}; connect to the repeat from outside", term.line, term.col)
        self.taken |= set(self.names)

    # ---- pass 2: nodes and edges in program order ----
    def chain(self, chain: Chain) -> tuple[list, list]:
        heads, tails = self.term(chain.terms[0])
        for (feedback, line, col), term in zip(chain.arrows, chain.terms[1:]):
            h, t = self.term(term)
            self.connect(tails, h, feedback, line, col)
            tails = t
        return heads, tails

    def term(self, term: Any) -> tuple[list, list]:
        if isinstance(term, Bare):
            if term.name in self.names:
                term = RefTerm(term.name, None, term.line, term.col)
            elif has_block(term.name) or term.name in self.composites:
                term = BlockTerm(term.name, [], term.line, term.col)
            else:
                self.err(
                    f"unknown block or node {term.name!r}{suggest(term.name, block_types() + sorted(self.composites) + list(self.names))}",
                    term.line,
                    term.col,
                )
                return [], []
        if isinstance(term, RefTerm):
            if term.name not in self.names:
                self.err(f"no node is named {term.name!r}{suggest(term.name, list(self.names))}", term.line, term.col)
                return [], []
            return [(term.name, term.port)], [(term.name, term.port)]
        if isinstance(term, BlockTerm):
            nid = self.block(term)
            return ([(nid, None)], [(nid, None)]) if nid else ([], [])
        if isinstance(term, TupleTerm):
            heads, tails = [], []
            for c in term.chains:
                h, t = self.chain(c)
                heads += h
                tails += t
            return heads, tails
        if isinstance(term.times, dict):
            return self.repeat_choice(term)
        heads, tails = self.chain(term.chain)
        for _ in range(term.times - 1):
            h, t = self.chain(term.chain)
            self.connect(tails, h, False, term.line, term.col)
            tails = t
        return heads, tails

    def repeat_choice(self, term: RepeatTerm) -> tuple[list, list]:
        """``[chain] * {1|2|3}``: the chain once, recorded as a repeat group the sweep expands."""
        first = len(self.nodes)
        heads, tails = self.chain(term.chain)
        ids = [n["id"] for n in self.nodes[first:]]
        if len(heads) != 1 or len(tails) != 1:
            self.err("a repeat with a choice of counts must be a single chain (one input, one output)", term.line, term.col)
        elif any(r_id in ids for r in self.repeats for r_id in r["nodes"]):
            self.err("repeats with a choice of counts cannot be nested", term.line, term.col)
        else:
            self.repeats.append({"id": f"repeat{len(self.repeats) + 1}", "nodes": ids, "times": term.times})
        return heads, tails

    def connect(self, tails: list, heads: list, feedback: bool, line: int, col: int) -> None:
        if not tails or not heads:
            return  # an error was already reported for one side
        if len(tails) == 1 or len(heads) == 1 or len(tails) == len(heads):
            pairs = [(t, h) for t in tails for h in heads] if len(tails) == 1 or len(heads) == 1 else list(zip(tails, heads))
        else:
            self.err(
                f"cannot connect {len(tails)} outputs to {len(heads)} inputs: use one on either side or the same number on both",
                line,
                col,
            )
            return
        for (src, sp), (dst, tp) in pairs:
            edge = {"id": f"e{len(self.edges) + 1}", "source": src, "source_port": sp, "target": dst, "target_port": tp}
            if feedback:
                edge["feedback"] = True
            self.edges.append(edge)

    def block(self, term: BlockTerm) -> str | None:
        if not has_block(term.type) and term.type not in self.composites:
            self.err(
                f"unknown block {term.type!r}{suggest(term.type, block_types() + sorted(self.composites))}", term.line, term.col
            )
            return None
        nid = term.name if term.name is not None else auto_id(term.type, self.counters, self.taken)
        self.taken.add(nid)
        shares = [a for a in term.args if a.key == "shares"]  # not a param: the node-level link to a shared layer
        if shares:
            term = replace(term, args=[a for a in term.args if a.key != "shares"])
        params = self.params(term, nid)
        node: dict[str, Any] = {"id": nid, "type": term.type, "params": params}
        for a in shares[:1]:
            if isinstance(a.value, str) and a.value:
                node["shares"] = a.value
            else:
                self.err(
                    f"shares= takes the name of the node whose layer is reused, e.g. shares=enc. Received: {a.value!r}",
                    a.line,
                    a.col,
                    node_id=nid,
                    param="shares",
                )
        for a in shares[1:]:
            self.err(f"{term.type}: 'shares' is given twice", a.line, a.col, node_id=nid, param="shares")
        if getattr(term, "optional", False):
            node[OPTIONAL] = True
        self.nodes.append(node)
        return nid

    def params(self, term: BlockTerm, nid: str) -> dict[str, Any]:
        if not has_block(term.type):  # a composite: its behaviour is its body
            if term.args:
                self.err(
                    f"composite block {term.type} takes no parameters. Received: {len(term.args)}",
                    term.args[0].line,
                    term.args[0].col,
                    node_id=nid,
                )
            return {}
        order = positional_fields(term.type)
        params: dict[str, Any] = {}
        where: dict[str, Arg] = {}
        slot, i, args = 0, 0, term.args
        while i < len(args) and args[i].key is None:
            a = args[i]
            if slot >= len(order):
                self.err(
                    f"{term.type} takes at most {len(order)} positional arguments ({', '.join(order) or 'none'}). Received: {len(args) - sum(1 for x in args if x.key)}",
                    a.line,
                    a.col,
                    node_id=nid,
                )
                return params
            name = order[slot]
            if slot == 0 and list_only(term.type, name) and not isinstance(a.value, list) and not is_choice(a.value):
                gathered = []
                while (
                    i < len(args)
                    and args[i].key is None
                    and not isinstance(args[i].value, list)
                    and _same_kind(args[i].value, a.value)
                ):
                    gathered.append(args[i].value)
                    i += 1
                params[name] = gathered
            else:
                params[name] = a.value
                i += 1
            where[name] = a
            slot += 1
        for a in args[i:]:
            if a.key is None:
                self.err("positional argument after a keyword argument", a.line, a.col, node_id=nid)
                continue
            if a.key not in order and a.key not in get_block(term.type).Params.model_fields:
                self.err(
                    f"{term.type} has no parameter {a.key!r}{suggest(a.key, order)} (parameters: {', '.join(order) or 'none'})",
                    a.line,
                    a.col,
                    node_id=nid,
                    param=a.key,
                )
                continue
            if a.key in params:
                self.err(f"{term.type}: parameter {a.key!r} is given twice", a.line, a.col, node_id=nid, param=a.key)
                continue
            params[a.key] = a.value
            where[a.key] = a
        for variant in self.variants(params, where, term, nid):
            try:
                get_block(term.type).parse_params(variant, node_id=nid)
            except AkidError as exc:
                for iss in exc.issues:
                    top = (iss.param or "").split(".")[0]
                    at = where.get(top)
                    line, col = (at.line, at.col) if at else (term.line, term.col)
                    self.err(iss.message, line, col, node_id=nid, param=iss.param)
                break
        return params

    def variants(self, params: dict[str, Any], where: dict[str, Arg], term: BlockTerm, nid: str) -> list[dict[str, Any]]:
        """The params to check: as written, or — with sweep choices — each choice's values in turn
        (the other choices at their first value), so a bad value is caught without enumerating."""
        swept = [k for k, v in params.items() if is_choice(v)]
        if not swept:
            return [params]
        for k in swept:
            msg = check_marker(params[k], f"{term.type}.{k}")
            if msg:
                at = where.get(k)
                self.err(msg, at.line if at else term.line, at.col if at else term.col, node_id=nid, param=k)
                return []
        base = {k: first_value(v) if is_choice(v) else v for k, v in params.items()}
        out = [base]
        for k in swept:
            values = params[k].get("$choice") or params[k]["$range"]
            out += [{**base, k: v} for v in values[1:]]
        return out

    def setting(self, s: Setting) -> None:
        if s.key not in SETTINGS:
            self.err(
                f"unknown setting @{s.key}{suggest(s.key, list(SETTINGS))} (settings: {', '.join('@' + k for k in SETTINGS)})",
                s.line,
                s.col,
            )
        elif s.key in ("name", "description") and not isinstance(s.value, str):
            self.err(f'@{s.key} must be a name or a "string". Received: {s.value!r}', s.line, s.col)
        elif s.key == "time_steps" and (isinstance(s.value, bool) or not isinstance(s.value, int) or not 1 <= s.value <= 1000):
            self.err(f"@time_steps must be an integer in [1, 1000]. Received: {s.value!r}", s.line, s.col)
        else:
            self.graph[s.key] = s.value


def default_ports(doc: dict[str, Any]) -> tuple[str, str]:
    """A composite's port used when none is named: its only inner Input / Output, else ``in`` / ``out``."""
    ins = [n["id"] for n in doc.get("nodes", []) if isinstance(n, dict) and n.get("type") == "Input"]
    outs = [n["id"] for n in doc.get("nodes", []) if isinstance(n, dict) and n.get("type") == "Output"]
    return (ins[0] if len(ins) == 1 else "in"), (outs[0] if len(outs) == 1 else "out")


def build_graph(
    program: list, name: str, outer: dict[str, tuple[str, str]], issues: list[Issue], ports_only: bool = False
) -> dict[str, Any]:
    """One graph document from one program; ``@block`` bodies recurse with the enclosing blocks in scope.

    Each body's default ports are found first (``ports_only``: nodes without
    nested bodies, issues thrown away), so bodies may use sibling blocks
    defined after them.
    """
    defs = [s for s in program if isinstance(s, BlockDef)]
    scope = {**outer, **{d.name: ("in", "out") for d in defs}}
    if not ports_only:
        for d in defs:
            scope[d.name] = default_ports(build_graph(d.body, d.name, scope, [], ports_only=True))
    b = Builder(scope, issues)
    blocks: dict[str, dict[str, Any]] = {}
    for d in [] if ports_only else defs:
        if has_block(d.name):
            b.err(f"@block {d.name} has the name of a built-in block; choose another name", d.line, d.col)
        elif d.name in blocks:
            b.err(f"@block {d.name} is defined twice in the same scope", d.line, d.col)
        else:
            blocks[d.name] = build_graph(d.body, d.name, b.composites, issues)
    for stmt in program:
        if isinstance(stmt, Chain):
            b.collect(stmt)
    for stmt in program:
        if isinstance(stmt, Setting):
            b.setting(stmt)
        elif isinstance(stmt, Chain):
            b.chain(stmt)
    types = {n["id"]: n["type"] for n in b.nodes}
    for e in b.edges:  # ports left out: the block's default ones (known only now, for forward references)
        src, dst = (
            b.composites.get(types.get(e["source"]), ("in", "out")),
            b.composites.get(types.get(e["target"]), ("in", "out")),
        )
        e["source_port"] = e["source_port"] or src[1]
        e["target_port"] = e["target_port"] or dst[0]
    layout(b.nodes, b.edges)
    doc: dict[str, Any] = {"format": FORMAT, "name": b.graph.get("name", name)}
    if "description" in b.graph:
        doc["description"] = b.graph["description"]
    if "time_steps" in b.graph:
        doc["params"] = {"time_steps": b.graph["time_steps"]}
    if blocks:
        doc["blocks"] = blocks
    doc["nodes"] = b.nodes
    doc["edges"] = b.edges
    if b.repeats:
        doc[REPEATS] = b.repeats
    return doc


def build(text: str) -> dict[str, Any]:
    """Parse ``text`` into a graph document; raise MetaSyntaxError listing every problem found."""
    issues: list[Issue] = []
    doc = build_graph(parse_program(text), "graph", {}, issues)
    if issues:
        raise MetaSyntaxError(issues)
    return doc
