"""Recurrent layers over (steps, features) samples; ``bidirectional`` is Keras' ``Bidirectional`` wrapper.

A bidirectional LSTM/GRU is one node (as on a whiteboard), not a wrapper node
around an inner one: ``bidirectional: true`` plus ``merge_mode``. Keras import
reads ``Bidirectional(LSTM(...))`` into that node and export writes the wrapper
back, so the weights (forward then backward) keep Keras' order. A Keras
``backward_layer`` that differs from the forward one in anything but direction
cannot be one node and is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from akid.blocks.base import Block, Inference, PortRule, TrainableParams, single_input
from akid.blocks.keras_map import KerasMap, LayerRef, opt
from akid.blocks.params import Activation, MergeMode
from akid.blocks.registry import register_block
from akid.errors import Issue

_OPTIONS = (
    opt("units"),
    opt("return_sequences"),
    opt("activation"),
    opt("recurrent_activation"),
    opt("use_bias"),
    opt("go_backwards"),
    opt("dropout"),
    opt("recurrent_dropout"),
    opt("seed"),
)
#: unroll changes how, not what, is computed; unit_forget_bias only initialises; masks are
#: honoured (they arrive on the input tensor) and zero_output_for_mask only shapes padded outputs
#: of return_sequences, which Bidirectional forces and akid runs through the same Keras layer.
_INERT = ("unroll", "unit_forget_bias", "zero_output_for_mask", "implementation", "time_major")
_FIXED = {"return_state": (False,), "stateful": (False,)}
#: Keys of Keras' Bidirectional config besides the wrapped layers.
_WRAPPER_KEYS = {"name", "trainable", "dtype", "merge_mode", "layer", "backward_layer"}
MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _bidirectional_field() -> Any:
    return Field(default=False, description="Read the sequence both ways (Keras' Bidirectional); weights double.")


def _merge_field() -> Any:
    return Field(
        default="concat",
        description="How both directions combine: concat doubles the last axis; null keeps them apart "
        "(two outputs, fwd and bwd).",
    )


#: merge_mode null: Keras' Bidirectional returns [forward, backward], ports in that order.
SPLIT_PORTS = ("fwd", "bwd")


@dataclass(frozen=True)
class RecurrentMap(KerasMap):
    """An RNN's Keras mapping, plus the ``Bidirectional`` wrapper when ``bidirectional`` is set."""

    def to_keras(self, params: Any) -> tuple[str, dict[str, Any]]:
        cls, kwargs = super().to_keras(params)
        if not getattr(params, "bidirectional", False):
            return cls, kwargs
        frozen = kwargs.pop("trainable", True) is False
        out: dict[str, Any] = {"layer": LayerRef(cls, kwargs), "merge_mode": params.merge_mode}
        if frozen:
            out["trainable"] = False
        return "Bidirectional", out

    def from_keras(self, config: dict[str, Any], layer: str | None = None) -> tuple[dict[str, Any], list[Issue]]:
        if "layer" not in config:
            return super().from_keras(config, layer)
        where = f"layer {layer!r} (Bidirectional)" if layer else "Bidirectional"
        inner = config.get("layer") or {}
        inner_cfg = dict(inner.get("config") or {})
        params, issues = super().from_keras(inner_cfg, layer)
        for key in sorted(set(config) - _WRAPPER_KEYS):
            issues.append(
                Issue(
                    "unsupported_option",
                    f"{where} has option {key}={config[key]!r}, which akid does not know",
                    node_id=layer,
                    param=key,
                )
            )
        merge = config.get("merge_mode", "concat")
        if merge not in MERGE_MODES:
            issues.append(
                Issue(
                    "unsupported_option",
                    f"{where} uses merge_mode={merge!r}; akid supports {list(MERGE_MODES)}. Received: merge_mode={merge!r}",
                    node_id=layer,
                    param="merge_mode",
                )
            )
        if inner_cfg.get("go_backwards"):
            issues.append(
                Issue(
                    "unsupported_option",
                    f"{where} wraps a layer with go_backwards=True; akid's bidirectional layers read forwards first. "
                    "Received: go_backwards=True",
                    node_id=layer,
                    param="go_backwards",
                )
            )
        issues.extend(_backward_issues(config.get("backward_layer"), inner, where, layer))
        if not issues:
            params.update(bidirectional=True, merge_mode=merge)
        return params, issues


