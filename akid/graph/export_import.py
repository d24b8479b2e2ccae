"""Keras model JSON (``model.to_json()``) -> akid graph document.

The JSON is read as data with :func:`json.loads`; nothing is deserialised by
Keras (``model_from_json`` could instantiate arbitrary registered classes and
``Lambda`` layers carry code). Each supported layer becomes one block; a layer
option akid would silently ignore (dilation, channels-first, a shared layer...)
is an error naming the layer, because an imported model that computes
something else is worse than no import. Both the Keras 3 (``args`` with
``keras_history``) and the Keras 2 (nested lists) ``inbound_nodes`` forms are read.
"""
from __future__ import annotations

import json
import re
from typing import Any

from akid.blocks import get_block, has_block
from akid.errors import AkidError, Issue
from akid.graph.metasyntax_layout import layout
from akid.graph.schema import FORMAT

SUPPORTED = ("InputLayer", "Dense", "Conv1D", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
             "Flatten", "Reshape", "Activation", "ReLU", "Softmax", "BatchNormalization", "LayerNormalization", "Dropout",
             "Add", "Concatenate", "Multiply", "Embedding", "LSTM", "GRU", "Identity", "SplitLayer")
ALIASES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D", "GlobalAvgPool2D": "GlobalAveragePooling2D"}
ACTIVATION_TO_BLOCK = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax"}


def _fail(message: str, code: str = "unsupported_layer", node_id: str | None = None) -> AkidError:
    return AkidError([Issue(code, message, node_id=node_id)])


def _sample_axis(axis: Any, name: str) -> int:
    if isinstance(axis, list) and len(axis) == 1:
        axis = axis[0]
    if not isinstance(axis, int) or axis == 0:
        raise _fail(f"layer {name!r}: only a single non-batch axis is supported. Received: axis={axis!r}", node_id=name)
    return axis if axis < 0 else axis - 1


def _one(v: Any) -> Any:
    """[3, 3] -> 3 (akid accepts either; the short form reads better)."""
    if isinstance(v, (list, tuple)):
        v = list(v)
        return v[0] if v and all(x == v[0] for x in v) else v
    return v


def _require(cfg: dict, name: str, cls: str, **expected: Any) -> None:
    for key, allowed in expected.items():
        if key in cfg and cfg[key] not in (allowed if isinstance(allowed, tuple) else (allowed,)):
            raise _fail(f"layer {name!r} ({cls}) uses {key}={cfg[key]!r}, which akid does not support", "unsupported_config", name)


