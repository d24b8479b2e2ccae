"""Normalisation layers."""

from __future__ import annotations

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, TrainableParams, prod, single_input
from akid.blocks.core import check_axis
from akid.blocks.keras_map import KerasMap, from_keras_axis, opt, to_keras_axis
from akid.blocks.registry import register_block

AXIS = opt("axis", to_keras=to_keras_axis, from_keras=from_keras_axis)


def _axis_size(cls, params, inputs, node_id) -> tuple[tuple, int]:
    shape = single_input(inputs)
    axis = check_axis(cls, shape, params.axis, node_id)
    if shape[axis] is None:
        raise cls.shape_error(f"the normalised axis {params.axis} must be known. Received: shape={list(shape)}", node_id)
    return shape, int(shape[axis])


@register_block
class BatchNorm(Block):
    """Batch normalisation over one axis (the channels, last by default)."""

    type_name = "BatchNorm"
    category = "normalization"
    key_params = ("momentum",)
    keras = KerasMap(
        "BatchNormalization",
        (opt("momentum"), opt("epsilon"), AXIS, opt("center"), opt("scale")),
        inner="bn",
        fixed={"synchronized": (False,), "renorm": (False,), "renorm_clipping": (None,)},
        inert=("renorm_momentum",),
    )

    class Params(TrainableParams):
        momentum: float = Field(default=0.99, gt=0.0, lt=1.0, description="Moving-average momentum.")
        epsilon: float = Field(default=1e-3, gt=0.0, le=1.0)
        axis: int = Field(default=-1, ge=-4, le=3, description="Axis normalised (sample axis; -1 = channels).")
        center: bool = Field(default=True, description="Learn an offset (beta).")
        scale: bool = Field(default=True, description="Learn a scale (gamma).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape, c = _axis_size(cls, params, inputs, node_id)
        return Inference({"out": shape}, params=(2 + params.center + params.scale) * c, flops=2 * (prod(shape) or 0))


@register_block
class LayerNorm(Block):
    """Layer normalisation over one axis (the last by default); ``rms_scaling`` is RMS normalisation."""

    type_name = "LayerNorm"
    category = "normalization"
    keras = KerasMap("LayerNormalization", (opt("epsilon"), AXIS, opt("center"), opt("scale"), opt("rms_scaling")), inner="ln")

    class Params(TrainableParams):
        epsilon: float = Field(default=1e-3, gt=0.0, le=1.0)
        axis: int = Field(default=-1, ge=-4, le=3, description="Axis normalised (sample axis).")
        center: bool = True
        scale: bool = True
        rms_scaling: bool = Field(default=False, description="Scale by the root mean square only (no centring).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape, c = _axis_size(cls, params, inputs, node_id)
        n = c * bool(params.scale or params.rms_scaling) + c * bool(params.center and not params.rms_scaling)
        return Inference({"out": shape}, params=n, flops=5 * (prod(shape) or 0))


@register_block
class Normalization(Block):
    """(x - mean) / sqrt(variance) per channel, with fixed or stored statistics (Keras' preprocessing layer)."""

    type_name = "Normalization"
    category = "normalization"
    keras = KerasMap("Normalization", (AXIS, opt("mean"), opt("variance"), opt("invert")), inner="norm")

    class Params(BlockParams):
        axis: int = Field(default=-1, ge=-4, le=3, description="Axis with one statistic per entry.")
        mean: float | list[float] | None = Field(
            default=None, description="Fixed mean; empty: stored as weights (from a model file)."
        )
        variance: float | list[float] | None = Field(default=None, description="Fixed variance; empty: stored as weights.")
        invert: bool = Field(default=False, description="Undo the normalisation instead.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape, c = _axis_size(cls, params, inputs, node_id)
        if (params.mean is None) != (params.variance is None):
            raise cls.shape_error(
                "give both mean and variance, or neither. Received: only one", node_id, port=None, param="mean", code="bad_param"
            )
        for name in ("mean", "variance"):
            v = getattr(params, name)
            if isinstance(v, list) and len(v) not in (1, c):
                raise cls.shape_error(
                    f"{name} has {len(v)} values but axis {params.axis} has {c}. Received: shape={list(shape)}",
                    node_id,
                    port=None,
                    param=name,
                    code="bad_param",
                )
        return Inference({"out": shape}, params=0 if params.mean is not None else 2 * c + 1, flops=2 * (prod(shape) or 0))


@register_block
class LayerScale(Block):
    """x * gamma with one learned scale per channel (ConvNeXt)."""

    type_name = "LayerScale"
    category = "normalization"
    key_params = ("projection_dim",)
    keras = KerasMap("LayerScale", (opt("init_values"), opt("projection_dim")), inner="layer_scale")

    class Params(TrainableParams):
        init_values: float = Field(default=1e-6, description="Initial scale.")
        projection_dim: int = Field(default=32, ge=1, le=65536, description="Channels (the last axis).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        if not shape or shape[-1] != params.projection_dim:
            raise cls.shape_error(
                f"projection_dim={params.projection_dim} must equal the last axis. Received: shape={list(shape)}",
                node_id,
                param="projection_dim",
            )
        return Inference({"out": shape}, params=params.projection_dim, flops=prod(shape) or 0)
