"""Every registered block passes :func:`assert_block_contract`.

The table gives each block type sensible params and input shapes. A block that
is registered but missing here fails ``test_every_block_has_a_contract_case``,
so no new block can skip the contract.
"""

from __future__ import annotations

import pytest

from akid.blocks import block_types, get_block
from akid.blocks.params import ACTIVATION_NAMES
from tests.akid.blocks.contract import assert_block_contract

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
    "Masking": ({"mask_value": 0.0}, {"in": [(4, 3)]}, {}),
    "Conv2DTranspose": ({"filters": 3, "kernel_size": 3}, IMG, {}),
    "UpSampling2D": ({"size": 2}, IMG, {}),
    "GlobalAvgPool1D": ({}, {"in": [(5, 3)]}, {}),
    "GlobalMaxPool1D": ({}, {"in": [(5, 3)]}, {}),
    "Add": ({}, {"in": [(4,), (4,), (4,)]}, {}),
    "Multiply": ({}, {"in": [(2, 3), (2, 3)]}, {}),
    "Concat": ({"axis": 0}, {"in": [(2, 3), (1, 3)]}, {}),
    "Split": ({"num": 3, "axis": -1}, {"in": [(2, 6)]}, {}),
    "LSTM": ({"units": 3}, {"in": [(5, 2)]}, {}),
    "GRU": ({"units": 3, "return_sequences": True}, {"in": [(5, 2)]}, {}),
    "Activation": ({"activation": "gelu"}, VEC, {}),
    "Rescaling": ({"scale": 0.5, "offset": 1.0}, VEC, {}),
    "GlobalMaxPool2D": ({}, IMG, {}),
    "DepthwiseConv2D": ({"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, IMG, {}),
    "SeparableConv2D": ({"filters": 3, "kernel_size": [3, 2]}, IMG, {}),
    "ZeroPadding2D": ({"padding": [1, 0, 2, 1]}, IMG, {}),
    "Cropping2D": ({"cropping": [1, 2]}, IMG, {}),
    "Normalization": ({}, IMG, {}),
    "Average": ({}, {"in": [(4,), (4,)]}, {}),
    "Maximum": ({}, {"in": [(4,), (4,)]}, {}),
    "ScaledAdd": ({"scale": 0.17}, {"in": [(4, 2), (4, 2)]}, {}),
    "LayerScale": ({"init_values": 0.5, "projection_dim": 2}, IMG, {}),
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


# Every Keras option a spec maps, at a value that changes the computation: the block must equal Keras.
OPTION_CASES: list[tuple[str, dict, dict]] = [
    ("Dense", {"units": 2, "use_bias": False, "activation": "silu"}, VEC),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2, "use_bias": False, "activation": "relu6"}, {"in": [(6, 6, 4)]}),
    ("Conv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"}, IMG),
    (
        "Conv1D",
        {
            "filters": 2,
            "kernel_size": 2,
            "strides": 2,
            "padding": "same",
            "dilation_rate": 1,
            "groups": 1,
            "activation": "tanh",
            "use_bias": False,
        },
        {"in": [(7, 2)]},
    ),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "groups": 2}, {"in": [(7, 2)]}),
    ("DepthwiseConv2D", {"kernel_size": 2, "strides": 2, "use_bias": False, "activation": "relu"}, IMG),
    ("DepthwiseConv2D", {"kernel_size": 2, "dilation_rate": 2}, IMG),
    (
        "SeparableConv2D",
        {"filters": 2, "depth_multiplier": 2, "strides": 2, "padding": "same", "use_bias": False, "activation": "relu"},
        IMG,
    ),
    ("SeparableConv2D", {"filters": 2, "dilation_rate": 2}, {"in": [(7, 7, 2)]}),
    ("MaxPool2D", {"pool_size": 3, "strides": 1, "padding": "same"}, IMG),
    ("AvgPool2D", {"pool_size": 2, "strides": [1, 2]}, IMG),
    ("GlobalAvgPool2D", {"keepdims": True}, IMG),
    ("GlobalMaxPool2D", {"keepdims": True}, IMG),
    ("ReLU", {"max_value": 0.5}, VEC),
    ("ReLU", {"negative_slope": 0.1, "threshold": 0.2}, VEC),
    ("Softmax", {"axis": -1}, {"in": [(3, 4)]}),
    ("BatchNorm", {"axis": 0, "center": False, "scale": False, "epsilon": 0.1, "momentum": 0.5}, {"in": [(4, 3)]}),
    ("BatchNorm", {"scale": False}, IMG),
    ("LayerNorm", {"rms_scaling": True, "epsilon": 0.1}, {"in": [(4, 3)]}),
    ("LayerNorm", {"axis": 0, "center": False}, {"in": [(4, 3)]}),
    ("LayerNorm", {"scale": False}, {"in": [(4, 3)]}),
    ("Normalization", {"mean": [0.5, 1.0], "variance": [2.0, 4.0]}, IMG),
    ("Normalization", {"mean": 0.5, "variance": 2.0, "invert": True, "axis": 0}, {"in": [(3, 2)]}),
    ("Rescaling", {"scale": [0.5, 2.0], "offset": [0.0, 1.0]}, IMG),
    ("Dropout", {"rate": 0.3, "noise_shape": [-1, 1, 1, 2], "seed": 3}, IMG),
    ("Reshape", {"target_shape": [6, 2]}, {"in": [(3, 4)]}),
    ("Concat", {"axis": -1}, {"in": [(2, 3), (2, 1)]}),
    ("Split", {"num": 2, "axis": 0}, {"in": [(4, 3)]}),
    ("LSTM", {"units": 2, "activation": "relu", "recurrent_activation": "hard_sigmoid", "use_bias": False}, {"in": [(4, 2)]}),
    (
        "LSTM",
        {"units": 2, "go_backwards": True, "return_sequences": True, "dropout": 0.1, "recurrent_dropout": 0.1, "seed": 1},
        {"in": [(4, 2)]},
    ),
    ("GRU", {"units": 2, "reset_after": False, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, {"in": [(4, 2)]}),
    (
        "GRU",
        {"units": 2, "use_bias": False, "go_backwards": True, "dropout": 0.1, "recurrent_dropout": 0.1, "seed": 1},
        {"in": [(4, 2)]},
    ),
    ("Embedding", {"input_dim": 5, "output_dim": 2}, {"in": [(3,)]}),
    ("Embedding", {"input_dim": 5, "output_dim": 2, "mask_zero": True}, {"in": [(3,)]}),
    ("Masking", {"mask_value": 0.5}, {"in": [(4, 3)]}),
    (
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": [3, 2], "strides": 2, "activation": "relu", "use_bias": False},
        {"in": [(3, 4, 2)]},
    ),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": [2, 3], "padding": "same"}, {"in": [(3, 4, 2)]}),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3}, {"in": [(3, 4, 2)]}),
    ("UpSampling2D", {"size": [2, 3], "interpolation": "bilinear"}, IMG),
    ("GlobalAvgPool1D", {"keepdims": True}, {"in": [(5, 3)]}),
    ("GlobalMaxPool1D", {"keepdims": True}, {"in": [(5, 3)]}),
    # Bidirectional (Keras' wrapper, one node): every merge mode, both recurrent blocks
    ("LSTM", {"units": 2, "bidirectional": True}, {"in": [(4, 2)]}),
    ("LSTM", {"units": 2, "bidirectional": True, "merge_mode": "sum", "return_sequences": True}, {"in": [(4, 2)]}),
    ("LSTM", {"units": 2, "bidirectional": True, "merge_mode": "mul", "dropout": 0.2, "seed": 2}, {"in": [(4, 2)]}),
    ("GRU", {"units": 2, "bidirectional": True, "merge_mode": "ave", "return_sequences": True}, {"in": [(4, 2)]}),
    ("GRU", {"units": 3, "bidirectional": True, "reset_after": False}, {"in": [(4, 2)]}),
    # merge_mode null: two outputs, ports fwd and bwd
    ("LSTM", {"units": 2, "bidirectional": True, "merge_mode": None, "return_sequences": True}, {"in": [(4, 2)]}),
    ("GRU", {"units": 2, "bidirectional": True, "merge_mode": None}, {"in": [(4, 2)]}),
    ("ZeroPadding2D", {"padding": 2}, IMG),
    ("Cropping2D", {"cropping": [0, 1, 2, 0]}, IMG),
    ("Dropout", {"rate": 0.0}, VEC),
] + [("Activation", {"activation": name}, VEC) for name in ACTIVATION_NAMES]
INT_CASES = {"Embedding": {"dtype": "int32", "int_high": 5}}