def _convert(cls: str, cfg: dict, name: str) -> tuple[str | None, dict[str, Any]]:
    """(block type or None for a pass-through, params)."""
    if cls == "Dense":
        return "Dense", {"units": cfg["units"], "activation": cfg.get("activation", "linear"), "use_bias": cfg.get("use_bias", True)}
    if cls in ("Conv1D", "Conv2D"):
        _require(cfg, name, cls, data_format=("channels_last", None), groups=1)
        dr = cfg.get("dilation_rate", 1)
        if any(d != 1 for d in (dr if isinstance(dr, list) else [dr])):
            raise _fail(f"layer {name!r} ({cls}) uses dilation_rate={dr!r}, which akid does not support", "unsupported_config", name)
        return cls, {"filters": cfg["filters"], "kernel_size": _one(cfg["kernel_size"]), "strides": _one(cfg.get("strides", 1)),
                     "padding": cfg.get("padding", "valid"), "activation": cfg.get("activation", "linear"), "use_bias": cfg.get("use_bias", True)}
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        _require(cfg, name, cls, data_format=("channels_last", None))
        pool, strides = _one(cfg.get("pool_size", 2)), cfg.get("strides")
        strides = None if strides is None or _one(strides) == pool else _one(strides)  # Keras writes the default out
        return ("MaxPool2D" if cls == "MaxPooling2D" else "AvgPool2D"), {"pool_size": pool, "strides": strides, "padding": cfg.get("padding", "valid")}
    if cls == "GlobalAveragePooling2D":
        _require(cfg, name, cls, data_format=("channels_last", None), keepdims=False)
        return "GlobalAvgPool2D", {}
    if cls == "Flatten":
        _require(cfg, name, cls, data_format=("channels_last", None))
        return "Flatten", {}
    if cls == "Reshape":
        return "Reshape", {"target_shape": list(cfg["target_shape"])}
    if cls == "Activation":
        act = cfg.get("activation")
        if act == "linear":
            return None, {}
        if act not in ACTIVATION_TO_BLOCK:
            raise _fail(f"layer {name!r} is an Activation {act!r}; akid imports {sorted(ACTIVATION_TO_BLOCK)} and 'linear'", "unsupported_config", name)
        return ACTIVATION_TO_BLOCK[act], {}
    if cls == "ReLU":
        _require(cfg, name, cls, max_value=(None,), negative_slope=(0, 0.0), threshold=(0, 0.0))
        return "ReLU", {}
    if cls == "Softmax":
        return "Softmax", {"axis": _sample_axis(cfg.get("axis", -1), name)}
    if cls == "Dropout":
        _require(cfg, name, cls, noise_shape=(None,))
        return "Dropout", {"rate": cfg["rate"], "seed": cfg.get("seed")}
    if cls in ("BatchNormalization", "LayerNormalization"):
        if _sample_axis(cfg.get("axis", -1), name) != -1:
            raise _fail(f"layer {name!r} ({cls}) normalises axis {cfg.get('axis')!r}; akid normalises the last axis only", "unsupported_config", name)
        _require(cfg, name, cls, center=True, scale=True)
        if cls == "LayerNormalization":
            return "LayerNorm", {"epsilon": cfg.get("epsilon", 1e-3)}
        return "BatchNorm", {"momentum": cfg.get("momentum", 0.99), "epsilon": cfg.get("epsilon", 1e-3)}
    if cls == "Embedding":
        return "Embedding", {"input_dim": cfg["input_dim"], "output_dim": cfg["output_dim"]}
    if cls in ("LSTM", "GRU"):
        _require(cfg, name, cls, return_state=False, go_backwards=False, stateful=False, reset_after=True)
        return cls, {"units": cfg["units"], "return_sequences": cfg.get("return_sequences", False)}
    if cls in ("Add", "Multiply"):
        return cls, {}
    if cls == "Concatenate":
        return "Concat", {"axis": _sample_axis(cfg.get("axis", -1), name)}
    if cls == "SplitLayer":
        return "Split", {"num": cfg.get("num", 2), "axis": _sample_axis(cfg.get("axis", -1), name)}
    if cls == "Identity":
        return None, {}
    raise AssertionError(cls)


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


def _inbound(layer: dict, name: str) -> list[tuple[str, int]]:
    nodes = layer.get("inbound_nodes") or []
    if len(nodes) > 1:
        raise _fail(f"layer {name!r} is called {len(nodes)} times (a shared layer); akid nodes run once per step", "unsupported_config", name)
    if not nodes:
        return []
    node = nodes[0]
    found: list[tuple[str, int]] = []
    if isinstance(node, dict):  # Keras 3
        _history(node.get("args", []), found)
    else:  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
        found = [(item[0], item[2]) for item in node]
    return found


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
        raise _fail(f"expected the JSON of a Keras functional or Sequential model (model.to_json()). Received: class_name={got!r}", "bad_keras_json")
    imp = _Importer()
    try:
        doc = imp.model(top["class_name"], top["config"], inner=False)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise _fail(f"malformed Keras model JSON: {type(exc).__name__}: {exc}", "bad_keras_json") from None
    if imp.blocks:
        doc["blocks"] = imp.blocks
    return doc