def _backward_issues(back: Any, forward: dict[str, Any], where: str, layer: str | None) -> list[Issue]:
    """A backward layer is one node with its forward layer only if it is the same layer run backwards."""
    if back is None:
        return []
    fwd_cfg, back_cfg = forward.get("config") or {}, (back or {}).get("config") or {}
    expected = {**fwd_cfg, "go_backwards": not fwd_cfg.get("go_backwards", False)}
    differ = sorted(k for k in set(expected) | set(back_cfg) if not _inert(k) and expected.get(k) != back_cfg.get(k))
    if back.get("class_name") != forward.get("class_name"):
        differ.insert(0, "class_name")
    if not differ:
        return []
    return [
        Issue(
            "unsupported_option",
            f"{where} has a backward_layer that differs from its forward layer in {differ}; akid runs both "
            f"directions with one layer's options. Received: backward_layer differs in {differ}",
            node_id=layer,
            param="backward_layer",
        )
    ]


def _inert(key: str) -> bool:
    """Keys that may differ between the directions: names and initial values (the weights come with the file)."""
    return key in ("name", "trainable", "dtype", "seed") or key.endswith("_initializer")


def _match(cls: str):
    """Bidirectional configs belong to the block of the layer they wrap."""
    return lambda cfg: "layer" not in cfg or (cfg.get("layer") or {}).get("class_name") == cls


class _RNNParams(TrainableParams):
    units: int = Field(default=32, ge=1, le=8192, description="State size.")
    return_sequences: bool = Field(default=False, description="Emit every step, not only the last.")
    activation: Activation = Field(default="tanh", description="Cell output activation.")
    recurrent_activation: Activation = Field(default="sigmoid", description="Gate activation.")
    use_bias: bool = True
    go_backwards: bool = Field(default=False, description="Read the sequence from the end.")
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0, description="Input dropout while training.")
    recurrent_dropout: float = Field(default=0.0, ge=0.0, lt=1.0, description="State dropout while training.")
    seed: int | None = None


class _LSTMParams(_RNNParams):
    bidirectional: bool = _bidirectional_field()
    merge_mode: MergeMode = _merge_field()


class _RNN(Block):
    category = "recurrent"
    key_params = ("units", "return_sequences")
    gates = 4
    output_rule = PortRule("merge_mode", cases=((None, SPLIT_PORTS),))

    @classmethod
    def bias(cls, params) -> int:
        return cls.gates * params.units if params.use_bias else 0

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if len(shape) != 2 or shape[-1] is None:
            raise cls.shape_error(
                f"expects a rank-2 sample (steps, features) with known features. Received: shape={list(shape)}", node_id
            )
        if params.bidirectional and params.go_backwards:
            raise cls.shape_error(
                "bidirectional already reads the sequence backwards too; go_backwards must be false "
                "(Keras' Bidirectional refuses it). Received: go_backwards=true",
                node_id,
                port=None,
                param="go_backwards",
                code="bad_param",
            )
        if params.merge_mode is None and not params.bidirectional:
            raise cls.shape_error(
                "merge_mode null keeps a bidirectional layer's two directions apart; this layer reads one way. "
                "Set bidirectional true or merge_mode to one of concat, sum, mul, ave. Received: merge_mode=null",
                node_id,
                port=None,
                param="merge_mode",
                code="bad_param",
            )
        steps, feat, u = shape[0], shape[1], params.units
        n = cls.gates * (feat * u + u * u) + cls.bias(params)
        flops = 2 * cls.gates * (feat * u + u * u) * (steps or 1)
        directions = 2 if params.bidirectional else 1
        width = 2 * u if params.bidirectional and params.merge_mode == "concat" else u
        out = (steps, width) if params.return_sequences else (width,)
        ports = SPLIT_PORTS if params.merge_mode is None else ("out",)
        return Inference(dict.fromkeys(ports, out), params=directions * n, flops=directions * flops)


@register_block
class LSTM(_RNN):
    """Long short-term memory; bidirectional: reads the sequence both ways."""

    type_name = "LSTM"
    gates = 4
    keras = RecurrentMap(
        "LSTM", _OPTIONS, inner="rnn", fixed=_FIXED, inert=_INERT, match=_match("LSTM"), aliases=("Bidirectional",)
    )
    Params = _LSTMParams


class _GRUParams(_RNNParams):
    reset_after: bool = Field(
        default=True, description="Apply the reset gate after the matrix product (Keras' default, cuDNN's)."
    )
    bidirectional: bool = _bidirectional_field()
    merge_mode: MergeMode = _merge_field()


@register_block
class GRU(_RNN):
    """Gated recurrent unit; bidirectional: reads the sequence both ways."""

    type_name = "GRU"
    gates = 3
    keras = RecurrentMap(
        "GRU",
        (*_OPTIONS, opt("reset_after")),
        inner="rnn",
        fixed=_FIXED,
        inert=_INERT,
        match=_match("GRU"),
        aliases=("Bidirectional",),
    )
    Params = _GRUParams

    @classmethod
    def bias(cls, params) -> int:
        if not params.use_bias:
            return 0
        return 3 * params.units * (2 if params.reset_after else 1)
