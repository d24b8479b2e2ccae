"""Keras model JSON (``model.to_json()``) -> akid graph document.

The JSON is read as data with :func:`json.loads`; nothing is deserialised by
Keras (``model_from_json`` could instantiate arbitrary registered classes and
``Lambda`` layers carry code). Each supported layer becomes one block; a layer
option akid would silently ignore (dilation, channels-first...)
is an error naming the layer and the option (every problem in the model is
listed at once), because an imported model that computes
something else is worse than no import. Both the Keras 3 (``args`` with
``keras_history``) and the Keras 2 (nested lists) ``inbound_nodes`` forms are read. A layer
called several times (a shared layer) becomes one node per call, the later ones with
``shares`` naming the first (:func:`akid.graph.sharing.expand_shared_calls`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from akid.blocks import all_blocks, get_block, has_block
from akid.errors import AkidError, Issue
from akid.graph.import_masks import is_recorded_mask, mask_only_layers, unmasked_consumers
from akid.graph.metasyntax_layout import layout
from akid.graph.schema import FORMAT, NODE_ID
from akid.graph.sharing import expand_shared_calls, link_shares

ALIASES = {
    "MaxPool2D": "MaxPooling2D",
    "AvgPool2D": "AveragePooling2D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
}
#: Layers that pass their input on unchanged (no node).
PASS_THROUGH = {"Identity"}
_INPUT_KEYS = {"batch_shape", "batch_input_shape", "dtype", "sparse", "ragged", "name", "optional", "input_tensor"}


def import_table() -> dict[str, list[type]]:
    """Keras class name -> the block specs that read it (from every spec's ``keras`` mapping)."""
    table: dict[str, list[type]] = {}
    for spec in all_blocks().values():
        if spec.keras is not None:
            for cls in (spec.keras.cls, *spec.keras.aliases):
                table.setdefault(cls, []).append(spec)
    for specs in table.values():  # specs with a ``match`` first: the generic one is the fallback
        specs.sort(key=lambda s: s.keras.match is None)
    return table


def supported_layers() -> list[str]:
    return sorted({"InputLayer", *PASS_THROUGH, *import_table()})


def _fail(message: str, code: str = "unsupported_layer", node_id: str | None = None) -> AkidError:
    return AkidError([Issue(code, message, node_id=node_id)])


def _convert(cls: str, cfg: dict, name: str, table: dict[str, list[type]]) -> tuple[str | None, dict[str, Any], list[Issue]]:
    """(block type or None for a pass-through, params, issues) for one layer."""
    if cls in PASS_THROUGH or (cls == "Activation" and cfg.get("activation") == "linear"):
        extra = sorted(set(cfg) - {"name", "trainable", "dtype", "activation"})
        return (
            None,
            {},
            [Issue("unsupported_option", f"layer {name!r} ({cls}) has options {extra} akid does not know", node_id=name)]
            if extra
            else [],
        )
    specs = table.get(cls)
    if not specs:
        return (
            None,
            {},
            [
                Issue(
                    "unsupported_layer",
                    f"layer {name!r} is a {cls}, which akid cannot import. Received: class_name={cls!r}",
                    node_id=name,
                )
            ],
        )
    spec = next((s for s in specs if s.keras.match is None or s.keras.match(cfg)), None)
    if spec is None:
        return (
            None,
            {},
            [
                Issue(
                    "unsupported_option",
                    f"layer {name!r} ({cls}) uses a configuration no akid block reads. Received: {cfg!r}"[:300],
                    node_id=name,
                )
            ],
        )
    params, issues = spec.keras.from_keras(cfg, name)
    if cfg.get("trainable") is False and "trainable" in spec.Params.model_fields:
        params["trainable"] = False  # a frozen layer stays frozen (TrainableParams); weightless blocks have nothing to freeze
    return spec.type_name, params, issues


def _history(obj: Any, found: list[tuple[str, int]]) -> None:
    """Every (layer, tensor_index) referenced by a Keras 3 call's args, in order."""
    if isinstance(obj, dict):
        if obj.get("class_name") == "__keras_tensor__":
            h = obj["config"]["keras_history"]
            found.append((h[0], h[2]))
        else:
            for v in obj.values():
                _history(v, found)
    elif isinstance(obj, list):
        for v in obj:
            _history(v, found)


def _inbound(layer: dict, name: str, issues: list[Issue], mask_layers: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    nodes = layer.get("inbound_nodes") or []
    if len(nodes) > 1:
        issues.append(
            Issue(
                "unsupported_config",
                f"layer {name!r} is called {len(nodes)} times (a shared layer); akid nodes run once per step",
                node_id=name,
            )
        )
    if not nodes:
        return []
    node = nodes[0]
    found: list[tuple[str, int]] = []
    if isinstance(node, dict):  # Keras 3
        _history(node.get("args", []), found)
        kwargs = {
            k: v
            for k, v in (node.get("kwargs") or {}).items()
            if not (k in ("training", "mask") and _empty(v)) and not (k == "mask" and is_recorded_mask(v, mask_layers))
        }
        if kwargs:
            issues.append(
                Issue(
                    "unsupported_config",
                    f"layer {name!r} is called with {sorted(kwargs)}, which akid does not pass on. "
                    f"Received: call kwargs {sorted(kwargs)}",
                    node_id=name,
                )
            )
    else:  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
        found = [(item[0], item[2]) for item in node]
    return found


#: Keras ops applied to a tensor and a number (``x + 3.0``, ``x * (1 / 6)``) are Rescaling blocks, exactly.
SCALAR_OPS = {"Add": lambda c: {"scale": 1.0, "offset": float(c)}, "Multiply": lambda c: {"scale": float(c), "offset": 0.0}}


def _constants(layer: dict) -> list[float]:
    """Numbers among the positional args of a layer's (first) call: ``x + 3.0`` in Keras 3 JSON."""
    nodes = layer.get("inbound_nodes") or []
    if not nodes or not isinstance(nodes[0], dict):
        return []
    return [a for a in nodes[0].get("args", []) if isinstance(a, (int, float)) and not isinstance(a, bool)]


def _has_mask_kwarg(layer: dict) -> bool:
    nodes = layer.get("inbound_nodes") or []
    return bool(nodes) and isinstance(nodes[0], dict) and not _empty((nodes[0].get("kwargs") or {}).get("mask"))


def _empty(v: Any) -> bool:
    """No value: None/False, or a list of them (a nested model's per-input masks)."""
    return v in (None, False) or (isinstance(v, list) and all(_empty(x) for x in v))


def _refs(spec: Any) -> list[tuple[str | None, str, int]]:
    """input_layers / output_layers: a list, a dict keyed by name, or one triple -> (key, layer, tensor)."""
    if isinstance(spec, dict):
        return [(k, v[0], v[2]) for k, v in spec.items()]
    if isinstance(spec, list) and spec and isinstance(spec[0], str):
        return [(None, spec[0], spec[2])]
    return [(None, v[0], v[2]) for v in spec or []]


MODELS = ("Functional", "Model", "Sequential")


def from_keras_json(text: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A Keras functional (or Sequential) model's JSON -> akid graph document.

    Accepts the JSON text or the already-decoded object (never modified).
    Nested models become composite blocks (``blocks``); identical nested models
    share one block type, named after the first one's model name.
    """
    try:
        top = json.loads(text if isinstance(text, (str, bytes, bytearray)) else json.dumps(text))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _fail(f"not valid JSON: {exc}", "bad_json") from None
    if not isinstance(top, dict) or top.get("class_name") not in MODELS or not isinstance(top.get("config"), dict):
        got = top.get("class_name") if isinstance(top, dict) else type(top).__name__
        raise _fail(
            f"expected the JSON of a Keras functional or Sequential model (model.to_json()). Received: class_name={got!r}",
            "bad_keras_json",
        )
    imp = _Importer()
    try:
        doc = imp.model(top["class_name"], top["config"], inner=False)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise _fail(f"malformed Keras model JSON: {type(exc).__name__}: {exc}", "bad_keras_json") from None
    if imp.issues:
        raise AkidError(imp.issues)
    if imp.blocks:
        doc["blocks"] = imp.blocks
    return doc


def keras_node_ids(text: str | bytes | dict[str, Any]) -> dict[str, str]:
    """Top-level Keras layer name -> node id, as :func:`from_keras_json` names them (weights follow it)."""
    top = json.loads(text if isinstance(text, (str, bytes, bytearray)) else json.dumps(text))
    imp = _Importer()
    imp.model(top["class_name"], top["config"], inner=False)
    return dict(imp.top_ids)


def safe_id(name: str, taken: set[str]) -> str:
    """A valid, unused node id for a Keras layer name (the name itself when it already is one)."""
    base = name if NODE_ID.fullmatch(name or "") else (re.sub(r"[^A-Za-z0-9_]", "_", name or "") or "layer")
    if not re.match(r"[A-Za-z_]", base):
        base = "_" + base
    base = base[:120]
    out, k = base, 1
    while out in taken:
        k += 1
        out = f"{base}_{k}"
    taken.add(out)
    return out


class _Importer:
    def __init__(self) -> None:
        self.blocks: dict[str, dict[str, Any]] = {}
        self._by_body: dict[str, str] = {}
        #: every problem met, over all layers: the import reports them at once
        self.issues: list[Issue] = []
        #: top-level Keras layer name -> node id (for loading weights)
        self.top_ids: dict[str, str] = {}

    def composite(self, inner: dict[str, Any], model_name: str) -> str:
        """The block type for a nested model: reused when an identical one was seen."""
        key = json.dumps({k: v for k, v in inner.items() if k != "name"}, sort_keys=True)
        if key in self._by_body:
            return self._by_body[key]
        base = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", model_name) if w) or "Block"
        base = base if base[0].isalpha() else "B" + base
        name, k = base, 1
        while name in self.blocks or has_block(name):
            k += 1
            name = f"{base}{k}"
        self.blocks[name] = {**inner, "name": name}
        self._by_body[key] = name
        return name

    def model(self, kind: str, cfg: dict, inner: bool) -> dict[str, Any]:
        layers = cfg.get("layers") or []
        if kind == "Sequential":
            prev = None
            for i, layer in enumerate(layers):
                layer.setdefault("name", layer.get("config", {}).get("name", f"layer{i}"))
                layer["inbound_nodes"] = [[[prev, 0, 0, {}]]] if prev else []
                prev = layer["name"]
            cfg = {
                **cfg,
                "input_layers": [[layers[0]["name"], 0, 0]] if layers else [],
                "output_layers": [[prev, 0, 0]] if prev else [],
            }
        layers, cfg, shared_calls = expand_shared_calls(layers, cfg)  # one node per call of a shared layer
        nodes: list[dict[str, Any]] = []
        edges: list[dict[str, Any]] = []
        alias: dict[str, tuple[str, str]] = {}  # pass-through layer -> what it passes on
        out_ports: dict[str, list[str]] = {}  # node -> its output ports by tensor index
        ids: dict[str, str] = {}  # Keras layer name -> node id
        taken: set[str] = set()
        ins, outs = _refs(cfg.get("input_layers")), _refs(cfg.get("output_layers"))
        out_names = {name for _, name, _ in outs}
        table = import_table()
        mask_layers = frozenset(mask_only_layers(layers, out_names))  # Keras' recorded masks: akid carries them
        layers = [layer for layer in layers if layer.get("name") not in mask_layers]
        mask_consumers: dict[str, str] = {}

        def source(layer_name: str, tensor: int) -> tuple[str, str] | None:
            if layer_name in alias:
                return alias[layer_name]
            nid = ids.get(layer_name)
            if nid is None or nid not in out_ports:
                return None  # its own layer was refused (already reported) or is missing
            ports = out_ports[nid]
            return nid, ports[tensor] if len(ports) > 1 else ports[0]

        for layer in layers:
            cls = ALIASES.get(layer.get("class_name", "?"), layer.get("class_name", "?"))
            lcfg = layer.get("config") or {}
            name = layer.get("name") or lcfg.get("name")
            if (layer.get("registered_name") or "").endswith(">SplitLayer"):
                cls = "SplitLayer"
            nid = ids[name] = safe_id(name, taken)
            inbound = _inbound(layer, name, self.issues, mask_layers)
            if mask_layers and _has_mask_kwarg(layer):
                mask_consumers[nid] = name
            srcs = [source(n, t) for n, t in inbound]
            blocked = any(s is None for s in srcs)  # fed by a refused layer: still check this one's own options
            if blocked and not all(n in ids or n in alias for n, _ in inbound):
                raise _fail(f"layer {name!r} reads from a layer that is not defined before it", "bad_keras_json")
            if cls == "InputLayer":
                params = _input_params(lcfg, name, ins, inner, self.issues)
                if params is not None:
                    nodes.append({"id": nid, "type": "Input", "params": params})
                    out_ports[nid] = ["out"]
                continue
            if cls in MODELS:
                before = len(self.issues)
                body = self.model(cls, lcfg, inner=True)
                if len(self.issues) > before or blocked:
                    continue
                btype = self.composite(body, lcfg.get("name") or name)
                in_ids = [n["id"] for n in body["nodes"] if n["type"] == "Input"]
                out_ports[nid] = [n["id"] for n in body["nodes"] if n["type"] == "Output"]
                args = (layer.get("inbound_nodes") or [{}])[0]
                first = args.get("args", [None])[0] if isinstance(args, dict) and args.get("args") else None
                ports = list(first) if isinstance(first, dict) and first.get("class_name") != "__keras_tensor__" else in_ids
                nodes.append({"id": nid, "type": btype, "params": {}})
                if not inner:
                    self.top_ids[name] = nid
                for (s, port), tp in zip(srcs, ports):
                    edges.append({"id": f"e{len(edges) + 1}", "source": s, "source_port": port, "target": nid, "target_port": tp})
                continue
            consts = _constants(layer)
            if consts and cls in SCALAR_OPS and len(srcs) == 1 and len(consts) == 1:
                btype, params, problems = "Rescaling", SCALAR_OPS[cls](consts[0]), []
            elif consts:
                btype, params, problems = (
                    None,
                    {},
                    [
                        Issue(
                            "unsupported_config",
                            f"layer {name!r} ({cls}) is called with constants {consts}; "
                            f"akid reads only x + c and x * c. Received: {consts}",
                            node_id=name,
                        )
                    ],
                )
            else:
                btype, params, problems = _convert(cls, lcfg, name, table)
            if cls == "Identity" and name in out_names:
                btype, problems = "Output", []
            if problems or blocked:
                self.issues.extend(problems)
                continue
            if btype is None:
                if len(srcs) != 1:
                    self.issues.append(
                        Issue(
                            "bad_keras_json",
                            f"layer {name!r} ({cls}) must have exactly one input. Received: {len(srcs)}",
                            node_id=name,
                        )
                    )
                    continue
                alias[name] = srcs[0]
                continue
            short_params = _short_params(btype, params, name, cls, self.issues)
            if short_params is None:
                continue
            nodes.append({"id": nid, "type": btype, "params": short_params})
            if not inner:
                self.top_ids[name] = nid
            out_ports[nid] = [p.name for p in get_block(btype).output_ports(get_block(btype).parse_params(params))] or ["result"]
            for s, port in srcs:
                edges.append({"id": f"e{len(edges) + 1}", "source": s, "source_port": port, "target": nid, "target_port": "in"})
        link_shares(nodes, shared_calls, ids)
        if mask_consumers and not self.issues:
            self.issues.extend(unmasked_consumers({"nodes": nodes, "edges": edges}, mask_consumers))
        if self.issues:
            return {"format": FORMAT, "name": str(cfg.get("name") or "imported"), "nodes": nodes, "edges": edges}
        _add_outputs(nodes, edges, outs, source, inner, ids)
        layout(nodes, edges)  # so the editor can show the imported graph at once
        return {"format": FORMAT, "name": str(cfg.get("name") or "imported"), "nodes": nodes, "edges": edges}


def _input_params(lcfg: dict, name: str, ins: list, inner: bool, issues: list[Issue]) -> dict[str, Any] | None:
    shape = lcfg.get("batch_shape") or lcfg.get("batch_input_shape")
    extra = sorted(k for k in lcfg if k not in _INPUT_KEYS)
    flags = sorted(k for k in ("sparse", "ragged") if lcfg.get(k))
    if extra or flags:
        issues.append(
            Issue("unsupported_option", f"input {name!r} uses {extra + flags}, which akid does not support", node_id=name)
        )
        return None
    if not shape or len(shape) < 2:
        issues.append(
            Issue(
                "unsupported_config",
                f"input {name!r} has shape {shape!r}; akid inputs need at least one non-batch axis",
                node_id=name,
            )
        )
        return None
    params: dict[str, Any] = {"shape": list(shape[1:])}
    if not inner:  # a composite's inner Inputs bind no data
        key = next((k for k, n, _ in ins if n == name and k), None)
        params["feature"] = "image" if len(ins) == 1 else (key or name)
    if str(lcfg.get("dtype", "float32")).startswith(("int", "uint")):
        params["dtype"] = "int32"
    return params


def _short_params(btype: str, params: dict[str, Any], name: str, cls: str, issues: list[Issue]) -> dict[str, Any] | None:
    """Validated params without the defaults that only add noise (sizes stay explicit)."""
    block = get_block(btype)
    try:
        block.parse_params(params, node_id=name)
    except AkidError as exc:
        issues.extend(
            Issue("unsupported_config", f"layer {name!r} ({cls}): {i.message}", node_id=name, param=i.param) for i in exc.issues
        )
        return None
    defaults = block.Params().model_dump(mode="json")
    keep = set(block.key_params) - {"activation", "padding", "strides", "return_sequences"}
    return {k: v for k, v in params.items() if k in keep or defaults.get(k, object()) != v}


def _add_outputs(nodes: list, edges: list, outs: list, source, inner: bool, ids: dict[str, str]) -> None:
    """An Output node for each model output (Identity outputs already are); from_logits follows softmax."""
    by_id = {n["id"]: n for n in nodes}
    feeding = {e["target"]: e["source"] for e in edges}
    for key, name, tensor in outs:
        if ids.get(name) in by_id and by_id[ids[name]]["type"] == "Output":
            out_id = ids[name]
            src = feeding.get(out_id)
        else:
            src, port = source(name, tensor)
            out_id = safe_id(f"{key or name}_output", set(by_id))
            node = {"id": out_id, "type": "Output", "params": {}}
            nodes.append(node)
            by_id[out_id] = node
            edges.append({"id": f"e{len(edges) + 1}", "source": src, "source_port": port, "target": out_id, "target_port": "in"})
        if inner:
            continue  # a composite's inner Outputs bind no target
        params = by_id[out_id]["params"]
        params["target"] = "label" if len(outs) == 1 else (key or name)
        s = by_id.get(src)
        if s is not None and (s["type"] == "Softmax" or s["params"].get("activation") == "softmax"):
            params["from_logits"] = False