class _Importer:
    def __init__(self) -> None:
        self.blocks: dict[str, dict[str, Any]] = {}
        self._by_body: dict[str, str] = {}

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
            cfg = {**cfg, "input_layers": [[layers[0]["name"], 0, 0]] if layers else [], "output_layers": [[prev, 0, 0]] if prev else []}
        nodes: list[dict[str, Any]] = []
        edges: list[dict[str, Any]] = []
        alias: dict[str, tuple[str, str]] = {}  # pass-through layer -> what it passes on
        out_ports: dict[str, list[str]] = {}  # node -> its output ports by tensor index
        ins, outs = _refs(cfg.get("input_layers")), _refs(cfg.get("output_layers"))
        out_names = {name for _, name, _ in outs}

        def source(layer_name: str, tensor: int) -> tuple[str, str]:
            if layer_name in alias:
                return alias[layer_name]
            if layer_name not in out_ports:
                raise _fail(f"a layer reads from {layer_name!r}, which is not defined before it", "bad_keras_json")
            ports = out_ports[layer_name]
            return layer_name, ports[tensor] if len(ports) > 1 else ports[0]

        for layer in layers:
            cls = ALIASES.get(layer.get("class_name", "?"), layer.get("class_name", "?"))
            lcfg = layer.get("config") or {}
            name = layer.get("name") or lcfg.get("name")
            if (layer.get("registered_name") or "").endswith(">SplitLayer"):
                cls = "SplitLayer"
            if cls not in SUPPORTED and cls not in MODELS:
                raise _fail(f"layer {name!r} is a {cls}, which akid cannot import; supported layers: {', '.join(SUPPORTED)}", node_id=name)
            inbound = _inbound(layer, name)
            srcs = [source(n, t) for n, t in inbound]
            if cls == "InputLayer":
                nodes.append({"id": name, "type": "Input", "params": _input_params(lcfg, name, ins, inner)})
                out_ports[name] = ["out"]
                continue
            if cls in MODELS:
                body = self.model(cls, lcfg, inner=True)
                btype = self.composite(body, lcfg.get("name") or name)
                in_ids = [n["id"] for n in body["nodes"] if n["type"] == "Input"]
                out_ports[name] = [n["id"] for n in body["nodes"] if n["type"] == "Output"]
                args = (layer.get("inbound_nodes") or [{}])[0]
                first = args.get("args", [None])[0] if isinstance(args, dict) and args.get("args") else None
                ports = list(first) if isinstance(first, dict) and first.get("class_name") != "__keras_tensor__" else in_ids
                nodes.append({"id": name, "type": btype, "params": {}})
                for (s, port), tp in zip(srcs, ports):
                    edges.append({"id": f"e{len(edges) + 1}", "source": s, "source_port": port, "target": name, "target_port": tp})
                continue
            btype, params = _convert(cls, lcfg, name)
            if cls == "Identity" and name in out_names:
                btype = "Output"
            if btype is None:
                if len(srcs) != 1:
                    raise _fail(f"layer {name!r} ({cls}) must have exactly one input. Received: {len(srcs)}", "bad_keras_json", name)
                alias[name] = srcs[0]
                continue
            nodes.append({"id": name, "type": btype, "params": _short_params(btype, params, name, cls)})
            out_ports[name] = [f"out{i}" for i in range(params["num"])] if btype == "Split" else ["out"]
            for s, port in srcs:
                edges.append({"id": f"e{len(edges) + 1}", "source": s, "source_port": port, "target": name, "target_port": "in"})
        _add_outputs(nodes, edges, outs, source, inner)
        layout(nodes, edges)  # so the editor can show the imported graph at once
        return {"format": FORMAT, "name": str(cfg.get("name") or "imported"), "nodes": nodes, "edges": edges}


def _input_params(lcfg: dict, name: str, ins: list, inner: bool) -> dict[str, Any]:
    shape = lcfg.get("batch_shape") or lcfg.get("batch_input_shape")
    if not shape or any(d is None for d in shape[1:]):
        raise _fail(f"input {name!r} has shape {shape!r}; akid inputs need every non-batch size known", "unsupported_config", name)
    params: dict[str, Any] = {"shape": list(shape[1:])}
    if not inner:  # a composite's inner Inputs bind no data
        key = next((k for k, n, _ in ins if n == name and k), None)
        params["feature"] = "image" if len(ins) == 1 else (key or name)
    if str(lcfg.get("dtype", "float32")).startswith(("int", "uint")):
        params["dtype"] = "int32"
    return params


def _short_params(btype: str, params: dict[str, Any], name: str, cls: str) -> dict[str, Any]:
    """Validated params without the defaults that only add noise (sizes stay explicit)."""
    block = get_block(btype)
    try:
        block.parse_params(params, node_id=name)
    except AkidError as exc:
        raise AkidError([Issue("unsupported_config", f"layer {name!r} ({cls}): {i.message}", node_id=name, param=i.param)
                         for i in exc.issues]) from None
    defaults = block.Params().model_dump(mode="json")
    keep = set(block.key_params) - {"activation", "padding", "strides", "return_sequences"}
    return {k: v for k, v in params.items() if k in keep or defaults.get(k, object()) != v}


def _add_outputs(nodes: list, edges: list, outs: list, source, inner: bool) -> None:
    """An Output node for each model output (Identity outputs already are); from_logits follows softmax."""
    by_id = {n["id"]: n for n in nodes}
    feeding = {e["target"]: e["source"] for e in edges}
    for key, name, tensor in outs:
        if name in by_id and by_id[name]["type"] == "Output":
            out_id, src = name, feeding.get(name)
        else:
            src, port = source(name, tensor)
            out_id = f"{key or name}_output"
            while out_id in by_id:
                out_id += "_"
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
