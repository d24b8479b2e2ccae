"""Shared layers: a node with ``"shares": "<owner id>"`` runs its owner's layer, weights and all.

Keras lets one layer be called at several places (a siamese encoder applied to
two inputs). In a graph each call site stays its own node — its own edges, its
own inferred shapes — and names the node whose layer it reuses. This module
holds every rule about that link, so the validator, the shape pass, the
compiler, the weights file and the Keras import/export only call small hooks:

* **validation** (:func:`check_shares`): the owner exists, is not itself a
  sharer (no chains, hence no cycles: every sharer names the owner directly),
  has the same type and the same params, is not an Input or Output, and the
  shapes arriving at the sharer fit the owner's weights (checked as "the same
  weights count": with equal params a Dense, conv or recurrent layer needs
  the same input channels for that, which is what its weights fix);
* **counting** (:func:`count_shared_once`): a sharer's inference carries
  ``params=0`` (its own count is kept in ``notes["shared_params"]``), so the
  report, the size limit and composites count shared weights once, as Keras'
  ``count_params`` does for the compiled model;
* **compiling and exporting** (:func:`owner_of`): one layer object per owner,
  called at every site.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from akid.blocks.base import Inference
from akid.errors import Issue
from akid.graph.schema import Graph

#: Node types that cannot share: they are the model's ends, not layers with weights.
NOT_SHAREABLE = ("Input", "Output")


def owner_of(node: Any) -> str | None:
    """The id of the node whose layer ``node`` runs (``None``: its own)."""
    return getattr(node, "shares", None) or None


def sharers(graph: Graph) -> dict[str, str]:
    """Sharer id -> owner id for every node that shares (a validated graph: owners exist)."""
    return {n.id: n.shares for n in graph.nodes if n.shares}


def count_shared_once(plans: dict[str, Any], inferences: dict[str, Inference]) -> None:
    """Shared weights count once: a sharer's params become 0 (its own count kept in notes)."""
    for nid, inf in list(inferences.items()):
        plan = plans.get(nid)
        if plan is not None and owner_of(plan.node) and inf.params:
            inferences[nid] = replace(inf, params=0, notes={**inf.notes, "shared_params": int(inf.params)})


def check_shares(graph: Graph, plans: dict[str, Any], inferences: dict[str, Inference]) -> list[Issue]:
    """Every problem with ``shares`` links, each on the sharing node with ``param="shares"``."""
    issues: list[Issue] = []
    index = {n.id: i for i, n in enumerate(graph.nodes)}
    by_id = {n.id: n for n in graph.nodes}
    for n in graph.nodes:
        owner_id = owner_of(n)
        if owner_id is None:
            continue

        def err(code: str, message: str, _n=n) -> None:
            issues.append(Issue(code, message, node_id=_n.id, param="shares", path=f"$.nodes[{index[_n.id]}].shares"))

        owner = by_id.get(owner_id)
        if owner_id == n.id:
            err("shares_self", f"{n.type} {n.id!r} cannot share weights with itself. Received: shares={owner_id!r}")
            continue
        if owner is None:
            err(
                "shares_unknown",
                f"{n.type} {n.id!r} shares the weights of {owner_id!r}, which is not a node of the graph. "
                f"Received: shares={owner_id!r}",
            )
            continue
        if n.type in NOT_SHAREABLE or owner.type in NOT_SHAREABLE:
            err(
                "shares_io",
                f"{n.type} {n.id!r}: Input and Output nodes have no layer to share. Received: shares={owner_id!r} ({owner.type})",
            )
            continue
        if owner_of(owner):
            err(
                "shares_chain",
                f"{n.type} {n.id!r} shares with {owner_id!r}, which itself shares with {owner.shares!r}; "
                f"name the layer's owner directly (shares={owner.shares!r}). Received: shares={owner_id!r}",
            )
            continue
        if owner.type != n.type:
            err(
                "shares_type",
                f"{n.type} {n.id!r} cannot share the weights of {owner_id!r}, a {owner.type}: shared layers have one type. "
                f"Received: shares={owner_id!r}",
            )
            continue
        mine, theirs = plans.get(n.id), plans.get(owner_id)
        if mine is None or theirs is None or mine.params is None or theirs.params is None:
            continue  # their own param errors are already reported
        a, b = mine.params.model_dump(mode="json"), theirs.params.model_dump(mode="json")
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if diff:
            err(
                "shares_params",
                f"{n.type} {n.id!r} shares the layer of {owner_id!r} but its params differ in {diff}; a shared layer "
                f"has one set of params. Received: {', '.join(f'{k}={a.get(k)!r} vs {b.get(k)!r}' for k in diff)}",
            )
            continue
        own, other = inferences.get(n.id), inferences.get(owner_id)
        if own is None or other is None:
            continue  # not inferred: the reason is reported upstream
        # Same count, and for a composite the same count per inner node (two inputs could trade sizes).
        if own.notes.get("shared_params", own.params) != other.params or own.notes.get("inner_params") != other.notes.get(
            "inner_params"
        ):
            err(
                "shares_shape",
                f"{n.type} {n.id!r} receives inputs {_arriving(plans[n.id], inferences)} but the weights it shares "
                f"with {owner_id!r} were made for inputs {_arriving(plans[owner_id], inferences)} "
                f"({other.params:,} weights vs {own.notes.get('shared_params', own.params):,} needed). "
                f"Received: shares={owner_id!r}",
            )
    return issues


def _arriving(plan: Any, inferences: dict[str, Inference]) -> list:
    """The shapes arriving at a node's ports (JSON form), for messages."""
    out = []
    for edges in plan.inputs.values():
        for e in edges:
            inf = inferences.get(e.source)
            shape = inf.outputs.get(e.source_port) if inf is not None else None
            out.append(None if shape is None else [None if d is None else int(d) for d in shape])
    return out