@pytest.mark.parametrize("type_name, params, shapes", OPTION_CASES, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(OPTION_CASES)])
def test_every_mapped_keras_option_computes_what_keras_does(type_name, params, shapes):
    assert_block_contract(get_block(type_name), params, shapes, **INT_CASES.get(type_name, {}))


def test_every_mapped_keras_option_has_a_case_off_its_default():
    """No option can be mapped without being checked against Keras at a value that matters."""
    untested = []
    for name in block_types():
        spec = get_block(name)
        if spec.keras is None:
            continue
        defaults = spec.Params().model_dump(mode="json")
        cases = [
            spec.parse_params(p).model_dump(mode="json") for t, p, _ in [*OPTION_CASES, (name, *CASES[name][:2])] if t == name
        ]
        for o in spec.keras.options:
            if o.param in ("seed",):
                continue  # changes only which random mask is drawn
            if not any(c[o.param] != defaults[o.param] for c in cases):
                untested.append(f"{name}.{o.param}")
    assert not untested, f"mapped Keras options never checked off their default: {untested}"


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


def test_contract_catches_a_wrong_flop_count():
    from akid.blocks.base import Inference
    from akid.blocks.conv import Conv2D

    class HalfConv(Conv2D):
        type_name = "HalfConv"

        @classmethod
        def infer(cls, params, inputs, node_id=None):
            inf = super().infer(params, inputs, node_id)
            return Inference(inf.outputs, params=inf.params, flops=inf.flops // 2)

    import tests.akid.blocks.contract as contract

    contract.FLOP_CHECKED.add("HalfConv")
    try:
        with pytest.raises(AssertionError, match="FLOPs"):
            assert_block_contract(HalfConv, {"filters": 3}, {"in": [(6, 6, 2)]})
    finally:
        contract.FLOP_CHECKED.discard("HalfConv")


def test_composite_block_passes_the_contract():
    """Composites are blocks too: same harness, class made from a graph document."""
    from akid.blocks.composite import make_composite

    inner = {
        "nodes": [
            {"id": "a", "type": "Input", "params": {"shape": [4]}},
            {"id": "b", "type": "Input", "params": {"shape": [4]}},
            {"id": "d", "type": "Dense", "params": {"units": 4}},
            {"id": "m", "type": "Add"},
            {"id": "o", "type": "Output"},
        ],
        "edges": [
            {"source": "a", "target": "d"},
            {"source": "d", "target": "m"},
            {"source": "b", "target": "m"},
            {"source": "m", "target": "o"},
        ],
    }
    cls = make_composite("DenseSkip", inner)
    assert [p.name for p in cls.input_ports(cls.Params())] == ["a", "b"]
    out = assert_block_contract(cls, {}, {"a": [(4,)], "b": [(4,)]})
    assert out["inference"].params == 20
