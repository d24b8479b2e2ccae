"""Keras' recorded masks on import: the mask arguments akid carries implicitly (no TensorFlow).

A functional Keras model serialises the mask it propagates as layers of its own:
``Embedding(mask_zero=True)`` after ``tokens`` records ``not_equal(tokens, 0)``,
``Masking`` records ``not_equal`` + ``any``, and each consumer's call gets
``mask=<that tensor>``. akid propagates masks on the tensors as Keras does, so
such layers become no node, and a consumer's ``mask`` argument is accepted when
akid's own flow (:mod:`akid.graph.masks`) brings a mask to that node; an explicit
mask akid would not deliver is refused by name.
"""

from __future__ import annotations

from typing import Any

from akid.errors import Issue


def _refs(obj: Any, found: list[str]) -> None:
    if isinstance(obj, dict):
        if obj.get("class_name") == "__keras_tensor__":
            found.append(obj["config"]["keras_history"][0])
        else:
            for v in obj.values():
                _refs(v, found)
    elif isinstance(obj, list):
        for v in obj:
            _refs(v, found)


def mask_only_layers(layers: list[dict[str, Any]], outputs: set[str]) -> set[str]:
    """Names of layers whose results only ever feed ``mask`` arguments (Keras 3 JSON; none for Keras 2)."""
    uses: dict[str, list[tuple[str, str]]] = {}  # layer -> [(consumer, "mask" | "arg")]
    for layer in layers:
        name = layer.get("name") or (layer.get("config") or {}).get("name")
        for node in layer.get("inbound_nodes") or []:
            if not isinstance(node, dict):
                return set()
            args: list[str] = []
            _refs([node.get("args", []), {k: v for k, v in (node.get("kwargs") or {}).items() if k != "mask"}], args)
            masks: list[str] = []
            _refs((node.get("kwargs") or {}).get("mask"), masks)
            for src in args:
                uses.setdefault(src, []).append((name, "arg"))
            for src in masks:
                uses.setdefault(src, []).append((name, "mask"))
    only: set[str] = set()
    changed = True
    while changed:
        changed = False
        for layer in layers:
            name = layer.get("name")
            u = uses.get(name, [])
            if name in only or name in outputs or not u or layer.get("class_name") == "InputLayer":
                continue
            if all(how == "mask" or consumer in only for consumer, how in u):
                only.add(name)
                changed = True
    return only


def is_recorded_mask(value: Any, mask_layers: set[str]) -> bool:
    """A call's ``mask`` kwarg that only references mask-only layers (Keras' own propagated mask)."""
    found: list[str] = []
    _refs(value, found)
    return bool(found) and all(f in mask_layers for f in found)


def unmasked_consumers(doc: dict[str, Any], consumers: dict[str, str]) -> list[Issue]:
    """Consumers (node id -> Keras name) given a recorded mask that akid's flow would not bring them."""
    from akid.graph.masks import masked_ids

    masked = masked_ids(doc["nodes"], doc["edges"])
    feeding: dict[str, list[str]] = {}
    for e in doc["edges"]:
        feeding.setdefault(e["target"], []).append(e["source"])
    return [
        Issue(
            "unsupported_config",
            f"layer {name!r} is called with a mask that akid would not bring to it (no Embedding(mask_zero) or "
            f"Masking reaches it through mask-keeping layers). Received: call kwargs ['mask']",
            node_id=name,
        )
        for nid, name in consumers.items()
        if not any(s in masked for s in feeding.get(nid, []))
    ]
