"""Every registered block passes :func:`assert_block_contract`.

The table gives each block type sensible params and input shapes. A block that
is registered but missing here fails ``test_every_block_has_a_contract_case``,
so no new block can skip the contract.
"""
from __future__ import annotations

import importlib

import pytest

from akid.blocks import block_types, get_block
from tests.akid.blocks.contract import assert_block_contract

# Blocks registered outside akid.blocks.families (jokers live with the data code).
for _mod in ("akid.data.jokers",):
    try:
        importlib.import_module(_mod)
    except ModuleNotFoundError:
        pass

IMG = {"in": [(6, 6, 2)]}
VEC = {"in": [(5,)]}
CASES: dict[str, tuple[dict, dict, dict]] = {
    # type: (params, {port: [shapes]}, harness options)
    "Input": ({"shape": [4, 3], "feature": "x"}, {}, {}),
    "Output": ({"target": "y"}, VEC, {}),
    "Dense": ({"units": 3, "activation": "relu"}, {"in": [(2, 4)]}, {}),
    "Conv2D": ({"filters": 3, "kernel_size": [3, 2], "strides": 2, "padding": "same"}, {"in": [(7, 6, 2)]}, {}),
    "Conv1D": ({"filters": 2, "kernel_size": 3}, {"in": [(7, 3)]}, {}),
    "MaxPool2D": ({"pool_size": 2}, {"in": [(7, 6, 2)]}, {}),
    "AvgPool2D": ({"pool_size": [2, 3], "padding": "same"}, {"in": [(7, 6, 2)]}, {}),
    "GlobalAvgPool2D": ({}, IMG, {}),
    "Flatten": ({}, {"in": [(3, 2, 2)]}, {}),
    "Reshape": ({"target_shape": [-1, 2]}, {"in": [(3, 4)]}, {}),
    "ReLU": ({}, VEC, {}),
    "Sigmoid": ({}, VEC, {}),
    "Tanh": ({}, VEC, {}),
    "Softmax": ({"axis": 0}, {"in": [(3, 4)]}, {}),
    "BatchNorm": ({"momentum": 0.9}, {"in": [(4, 3)]}, {}),
    "LayerNorm": ({}, {"in": [(4, 3)]}, {}),
    "Dropout": ({"rate": 0.5, "seed": 1}, VEC, {}),
    "Embedding": ({"input_dim": 7, "output_dim": 3}, {"in": [(5,)]}, {"dtype": "int32", "int_high": 7}),
    "Add": ({}, {"in": [(4,), (4,), (4,)]}, {}),
    "Multiply": ({}, {"in": [(2, 3), (2, 3)]}, {}),
    "Concat": ({"axis": 0}, {"in": [(2, 3), (1, 3)]}, {}),
    "Split": ({"num": 3, "axis": -1}, {"in": [(2, 6)]}, {}),
    "LSTM": ({"units": 3}, {"in": [(5, 2)]}, {}),
    "GRU": ({"units": 3, "return_sequences": True}, {"in": [(5, 2)]}, {}),
    # jokers (akid.data.jokers)
    "RandomFlip": ({"mode": "horizontal_and_vertical", "seed": 1}, IMG, {}),
    "RandomCrop": ({"padding": 1, "seed": 1}, IMG, {}),
    "RandomRotation": ({"factor": 0.1, "seed": 1}, IMG, {}),
    "RandomTranslation": ({"seed": 1}, IMG, {}),
    "RandomColor": ({"seed": 1, "clip": [0.0, 1.0]}, IMG, {}),
    "GaussianNoise": ({"stddev": 0.1, "seed": 1}, VEC, {}),
    "Normalize": ({"mean": [0.5, 0.1], "std": [2.0, 1.0]}, IMG, {}),
    "OneHot": ({"num_classes": 4}, {"in": [(3,)]}, {"dtype": "int32", "int_high": 4}),
}


def test_every_block_has_a_contract_case():
    missing = sorted(set(block_types()) - set(CASES))
    assert not missing, f"registered blocks without a contract case in {__file__}: {missing}"


@pytest.mark.parametrize("type_name", block_types())
def test_block_contract(type_name):
    if type_name not in CASES:
        pytest.fail(f"no contract case for {type_name!r}")
    params, shapes, options = CASES[type_name]
    assert_block_contract(get_block(type_name), params, shapes, **options)


def test_contract_catches_a_lying_infer():
    """The harness itself must fail when infer disagrees with TensorFlow."""
    from akid.blocks.base import Inference
    from akid.blocks.core import Dense

    class LyingDense(Dense):
        type_name = "LyingDense"

        @classmethod
        def infer(cls, params, inputs, node_id=None):
            inf = super().infer(params, inputs, node_id)
            return Inference(inf.outputs, params=inf.params + 1, flops=inf.flops)

    with pytest.raises(AssertionError, match="params"):
        assert_block_contract(LyingDense, {"units": 2}, {"in": [(3,)]})


def test_composite_block_passes_the_contract():
    """Composites are blocks too: same harness, class made from a graph document."""
    from akid.blocks.composite import make_composite

    inner = {"nodes": [{"id": "a", "type": "Input", "params": {"shape": [4]}},
                       {"id": "b", "type": "Input", "params": {"shape": [4]}},
                       {"id": "d", "type": "Dense", "params": {"units": 4}},
                       {"id": "m", "type": "Add"},
                       {"id": "o", "type": "Output"}],
             "edges": [{"source": "a", "target": "d"}, {"source": "d", "target": "m"},
                       {"source": "b", "target": "m"}, {"source": "m", "target": "o"}]}
    cls = make_composite("DenseSkip", inner)
    assert [p.name for p in cls.input_ports(cls.Params())] == ["a", "b"]
    out = assert_block_contract(cls, {}, {"a": [(4,)], "b": [(4,)]})
    assert out["inference"].params == 20
