"""Where Keras masks (padding) flow in a graph, statically, and where akid would lose one (no TensorFlow).

At run time the masks ride on the tensors exactly as in a Keras functional
model: ``Embedding(mask_zero=true)`` and ``Masking`` make one, the stock Keras
layer inside each block passes, merges, consumes or drops it (the runtime
wrappers keep what it sets). This module only predicts that flow, to say where
akid's own machinery would drop a mask that Keras keeps: a feedback edge carries
its source's value from the previous step, and that value has no mask.
"""

from __future__ import annotations

from typing import Any

from akid.errors import Issue
from akid.graph.shapes import NodePlan

#: Blocks whose Keras layer passes an incoming mask on unchanged (``supports_masking`` with the
#: default ``compute_mask``); a test checks this against Keras for every block with a mapping.
PASSES_MASK = frozenset(
    {
        "Activation",
        "BatchNorm",
        "Dense",
        "Dropout",
        "LayerNorm",
        "Normalization",
        "ReLU",
        "Rescaling",
        "Sigmoid",
        "Softmax",
        "Tanh",
        "Output",
        # merges: the elementwise AND (Concat: the join) of their inputs' masks
        "Add",
        "Average",
        "Concat",
        "Maximum",
        "Multiply",
    }
)


#: Blocks whose Keras layer uses an incoming mask and ends it (recurrent blocks too, without
#: return_sequences): GlobalAvgPool1D averages over the real steps only.
CONSUMES_MASK = frozenset({"GlobalAvgPool1D", "LSTM", "GRU"})


def _param(params: Any, key: str) -> Any:
    return params.get(key) if isinstance(params, dict) else getattr(params, key, None)


def makes_mask(type_name: str, params: Any) -> bool:
    """Blocks that create a mask from their input values."""
    return type_name == "Masking" or (type_name == "Embedding" and bool(_param(params, "mask_zero")))


def keeps_mask(type_name: str, params: Any) -> bool:
    """Blocks that pass a mask arriving at them on (recurrent ones only with every step returned)."""
    if type_name in ("LSTM", "GRU"):
        return bool(_param(params, "return_sequences"))
    return type_name in PASSES_MASK


def masked_ids(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> set[str]:
    """The same flow over a raw graph document's nodes and edges (the Keras importer's check)."""
    by_id = {n["id"]: n for n in nodes}
    sources: dict[str, list[str]] = {}
    for e in edges:
        if not e.get("feedback"):
            sources.setdefault(e["target"], []).append(e["source"])
    masked: set[str] = set()
    pending = [n["id"] for n in nodes]
    for _ in range(len(pending) + 1):  # documents from the importer are in execution order: one pass suffices
        before = len(masked)
        for nid in pending:
            n = by_id[nid]
            arriving = any(s in masked for s in sources.get(nid, []))
            if makes_mask(n["type"], n.get("params") or {}) or (arriving and keeps_mask(n["type"], n.get("params") or {})):
                masked.add(nid)
        if len(masked) == before:
            break
    return masked


def masked_nodes(plans: dict[str, NodePlan], order: list[str]) -> set[str]:
    """Nodes whose output carries a mask (feedback edges carry none: see the module doc)."""
    masked: set[str] = set()
    for nid in order:
        plan = plans.get(nid)
        if plan is None or not plan.ok:
            continue
        arriving = any(e.source in masked for es in plan.inputs.values() for e in es if not e.feedback)
        t = plan.node.type
        if makes_mask(t, plan.params) or (arriving and keeps_mask(t, plan.params)):
            masked.add(nid)
    return masked


def mask_issues(plans: dict[str, NodePlan], order: list[str]) -> list[Issue]:
    """A masked value on a feedback edge: the next step would see padded positions as data."""
    masked = masked_nodes(plans, order)
    issues = []
    for nid in order:
        plan = plans.get(nid)
        if plan is None or not plan.ok:
            continue
        for es in plan.inputs.values():
            for e in es:
                if e.feedback and e.source in masked:
                    issues.append(
                        Issue(
                            "mask_dropped",
                            f"the feedback edge from {e.source!r} to {nid!r} carries a masked (padded) value; "
                            f"the previous step's value has no mask, so padded positions would count as data. "
                            f"Cut the mask before the loop (e.g. a recurrent block without return_sequences). "
                            f"Received: feedback from a masked value",
                            node_id=nid,
                            port=e.target_port,
                        )
                    )
    return issues
