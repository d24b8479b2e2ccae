"""Shared parameter types: sizes are positive by construction, activations are Keras' names.

A size of 0 or -3 is a validation error naming the param (``bad_param``), never
a negative parameter count or a TensorFlow error at build time.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

#: A positive size (kernel, pool, stride, units, filters, shape dimension).
PosInt = Annotated[int, Field(ge=1, le=1_000_000)]
#: One size for every spatial axis, or one per axis.
Size2 = PosInt | Annotated[list[PosInt], Field(min_length=2, max_length=2)]
Size1 = PosInt | Annotated[list[PosInt], Field(min_length=1, max_length=1)]
Padding = Literal["valid", "same"]

#: Keras' element-wise activations by their canonical (Keras 3) names.
ACTIVATION_NAMES = (
    "linear",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "hard_silu",
    "mish",
    "sigmoid",
    "hard_sigmoid",
    "log_sigmoid",
    "sparse_sigmoid",
    "tanh",
    "hard_tanh",
    "tanh_shrink",
    "softmax",
    "log_softmax",
    "sparsemax",
    "softplus",
    "softsign",
    "sparse_plus",
    "squareplus",
    "exponential",
    "soft_shrink",
    "hard_shrink",
)
#: Old or alternative names Keras writes back under another name.
ACTIVATION_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}


def canonical_activation(v: Any) -> Any:
    return ACTIVATION_ALIASES.get(v, v) if isinstance(v, str) else v


Activation = Annotated[Literal[ACTIVATION_NAMES], BeforeValidator(canonical_activation)]  # type: ignore[valid-type]


def pair(v: int | list[int], rank: int) -> tuple[int, ...]:
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * rank


#: The ways Keras' ``Bidirectional`` combines its two directions; ``None`` (null) keeps them apart as
#: two outputs, ports ``fwd`` and ``bwd`` (see the recurrent blocks' ``output_rule``).
MergeMode = Literal["concat", "sum", "mul", "ave"] | None
