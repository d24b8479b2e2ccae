"""The ``akid.graph/v1`` document: strict loading and dumping.

The format is the contract between the browser, the server and the library
(see DESIGN.md). Loading is strict — unknown keys, unknown versions and wrong
types are errors, each naming the JSON path — because a silently dropped key
is a model that differs from what the user drew.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from akid.errors import GraphFormatError, Issue

FORMAT = "akid.graph/v1"
_GRAPH_KEYS = {"format", "name", "params", "nodes", "edges", "ui", "description", "blocks"}
_NODE_KEYS = {"id", "type", "params", "position", "ui", "label", "shares"}
_EDGE_KEYS = {"id", "source", "source_port", "target", "target_port", "feedback", "ui"}
_GRAPH_PARAM_KEYS = {"time_steps"}
#: Node ids become Keras layer and checkpoint names verbatim, so the validator restricts them to a
#: charset both keep as is (a graph with other ids loads and can be edited, but does not validate): ids map 1:1 to names (``d.1`` and ``d>1`` can no longer both become ``d_1``).
NODE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
NODE_ID_RULE = "a letter or '_' followed by letters, digits or '_' (at most 128 ASCII characters)"


@dataclass
class Node:
    id: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    position: dict[str, float] | None = None
    ui: dict[str, Any] | None = None
    label: str | None = None
    #: Id of the node whose layer (and weights) this node reuses: a shared layer called here too
    #: (see akid.graph.sharing). ``None``: the node has its own layer.
    shares: str | None = None


@dataclass
class Edge:
    id: str
    source: str
    target: str
    source_port: str = "out"
    target_port: str = "in"
    feedback: bool = False
    ui: dict[str, Any] | None = None


@dataclass
class Graph:
    name: str
    nodes: list[Node]
    edges: list[Edge]
    params: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    ui: dict[str, Any] | None = None
    #: Composite block definitions used by this graph: type name -> graph document.
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def time_steps(self) -> int:
        return int(self.params.get("time_steps", 1))

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


class _Reader:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def err(self, code: str, message: str, path: str, node_id: str | None = None, **kw: Any) -> None:
        self.issues.append(Issue(code, message, node_id=node_id, path=path, **kw))

    def keys(self, obj: dict, allowed: set[str], path: str, node_id: str | None = None) -> None:
        for k in obj:
            if k not in allowed:
                self.err(
                    "unknown_key",
                    f"unknown key {k!r} at {path}; allowed: {sorted(allowed)}. Received: {k!r}",
                    f"{path}.{k}",
                    node_id,
                )

    def typed(
        self, obj: dict, key: str, types: type | tuple, path: str, required: bool = True, node_id: str | None = None
    ) -> Any:
        if key not in obj:
            if required:
                self.err(
                    "missing_key",
                    f"missing required key {key!r} at {path}. Received: keys {sorted(map(str, obj))}",
                    f"{path}.{key}",
                    node_id,
                )
            return None
        value = obj[key]
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            names = "/".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            self.err("wrong_type", f"{path}.{key} must be {names}. Received: {value!r}", f"{path}.{key}", node_id)
            return None
        return value


def load_graph(doc: dict[str, Any] | str | bytes) -> Graph:
    """Parse a graph document (dict or JSON text); raise GraphFormatError listing every problem."""
    r = _Reader()
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except (ValueError, UnicodeDecodeError) as exc:
            raise GraphFormatError(
                [Issue("bad_json", f"not valid JSON: {exc}. Received: {len(doc)} characters", path="$")]
            ) from None
    if not isinstance(doc, dict):
        raise GraphFormatError([Issue("wrong_type", f"a graph must be a JSON object. Received: {type(doc).__name__}", path="$")])
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise GraphFormatError(
            [
                Issue(
                    "unknown_format",
                    f"unsupported graph format {fmt!r}; this version reads {FORMAT!r}. Received: format={fmt!r}",
                    path="$.format",
                )
            ]
        )
    r.keys(doc, _GRAPH_KEYS, "$")
    name = r.typed(doc, "name", str, "$", required=False) or "graph"
    params = r.typed(doc, "params", dict, "$", required=False) or {}
    r.keys(params, _GRAPH_PARAM_KEYS, "$.params")
    ts = params.get("time_steps", 1)
    if isinstance(ts, bool) or not isinstance(ts, int) or not 1 <= ts <= 1000:
        r.err(
            "bad_param",
            f"params.time_steps must be an integer in [1, 1000]. Received: {ts!r}",
            "$.params.time_steps",
            param="time_steps",
        )
    description = r.typed(doc, "description", str, "$", required=False)
    ui = r.typed(doc, "ui", dict, "$", required=False)
    blocks = r.typed(doc, "blocks", dict, "$", required=False) or {}
    for bname, bdoc in blocks.items():
        if not isinstance(bdoc, dict):
            r.err("wrong_type", f"$.blocks.{bname} must be a graph object. Received: {type(bdoc).__name__}", f"$.blocks.{bname}")
    nodes = _read_nodes(r, r.typed(doc, "nodes", list, "$") or [])
    edges = _read_edges(r, r.typed(doc, "edges", list, "$", required=False) or [])
    if r.issues:
        raise GraphFormatError(r.issues)
    return Graph(name=name, nodes=nodes, edges=edges, params=params, description=description, ui=ui, blocks=blocks)


def _read_nodes(r: _Reader, raw: list) -> list[Node]:
    nodes, seen = [], set()
    for i, item in enumerate(raw):
        path = f"$.nodes[{i}]"
        if not isinstance(item, dict):
            r.err("wrong_type", f"{path} must be an object. Received: {item!r}", path)
            continue
        nid = r.typed(item, "id", str, path)
        r.keys(item, _NODE_KEYS, path, nid)
        ntype = r.typed(item, "type", str, path, node_id=nid)
        params = r.typed(item, "params", dict, path, required=False, node_id=nid) or {}
        position = r.typed(item, "position", dict, path, required=False, node_id=nid)
        if position is not None and not all(
            k in ("x", "y") and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in position.items()
        ):
            r.err(
                "wrong_type", f"{path}.position must be {{x: number, y: number}}. Received: {position!r}", f"{path}.position", nid
            )
        ui = r.typed(item, "ui", dict, path, required=False, node_id=nid)
        label = r.typed(item, "label", str, path, required=False, node_id=nid)
        shares = r.typed(item, "shares", str, path, required=False, node_id=nid)
        if nid is not None:
            if not nid:
                r.err("bad_id", f"{path}.id must not be empty. Received: id=''", f"{path}.id")
            elif nid in seen:
                r.err(
                    "duplicate_id",
                    f"node id {nid!r} is used twice; node ids must be unique. Received: id={nid!r}",
                    f"{path}.id",
                    nid,
                )
            seen.add(nid)
        if nid and ntype is not None:
            nodes.append(Node(nid, ntype, params, position, ui, label, shares))
    return nodes


def _read_edges(r: _Reader, raw: list) -> list[Edge]:
    edges, seen = [], set()
    for i, item in enumerate(raw):
        path = f"$.edges[{i}]"
        if not isinstance(item, dict):
            r.err("wrong_type", f"{path} must be an object. Received: {item!r}", path)
            continue
        r.keys(item, _EDGE_KEYS, path)
        eid = r.typed(item, "id", str, path, required=False) or f"e{i}"
        src = r.typed(item, "source", str, path)
        tgt = r.typed(item, "target", str, path)
        sp = r.typed(item, "source_port", str, path, required=False) or "out"
        tp = r.typed(item, "target_port", str, path, required=False) or "in"
        fb = r.typed(item, "feedback", bool, path, required=False) or False
        ui = r.typed(item, "ui", dict, path, required=False)
        if eid in seen:
            r.err("duplicate_id", f"edge id {eid!r} is used twice; edge ids must be unique. Received: id={eid!r}", f"{path}.id")
        seen.add(eid)
        if src is not None and tgt is not None:
            edges.append(Edge(eid, src, tgt, sp, tp, fb, ui))
    return edges


def dump_graph(graph: Graph) -> dict[str, Any]:
    """The canonical JSON form (optional keys omitted when empty)."""
    doc: dict[str, Any] = {"format": FORMAT, "name": graph.name}
    if graph.description:
        doc["description"] = graph.description
    if graph.params:
        doc["params"] = dict(graph.params)
    if graph.blocks:
        doc["blocks"] = graph.blocks
    nodes = []
    for n in graph.nodes:
        d: dict[str, Any] = {"id": n.id, "type": n.type, "params": dict(n.params)}
        for key in ("position", "ui", "label", "shares"):
            if getattr(n, key) is not None:
                d[key] = getattr(n, key)
        nodes.append(d)
    doc["nodes"] = nodes
    edges = []
    for e in graph.edges:
        d = {"id": e.id, "source": e.source, "source_port": e.source_port, "target": e.target, "target_port": e.target_port}
        if e.feedback:
            d["feedback"] = True
        if e.ui is not None:
            d["ui"] = e.ui
        edges.append(d)
    doc["edges"] = edges
    if graph.ui is not None:
        doc["ui"] = graph.ui
    return doc
