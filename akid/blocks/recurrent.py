"""Recurrent layers over (steps, features) samples."""

from __future__ import annotations

from pydantic import Field

from akid.blocks.base import Block, Inference, TrainableParams, single_input
from akid.blocks.keras_map import KerasMap, opt
from akid.blocks.params import Activation
from akid.blocks.registry import register_block

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
#: unroll changes how, not what, is computed; unit_forget_bias only initialises; no masks reach akid layers.
_INERT = ("unroll", "unit_forget_bias", "zero_output_for_mask", "implementation", "time_major")
_FIXED = {"return_state": (False,), "stateful": (False,)}


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


class _RNN(Block):
    category = "recurrent"
    key_params = ("units", "return_sequences")
    gates = 4

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
        steps, feat, u = shape[0], shape[1], params.units
        n = cls.gates * (feat * u + u * u) + cls.bias(params)
        out = (steps, u) if params.return_sequences else (u,)
        return Inference({"out": out}, params=n, flops=2 * cls.gates * (feat * u + u * u) * (steps or 1))


@register_block
class LSTM(_RNN):
    """Long short-term memory."""

    type_name = "LSTM"
    gates = 4
    keras = KerasMap("LSTM", _OPTIONS, inner="rnn", fixed=_FIXED, inert=_INERT)
    Params = _RNNParams


class _GRUParams(_RNNParams):
    reset_after: bool = Field(
        default=True, description="Apply the reset gate after the matrix product (Keras' default, cuDNN's)."
    )


@register_block
class GRU(_RNN):
    """Gated recurrent unit."""

    type_name = "GRU"
    gates = 3
    keras = KerasMap("GRU", (*_OPTIONS, opt("reset_after")), inner="rnn", fixed=_FIXED, inert=_INERT)
    Params = _GRUParams

    @classmethod
    def bias(cls, params) -> int:
        if not params.use_bias:
            return 0
        return 3 * params.units * (2 if params.reset_after else 1)
