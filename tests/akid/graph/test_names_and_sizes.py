"""Names are safe by construction and sizes are positive: both are validation errors, never TensorFlow's."""

from __future__ import annotations

import pytest

from akid.graph.validate import validate


def chain(*nodes: dict) -> dict:
    ids = [n["id"] for n in nodes]
    return {
        "format": "akid.graph/v1",
        "name": "g",
        "nodes": list(nodes),
        "edges": [{"source": a, "target": b} for a, b in zip(ids, ids[1:])],
    }


@pytest.mark.parametrize("bad", ["d.1", "d>1", "dénse", "二", "a b", "1st", "x/y", "x-y", "a" * 129])
def test_ids_outside_the_charset_are_invalid_id_naming_the_node(bad):
    doc = chain(
        {"id": "x", "type": "Input", "params": {"shape": [4]}},
        {"id": bad, "type": "Dense", "params": {"units": 2}},
        {"id": "y", "type": "Output"},
    )
    report = validate(doc)
    assert [(e.code, e.node_id) for e in report.errors] == [("invalid_id", bad)]


def test_two_ids_that_used_to_collide_are_both_refused():
    doc = chain(
        {"id": "x", "type": "Input", "params": {"shape": [4]}},
        {"id": "d.1", "type": "Dense"},
        {"id": "d>1", "type": "Dense"},
        {"id": "y", "type": "Output"},
    )
    assert {e.node_id for e in validate(doc).errors if e.code == "invalid_id"} == {"d.1", "d>1"}


@pytest.mark.parametrize("good", ["d_1", "_x", "Dense1", "a" * 128])
def test_valid_ids_validate(good):
    doc = chain(
        {"id": "x", "type": "Input", "params": {"shape": [4]}}, {"id": good, "type": "Dense"}, {"id": "y", "type": "Output"}
    )
    assert validate(doc).ok


@pytest.mark.parametrize(
    "type_, params, param",
    [
        ("Conv2D", {"kernel_size": -3}, "kernel_size"),
        ("Conv2D", {"kernel_size": [3, 0]}, "kernel_size"),
        ("Conv2D", {"strides": 0}, "strides"),
        ("Conv2D", {"filters": 0}, "filters"),
        ("Conv2D", {"dilation_rate": -1}, "dilation_rate"),
        ("MaxPool2D", {"pool_size": 0}, "pool_size"),
        ("MaxPool2D", {"strides": [0, 1]}, "strides"),
        ("DepthwiseConv2D", {"depth_multiplier": 0}, "depth_multiplier"),
        ("ZeroPadding2D", {"padding": -1}, "padding"),
    ],
)
def test_zero_or_negative_sizes_are_bad_param(type_, params, param):
    doc = chain(
        {"id": "x", "type": "Input", "params": {"shape": [8, 8, 2]}},
        {"id": "n", "type": type_, "params": params},
        {"id": "f", "type": "Flatten"},
        {"id": "y", "type": "Output"},
    )
    report = validate(doc)
    assert not report.ok and report.params >= 0
    assert {(e.code, e.node_id, e.param) for e in report.errors} == {("bad_param", "n", param)}


@pytest.mark.parametrize("shape", [[0], [4, -1], [8, 0, 1]])
def test_zero_or_negative_input_shapes_are_bad_param(shape):
    doc = chain({"id": "x", "type": "Input", "params": {"shape": shape}}, {"id": "y", "type": "Output"})
    errors = validate(doc).errors
    assert errors and all(e.code == "bad_param" and e.node_id == "x" and e.param == "shape" for e in errors)


@pytest.mark.parametrize("params", [{"units": 0}, {"units": -5}])
def test_dense_units_must_be_positive(params):
    doc = chain(
        {"id": "x", "type": "Input", "params": {"shape": [4]}},
        {"id": "d", "type": "Dense", "params": params},
        {"id": "y", "type": "Output"},
    )
    assert [(e.code, e.param) for e in validate(doc).errors] == [("bad_param", "units")]
