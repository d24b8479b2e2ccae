"""Recurrent layers over (steps, features) samples."""
from __future__ import annotations

import keras
from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, single_input
from akid.blocks.registry import register_block


class _RNN(Block):
    category = "recurrent"
    key_params = ("units", "return_sequences")
    gates = 4
    keras_layer = None

    class Params(BlockParams):
        units: int = Field(default=32, ge=1, le=8192, description="State size.")
        return_sequences: bool = Field(default=False, description="Emit every step, not only the last.")

    def __init__(self, params=None, name=None, **kw):
        super().__init__(params, name, **kw)
        self.inner = self.keras_layer(self.p.units, return_sequences=self.p.return_sequences, name="rnn")

    @classmethod
    def extra_bias(cls, units: int) -> int:
        return 0

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if len(shape) != 2 or shape[-1] is None:
            raise cls.shape_error(f"expects a rank-2 sample (steps, features) with known features. Received: shape={list(shape)}", node_id)
        steps, feat, u = shape[0], shape[1], params.units
        n = cls.gates * (feat * u + u * u + u) + cls.extra_bias(u)
        out = (steps, u) if params.return_sequences else (u,)
        return Inference({"out": out}, params=n, flops=2 * cls.gates * (feat * u + u * u) * (steps or 1))

    def call(self, inputs):
        return self.inner(inputs)


@register_block
class LSTM(_RNN):
    """Long short-term memory."""

    type_name = "LSTM"
    gates = 4
    keras_layer = keras.layers.LSTM


@register_block
class GRU(_RNN):
    """Gated recurrent unit (reset_after, as Keras)."""

    type_name = "GRU"
    gates = 3
    keras_layer = keras.layers.GRU

    @classmethod
    def extra_bias(cls, units: int) -> int:
        return 3 * units  # reset_after=True keeps a second bias vector
