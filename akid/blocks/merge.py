"""Blocks that merge several tensors or split one into several."""

from __future__ import annotations

from pydantic import Field

from akid.blocks.base import Block, BlockParams, Inference, PortRule, PortSpec, prod, single_input
from akid.blocks.core import check_axis, shape_text, shapes_text
from akid.blocks.keras_map import KerasMap, from_keras_axis, opt, to_keras_axis
from akid.blocks.registry import register_block

MERGE_IN = (PortSpec("in", multi=True, doc="Two or more tensors, in edge order."),)
AXIS = opt("axis", to_keras=to_keras_axis, from_keras=from_keras_axis)


def _merge_shapes(cls, shapes: list, node_id) -> tuple:
    """The broadcast shape (NumPy rules, as Keras' merge layers): sizes agree or one of them is 1."""
    if len(shapes) < 2:
        raise cls.shape_error(f"needs at least 2 inputs. Received: {len(shapes)}", node_id, code="missing_input")
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    out = []
    for axis in range(rank):
        dims = {d for d in (p[axis] for p in padded) if d != 1}
        known = {d for d in dims if d is not None}
        if len(known) > 1:
            raise cls.shape_error(
                f"inputs must have the same shape (or broadcast: size 1 on an axis); they differ on axis {axis}. "
                f"Received: shapes={shapes_text(shapes)}",
                node_id,
            )
        out.append(known.pop() if known else (None if None in dims else 1))
    return tuple(out)


class _Elementwise(Block):
    category = "merge"
    input_spec_ports = MERGE_IN

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = _merge_shapes(cls, inputs["in"], node_id)
        return Inference({"out": shape}, flops=(prod(shape) or 0) * (len(inputs["in"]) - 1))


@register_block
class Add(_Elementwise):
    """Element-wise sum (residual connections)."""

    type_name = "Add"
    keras = KerasMap("Add", inner="add")


@register_block
class Multiply(_Elementwise):
    """Element-wise product (gating)."""

    type_name = "Multiply"
    keras = KerasMap("Multiply", inner="multiply")


@register_block
class Average(_Elementwise):
    """Element-wise mean."""

    type_name = "Average"
    keras = KerasMap("Average", inner="average")


@register_block
class Maximum(_Elementwise):
    """Element-wise maximum."""

    type_name = "Maximum"
    keras = KerasMap("Maximum", inner="maximum")


@register_block
class Concat(Block):
    """Join tensors along an axis; the other axes must agree."""

    type_name = "Concat"
    category = "merge"
    input_spec_ports = MERGE_IN
    key_params = ("axis",)
    keras = KerasMap("Concatenate", (AXIS,), inner="concat")

    class Params(BlockParams):
        axis: int = Field(default=-1, ge=-4, le=3, description="Sample axis joined (batch excluded).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shapes = [tuple(s) for s in inputs["in"]]
        if len(shapes) < 2:
            raise cls.shape_error(f"needs at least 2 inputs. Received: {len(shapes)}", node_id, code="missing_input")
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise cls.shape_error(f"all inputs must have the same rank. Received: shapes={shapes_text(shapes)}", node_id)
        axis = check_axis(cls, shapes[0], params.axis, node_id)
        for i in range(rank):
            if i == axis:
                continue
            dims = {s[i] for s in shapes if s[i] is not None}
            if len(dims) > 1:
                raise cls.shape_error(
                    f"inputs disagree on axis {i} (only axis {axis} may differ). Received: shapes={shapes_text(shapes)}",
                    node_id,
                )
        joined = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        out = list(shapes[0])
        out[axis] = joined
        return Inference({"out": tuple(out)})


@register_block
class Split(Block):
    """Cut a tensor into ``num`` equal parts along an axis: outputs out0, out1, ..."""

    type_name = "Split"
    category = "merge"
    key_params = ("num", "axis")
    output_rule = PortRule("num", "out{i}")
    keras = KerasMap("SplitLayer", (opt("num"), AXIS), inner="split")

    class Params(BlockParams):
        num: int = Field(default=2, ge=2, le=64, description="Number of equal parts (output ports).")
        axis: int = Field(default=-1, ge=-4, le=3, description="Sample axis cut (batch excluded).")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        shape = single_input(inputs)
        axis = check_axis(cls, shape, params.axis, node_id)
        size = shape[axis]
        if size is None:
            # Keras cuts only sizes the count divides, and an unknown size may not be one:
            # accepting it would validate a graph that fails on the first batch.
            raise cls.shape_error(
                f"axis {axis} has an unknown size (null), so it cannot be checked to split into {params.num} "
                f"equal parts; give the Input a size on this axis or split another axis. Received: shape={shape_text(shape)}",
                node_id,
                param="axis",
            )
        if size % params.num:
            raise cls.shape_error(
                f"axis {axis} of size {size} does not split into {params.num} equal parts. Received: shape={shape_text(shape)}",
                node_id,
                param="num",
            )
        part = list(shape)
        part[axis] = size // params.num
        return Inference({f"out{i}": tuple(part) for i in range(params.num)})


@register_block
class ScaledAdd(Block):
    """in[0] + in[1] * scale: a residual branch added at a fixed scale (Inception-ResNet)."""

    type_name = "ScaledAdd"
    category = "merge"
    input_spec_ports = (PortSpec("in", multi=True, doc="The shortcut, then the residual branch."),)
    key_params = ("scale",)
    keras = KerasMap("CustomScaleLayer", (opt("scale"),), inner="scaled_add")

    class Params(BlockParams):
        scale: float = Field(default=1.0, description="Factor on the second input.")

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        if len(inputs["in"]) != 2:
            raise cls.shape_error(
                f"takes exactly 2 inputs (shortcut, residual). Received: {len(inputs['in'])}", node_id, code="missing_input"
            )
        shape = _merge_shapes(cls, inputs["in"], node_id)
        return Inference({"out": shape}, flops=2 * (prod(shape) or 0))
