"""The space of a graph (and train config) with choices: its dimensions, size, variants and validity.

A *dimension* is one swept thing: a param choice (``conv2d1.filters``), an
optional node (``dropout1?``), a repeat count (``repeat1*``) or a train config
value (``config.optimizer.learning_rate``). An *assignment* maps every
dimension's name to a value; :func:`concretize` turns graph + assignment into
the plain ``akid.graph/v1`` graph that trial trains, so the plain validator and
compiler never see a choice.

Validation never enumerates a large space: each dimension's values are checked
one at a time with every other dimension at its first value, and the whole
space is enumerated only when it has at most :data:`ENUMERATE_LIMIT` variants.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from akid.errors import AkidError, Issue
from akid.sweep.choices import (
    CHOICE,
    OPTIONAL,
    RANGE,
    REPEATS,
    check_marker,
    choice_values,
    first_value,
    is_choice,
)

#: a sweep whose discrete part has more variants than this is refused (with its size)
MAX_SPACE_SIZE = 100_000
#: spaces with at most this many variants are validated variant by variant
ENUMERATE_LIMIT = 256


class SweepError(AkidError):
    """The sweep cannot start: a malformed choice, an oversized space, or invalid variants."""


@dataclass
class Dimension:
    name: str
    kind: str  # "param" | "optional" | "repeat" | "config"
    marker: dict[str, Any]
    node_id: str | None = None
    param: str | None = None
    path: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[Any] | None:
        """The finite values, or None for a continuous range."""
        return choice_values(self.marker)

    @property
    def default(self) -> Any:
        return first_value(self.marker)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "values": self.values}
        if RANGE in self.marker:
            out["range"] = self.marker[RANGE]
            out["log"] = bool(self.marker.get("log"))
        for key in ("node_id", "param"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass
class Space:
    graph: dict[str, Any]
    config: dict[str, Any]
    dimensions: list[Dimension]

    @property
    def size(self) -> float:
        """Number of variants; ``math.inf`` when a dimension is a continuous range."""
        n = 1
        for d in self.dimensions:
            vals = d.values
            if vals is None:
                return math.inf
            n *= len(vals)
        return n

    @property
    def discrete_size(self) -> int:
        """Number of variants of the finite dimensions alone (continuous ranges count once)."""
        return math.prod(len(d.values) for d in self.dimensions if d.values is not None)

    def default_assignment(self) -> dict[str, Any]:
        return {d.name: d.default for d in self.dimensions}

    def grid(self) -> list[dict[str, Any]]:
        """Every assignment (only for finite spaces)."""
        names = [d.name for d in self.dimensions]
        return [dict(zip(names, combo)) for combo in itertools.product(*[d.values for d in self.dimensions])]

    def describe(self) -> dict[str, Any]:
        size = self.size
        return {
            "dimensions": [d.to_dict() for d in self.dimensions],
            "size": None if size == math.inf else size,
            "discrete_size": self.discrete_size,
        }


def space_of(graph: dict[str, Any], config: dict[str, Any] | None = None, *, max_size: int = MAX_SPACE_SIZE) -> Space:
    """The dimensions of ``graph`` and ``config``; raise SweepError on malformed markers or a space over ``max_size``."""
    issues: list[Issue] = []
    dims: list[Dimension] = []
    if not isinstance(graph, dict):
        raise SweepError([Issue("wrong_type", "a graph must be a JSON object", path="$")])
    for name, block in (graph.get("blocks") or {}).items():
        if _find_markers(block):
            issues.append(
                Issue(
                    "unsupported",
                    f"choices inside composite block {name!r} are not supported; put them on the top-level graph",
                    path=f"$.blocks.{name}",
                )
            )
    for i, node in enumerate(graph.get("nodes") or []):
        if not isinstance(node, dict):
            continue
        nid = str(node.get("id"))
        for param, value in (node.get("params") or {}).items():
            if is_choice(value) and _follows_owner(graph, node, param) is None:
                msg = check_marker(value, f"{nid}.{param}")
                if msg:
                    issues.append(Issue("bad_choice", msg, node_id=nid, param=param, path=f"$.nodes[{i}].params.{param}"))
                else:
                    dims.append(Dimension(f"{nid}.{param}", "param", value, node_id=nid, param=param))
        if node.get(OPTIONAL) is True:
            dims.append(Dimension(f"{nid}?", "optional", {CHOICE: [True, False]}, node_id=nid))
    ids = {n.get("id") for n in graph.get("nodes") or [] if isinstance(n, dict)}
    for j, group in enumerate(graph.get(REPEATS) or []):
        gid = group.get("id") if isinstance(group, dict) else None
        times = group.get("times") if isinstance(group, dict) else None
        body = group.get("nodes") if isinstance(group, dict) else None
        if (
            not gid
            or not isinstance(body, list)
            or not body
            or not set(body) <= ids
            or not (isinstance(times, dict) and CHOICE in times)
        ):
            issues.append(
                Issue(
                    "bad_choice",
                    f"$repeats[{j}] must be {{id, nodes: [existing node ids], times: {{$choice: [counts]}}}}",
                    path=f"$.{REPEATS}[{j}]",
                )
            )
            continue
        msg = check_marker(times, f"repeat {gid}")
        if msg is None and not all(isinstance(t, int) and not isinstance(t, bool) and t >= 1 for t in times[CHOICE]):
            msg = f"repeat {gid}: the counts must be positive integers. Received: {times[CHOICE]!r}"
        if msg:
            issues.append(Issue("bad_choice", msg, path=f"$.{REPEATS}[{j}].times"))
        else:
            dims.append(Dimension(f"{gid}*", "repeat", times, node_id=body[0]))
    for path, value in _config_markers(config or {}, []):
        msg = check_marker(value, "config." + ".".join(path))
        if msg:
            issues.append(Issue("bad_choice", msg, path="$.config." + ".".join(path)))
        else:
            dims.append(Dimension("config." + ".".join(path), "config", value, path=path))
    if issues:
        raise SweepError(issues)
    space = Space(graph, dict(config or {}), dims)
    if space.discrete_size > max_size:
        raise SweepError(
            [
                Issue(
                    "space_too_large",
                    f"the sweep space has {space.discrete_size:,} variants; at most {max_size:,} are allowed. "
                    "Remove some choices or values.",
                )
            ]
        )
    return space


def _find_markers(doc: Any) -> bool:
    from akid.sweep.choices import has_choices

    return has_choices(doc)


def _config_markers(cfg: Any, path: list[str]) -> list[tuple[list[str], dict[str, Any]]]:
    if is_choice(cfg):
        return [(path, cfg)]
    if isinstance(cfg, dict):
        return [m for k, v in cfg.items() for m in _config_markers(v, path + [str(k)])]
    return []


# ---- variants -----------------------------------------------------------------
def concretize(graph: dict[str, Any], assignment: dict[str, Any]) -> dict[str, Any]:
    """The plain graph for ``assignment`` (missing dimensions take their first value)."""
    doc = copy.deepcopy(graph)
    groups = doc.pop(REPEATS, None) or []
    for node in doc.get("nodes") or []:
        params = node.get("params") or {}
        for param, value in list(params.items()):
            if is_choice(value):
                nid = _follows_owner(graph, node, param) or node.get("id")
                params[param] = assignment.get(f"{nid}.{param}", first_value(value))
    reshaped = False
    for group in groups:
        times = int(assignment.get(f"{group['id']}*", first_value(group["times"])))
        _repeat(doc, list(group["nodes"]), times, group["id"])
        reshaped |= times > 1
    left_out: list[str] = []
    for node in list(doc.get("nodes") or []):
        if node.pop(OPTIONAL, False) and assignment.get(f"{node['id']}?", True) is False:
            left_out.append(node["id"])
    for nid in _with_call_sites(doc, left_out):
        _bypass(doc, nid)
        reshaped = True
    if reshaped:  # the drawing no longer fits the structure: let the editor lay the variant out afresh
        for node in doc.get("nodes") or []:
            node.pop("position", None)
    return doc


def concretize_config(config: dict[str, Any], assignment: dict[str, Any]) -> dict[str, Any]:
    """The plain train config for ``assignment``."""

    def walk(value: Any, path: list[str]) -> Any:
        if is_choice(value):
            return assignment.get("config." + ".".join(path), first_value(value))
        if isinstance(value, dict):
            return {k: walk(v, path + [str(k)]) for k, v in value.items()}
        return value

    return walk(config or {}, [])


def _follows_owner(graph: dict[str, Any], node: dict[str, Any], param: str) -> str | None:
    """The owner whose choice a sharer's param follows: a node that ``"shares"`` a layer must have
    its owner's params, so the same choice on both is one dimension (the owner's), not two."""
    owner_id = node.get("shares")
    if not owner_id:
        return None
    owner = next((n for n in graph.get("nodes") or [] if isinstance(n, dict) and n.get("id") == owner_id), None)
    if owner is None or (owner.get("params") or {}).get(param) != (node.get("params") or {}).get(param):
        return None
    return str(owner_id)


def _with_call_sites(doc: dict[str, Any], left_out: list[str]) -> list[str]:
    """The nodes to leave out: an optional *owner* of a shared layer takes every node sharing it
    (``"shares"``) along. Its sharers are the same layer called elsewhere; a variant without the
    layer has it nowhere (otherwise they would be left sharing a node that is gone)."""
    out = list(dict.fromkeys(left_out))
    gone = set(out)
    for n in doc.get("nodes") or []:
        if n.get("shares") in gone and n.get("id") not in gone:
            out.append(n["id"])
            gone.add(n["id"])
    return out


def _bypass(doc: dict[str, Any], nid: str) -> None:
    """Leave node ``nid`` out: its one input goes straight to everything it fed."""
    edges = doc.get("edges") or []
    ins = [e for e in edges if e["target"] == nid and not e.get("feedback")]
    if len(ins) != 1 or any(e["target"] == nid and e.get("feedback") for e in edges):
        raise SweepError(
            [
                Issue(
                    "bad_optional",
                    f"optional node {nid!r} must have exactly one input edge to be left out. Received: {len(ins)}",
                    node_id=nid,
                )
            ]
        )
    src = ins[0]
    kept = []
    for e in edges:
        if e["target"] == nid:
            continue
        if e["source"] == nid:
            e = {**e, "source": src["source"], "source_port": src.get("source_port", "out")}
        kept.append(e)
    doc["edges"] = kept
    doc["nodes"] = [n for n in doc["nodes"] if n.get("id") != nid]


def _repeat(doc: dict[str, Any], body: list[str], times: int, gid: str) -> None:
    """Copy the chain ``body`` so that it appears ``times`` times in series; copies get ids ``<id>_<k>``.

    Shared layers: a copied node that shares an owner *inside* the body shares that owner's copy
    (each copy of the block is a block of its own, with its own weights, shared within it); one
    whose owner is outside the body keeps sharing that owner (every copy calls the same layer).
    """
    if times <= 1:
        return
    inside = set(body)
    edges = doc.get("edges") or []
    entry = next((e for e in edges if e["target"] == body[0] and e["source"] not in inside and not e.get("feedback")), None)
    exits = [e for e in edges if e["source"] == body[-1] and e["target"] not in inside]
    internal = [e for e in edges if e["source"] in inside and e["target"] in inside]
    in_port = entry.get("target_port", "in") if entry else "in"
    out_port = exits[0].get("source_port", "out") if exits else "out"
    nodes = {n["id"]: n for n in doc["nodes"]}
    taken = set(nodes) | {e.get("id") for e in edges}
    new_nodes, new_edges = [], []
    prev_tail = body[-1]

    def fresh(base: str) -> str:
        k = 2
        while f"{base}_{k}" in taken:
            k += 1
        taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    for _ in range(times - 1):
        ids = {nid: fresh(nid) for nid in body}
        for nid in body:
            n = copy.deepcopy(nodes[nid])
            n["id"] = ids[nid]
            n.pop("position", None)
            if n.get("shares") in ids:
                n["shares"] = ids[n["shares"]]
            new_nodes.append(n)
        for e in internal:
            new_edges.append({**e, "id": fresh(str(e.get("id") or "e")), "source": ids[e["source"]], "target": ids[e["target"]]})
        new_edges.append(
            {
                "id": fresh(f"{gid}_e"),
                "source": prev_tail,
                "source_port": out_port,
                "target": ids[body[0]],
                "target_port": in_port,
            }
        )
        prev_tail = ids[body[-1]]
    for e in exits:
        e["source"] = prev_tail
    at = max(i for i, n in enumerate(doc["nodes"]) if n["id"] in inside) + 1
    doc["nodes"][at:at] = new_nodes
    doc["edges"] = edges + new_edges


# ---- validation ----------------------------------------------------------------
def probe_assignments(space: Space, enumerate_limit: int = ENUMERATE_LIMIT) -> list[dict[str, Any]]:
    """The assignments validation checks: all of them for small spaces, else one dimension at a time."""
    if space.size <= enumerate_limit:
        return space.grid()
    base = space.default_assignment()
    out = [base]
    for d in space.dimensions:
        values = d.values if d.values is not None else list(d.marker[RANGE])
        out += [{**base, d.name: v} for v in values if v != d.default]
    return out


def invalid_variants(
    space: Space, *, enumerate_limit: int = ENUMERATE_LIMIT, max_params: int | None = None, check_config: bool = True
) -> list[dict[str, Any]]:
    """Each checked assignment whose variant does not validate: ``{"assignment", "errors"}`` (empty when all are fine).

    Config choices are checked by loading each config variant (learning rate > 0, known optimizer...).
    """
    from akid.graph.validate import validate

    bad: list[dict[str, Any]] = []
    graph_dims = [d for d in space.dimensions if d.kind != "config"]
    graph_space = Space(space.graph, {}, graph_dims)
    for assignment in probe_assignments(graph_space, enumerate_limit):
        try:
            doc = concretize(space.graph, assignment)
            report = validate(doc, **({"max_params": max_params} if max_params else {}))
            errors = [e.to_dict() if hasattr(e, "to_dict") else e for e in report.errors] if not report.ok else []
        except AkidError as exc:
            errors = [i.to_dict() for i in exc.issues]
        if errors:
            bad.append({"assignment": assignment, "errors": errors})
    config_dims = [d for d in space.dimensions if d.kind == "config"]
    if config_dims and check_config:
        bad += _invalid_configs(Space({}, space.config, config_dims), enumerate_limit)
    return bad


def _invalid_configs(space: Space, enumerate_limit: int) -> list[dict[str, Any]]:
    try:
        from akid.train.config import load_config
    except ImportError:  # pragma: no cover - the config model is part of akid.train
        return []
    bad = []
    for assignment in probe_assignments(space, enumerate_limit):
        try:
            load_config(concretize_config(space.config, assignment))
        except AkidError as exc:
            bad.append({"assignment": assignment, "errors": [i.to_dict() for i in exc.issues]})
    return bad


def check_space(space: Space, **kw: Any) -> None:
    """Raise SweepError naming every invalid combination found (before any trial starts)."""
    bad = invalid_variants(space, **kw)
    if bad:
        issues = []
        for b in bad:
            where = ", ".join(f"{k}={v!r}" for k, v in b["assignment"].items())
            first = b["errors"][0]
            issues.append(
                Issue(
                    "invalid_variant",
                    f"the variant {where} is invalid: {first.get('message')}",
                    node_id=first.get("node_id"),
                    param=first.get("param"),
                )
            )
        raise SweepError(issues)