def shared_layers(order: list[str], make: Any, shared: dict[str, str]) -> dict[str, Any]:
    """Node id -> layer, in ``order``: ``make(nid)`` once per owner; a sharer gets its owner's object.

    Owners may come after their sharers in execution order: the layer is made when first needed.
    """
    layers: dict[str, Any] = {}
    for nid in order:
        key = shared.get(nid, nid)
        if key not in layers:
            layers[key] = make(key)
        layers[nid] = layers[key]
    return {nid: layers[nid] for nid in order}


# ---- Keras import: a layer called several times -> one node per call ----------------------------


def call_site_name(name: str, call: int) -> str:
    """The node id of the ``call``-th call (0-based) of a shared Keras layer: the first keeps the
    layer's name, the others are ``<name>_call2``, ``<name>_call3``, ... (so export + import is exact
    for graphs whose sharers are named that way)."""
    return name if call == 0 else f"{name}_call{call + 1}"


def expand_shared_calls(layers: list[dict], cfg: dict) -> tuple[list[dict], dict, dict[str, str]]:
    """A functional model's layers with each multiply-called layer split into one layer per call.

    Returns ``(layers, cfg, shares)``: the rewritten layer list (in an order where every call comes
    after what it reads), the config with ``input_layers``/``output_layers`` rewritten, and
    call-site name -> owner name (the layer's first call). Tensor references
    (``keras_history``) are rewritten to name the call site they come from. A model without
    shared layers comes back unchanged, so the importer's usual path is untouched.
    """
    import copy

    multi = {layer.get("name"): layer for layer in layers if len(layer.get("inbound_nodes") or []) > 1}
    if not multi:
        return layers, cfg, {}
    names = {layer.get("name") for layer in layers}
    site: dict[tuple[str, int], str] = {}  # (layer name, inbound node index) -> call-site name
    shares: dict[str, str] = {}
    for name, layer in multi.items():  # keras_history's node index is the index in inbound_nodes
        for k in range(len(layer["inbound_nodes"])):
            new = call_site_name(name, k)
            while k and new in names:
                new += "_"
            names.add(new)
            site[(name, k)] = new
            if k:
                shares[new] = name

    def ref(name: str, node_index: int) -> tuple[str, int]:
        new = site.get((name, node_index))
        return (name, node_index) if new is None else (new, 0)

    def rewrite(obj: Any) -> Any:
        if isinstance(obj, dict):
            if obj.get("class_name") == "__keras_tensor__":
                h = obj["config"]["keras_history"]
                name, index = ref(h[0], h[1])
                return {**obj, "config": {**obj["config"], "keras_history": [name, index, h[2]]}}
            return {k: rewrite(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [rewrite(v) for v in obj]
        return obj

    def rewrite_refs(spec: Any) -> Any:
        if isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str) and isinstance(spec[1], int):
            name, index = ref(spec[0], spec[1])
            return [name, index, spec[2]]
        if isinstance(spec, dict):
            return {k: rewrite_refs(v) for k, v in spec.items()}
        if isinstance(spec, list):
            return [rewrite_refs(v) for v in spec]
        return spec

    expanded: list[dict] = []
    for layer in layers:
        calls = layer.get("inbound_nodes") or []
        if layer.get("name") not in multi:
            expanded.append({**layer, "inbound_nodes": _rewrite_nodes(calls, rewrite, ref)})
            continue
        for k, node in enumerate(calls):
            one = copy.deepcopy(layer)
            one["name"] = site[(layer["name"], k)]
            one["inbound_nodes"] = _rewrite_nodes([node], rewrite, ref)
            expanded.append(one)
    cfg = {**cfg, "input_layers": rewrite_refs(cfg.get("input_layers")), "output_layers": rewrite_refs(cfg.get("output_layers"))}
    return _topological(expanded), cfg, shares


def _rewrite_nodes(calls: list, rewrite: Any, ref: Any) -> list:
    out = []
    for node in calls:
        if isinstance(node, dict):  # Keras 3
            out.append(rewrite(node))
        else:  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            out.append([[*ref(item[0], item[1]), *item[2:]] for item in node])
    return out


def _sources(layer: dict) -> set[str]:
    found: set[str] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if obj.get("class_name") == "__keras_tensor__":
                found.add(obj["config"]["keras_history"][0])
            else:
                for v in obj.values():
                    walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    for node in layer.get("inbound_nodes") or []:
        if isinstance(node, dict):
            walk(node)
        else:
            found.update(item[0] for item in node)
    return found


def _topological(layers: list[dict]) -> list[dict]:
    """Layers reordered so each comes after the layers it reads, keeping the given order otherwise."""
    names = {layer["name"] for layer in layers}
    pending = list(layers)
    placed: set[str] = set()
    out: list[dict] = []
    while pending:
        rest = []
        for layer in pending:
            if all(s in placed or s not in names for s in _sources(layer)):
                out.append(layer)
                placed.add(layer["name"])
            else:
                rest.append(layer)
        if len(rest) == len(pending):  # a loop: leave the rest as they were; the importer reports them
            return out + rest
        pending = rest
    return out


def link_shares(nodes: list[dict], shares: dict[str, str], ids: dict[str, str]) -> None:
    """Set ``shares`` on the nodes of a shared Keras layer's later calls (names -> node ids)."""
    by_id = {n["id"]: n for n in nodes}
    for site_name, owner_name in shares.items():
        node = by_id.get(ids.get(site_name, ""))
        owner = ids.get(owner_name)
        if node is not None and owner in by_id:
            node["shares"] = owner
