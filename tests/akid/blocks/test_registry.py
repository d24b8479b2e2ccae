from akid.blocks import block_specs, block_types, get_block

REQUIRED = {
    "Input",
    "Output",
    "Dense",
    "Conv2D",
    "MaxPool2D",
    "AvgPool2D",
    "GlobalAvgPool2D",
    "Flatten",
    "Reshape",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "BatchNorm",
    "Dropout",
    "Add",
    "Concat",
    "Multiply",
    "Split",
    "Conv1D",
    "LSTM",
    "GRU",
    "Embedding",
    "LayerNorm",
}


def test_every_required_block_is_registered():
    assert set(block_types()) >= REQUIRED


def test_specs_carry_ports_and_schema():
    specs = {s["type"]: s for s in block_specs()}
    assert specs["Split"]["dynamic_outputs"] is True
    assert [p["name"] for p in specs["Split"]["outputs"]] == ["out0", "out1"]
    assert specs["Add"]["inputs"][0]["multi"] is True
    assert specs["Conv2D"]["params_schema"]["properties"]["filters"]["minimum"] == 1
    assert specs["Input"]["inputs"] == []


def test_bad_params_name_the_param():
    import pytest

    from akid.errors import BlockParamError

    with pytest.raises(BlockParamError) as info:
        get_block("Conv2D").parse_params({"filters": 0, "bogus": 1}, node_id="c1")
    params = {i.param for i in info.value.issues}
    assert params == {"filters", "bogus"}
    assert all(i.node_id == "c1" for i in info.value.issues)
