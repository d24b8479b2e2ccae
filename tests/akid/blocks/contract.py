"""The block contract: one harness every registered block passes (cf. Keras ``run_layer_test``).

Static analysis (the spec's ``infer``) is what the editor shows and what the
validator trusts; this harness proves it agrees with the runtime layer the spec
builds (output shapes, parameter counts), that the palette's JSON Schema is
valid, that configs round-trip, that the block trains, and — for blocks with a
Keras mapping — that exporting the params to Keras and importing them back is
exact and the stock Keras layer computes the same outputs from the same weights.
A new block gets all of that checked by adding one row to the table in
``test_contract.py``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator

BATCH = 2


#: Blocks whose FLOPs (multiply-adds x 2, per sample) are checked against TensorFlow's own count.
FLOP_CHECKED = {"Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D"}


def assert_block_contract(
    block_cls: type,
    params: dict[str, Any],
    input_shapes: dict[str, list[tuple]],
    *,
    dtype: str = "float32",
    int_high: int = 3,
    seed: int = 0,
) -> dict[str, Any]:
    """Check ``block_cls`` with ``params`` on samples of ``input_shapes`` ({port: [shape, ...]}).

    Returns what it measured (inference, output shapes) for extra assertions.
    """
    import keras
    import tensorflow as tf

    spec = block_cls.spec()
    schema = spec["params_schema"]
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(spec["defaults"])
    Draft202012Validator(schema).validate(params)
    json.dumps(spec)

    p = block_cls.parse_params(params, node_id="b")
    shapes = {port: [tuple(s) for s in ss] for port, ss in input_shapes.items()}
    inf = block_cls.infer(p, shapes, node_id="b")
    ports_in = block_cls.input_ports(p)
    ports_out = [q.name for q in block_cls.output_ports(p)] or ["result"]
    assert set(inf.outputs) == set(ports_out), f"{spec['type']}: infer gave ports {sorted(inf.outputs)}, declared {ports_out}"

    rng = np.random.default_rng(seed)

    def sample(shape):
        full = (BATCH,) + tuple(shape)
        if dtype.startswith("int"):
            return tf.constant(rng.integers(0, int_high, size=full), dtype=dtype)
        return tf.constant(rng.normal(size=full).astype("float32"))

    if not ports_in:
        arg = sample(inf.outputs["out"])
    else:
        packed = {}
        for port in ports_in:
            vals = [sample(s) for s in shapes[port.name]]
            packed[port.name] = vals if port.multi else vals[0]
        arg = next(iter(packed.values())) if len(packed) == 1 else packed

    layer = block_cls.build_layer(params, name="b")
    assert layer.name == "b"
    y = layer(arg, training=False) if layer._call_has_training_arg else layer(arg)
    outs = dict(zip(ports_out, y if isinstance(y, (list, tuple)) else [y]))
    assert len(outs) == len(ports_out), f"{spec['type']}: call returned {len(outs)} outputs, declared {ports_out}"
    real = {port: tuple(t.shape[1:]) for port, t in outs.items()}
    for port, shape in real.items():
        want = tuple(inf.outputs[port])
        assert len(want) == len(shape) and all(w is None or w == r for w, r in zip(want, shape)), (
            f"{spec['type']}: infer says {port}={list(want)}, TensorFlow gives {list(shape)}"
        )
    assert layer.count_params() == inf.params, f"{spec['type']}: infer counts {inf.params} params, Keras {layer.count_params()}"

    config = layer.get_config()
    json.dumps(config)
    from akid.blocks import has_block

    # from_config finds the spec by type name; a spec made up in a test is not registered
    known = has_block(spec["type"]) or "composite" in config
    clone = type(layer).from_config(config) if known else block_cls.build_layer(config["params"], name="b")
    y2 = clone(arg, training=False) if clone._call_has_training_arg else clone(arg)
    clone.set_weights(layer.get_weights())
    y2 = clone(arg, training=False) if clone._call_has_training_arg else clone(arg)
    for a, b in zip(_flat(y), _flat(y2)):
        np.testing.assert_allclose(
            np.asarray(a),
            np.asarray(b),
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"{spec['type']}: from_config(get_config()) computes something else",
        )

    weights = layer.trainable_weights
    before = [np.array(w) for w in weights]
    with tf.GradientTape() as tape:
        y = layer(arg, training=True) if layer._call_has_training_arg else layer(arg)
        loss = sum(
            tf.reduce_mean(tf.square(tf.cast(t, "float32") + 0.5)) for t in _flat(y)
        )  # +0.5: not zero at a normalised output
    if weights:
        grads = tape.gradient(loss, weights)
        assert any(g is not None for g in grads), f"{spec['type']}: no gradient reaches the weights"
        keras.optimizers.SGD(learning_rate=0.1).apply(
            [g if g is not None else tf.zeros_like(w) for g, w in zip(grads, weights)], weights
        )
        changed = [not np.allclose(b, np.array(w)) for b, w in zip(before, weights)]
        assert any(changed), f"{spec['type']}: one SGD step changed no trainable weight"
    assert np.isfinite(float(loss))
    if block_cls.keras is not None:
        assert_keras_mapping(block_cls, p, layer, arg)
    # TensorFlow's count follows its kernels: grouped convs count 0, dilated ones count the
    # space-to-batch padding; the check is for the plain case, where the formula must agree.
    plain = getattr(p, "groups", 1) == 1 and getattr(p, "dilation_rate", 1) in (1, [1], [1, 1])
    if spec["type"] in FLOP_CHECKED and plain:
        assert_flops(spec["type"], layer, shapes["in"][0], inf)
    return {"inference": inf, "shapes": real, "layer": layer}


def assert_keras_mapping(block_cls: type, p: Any, layer: Any, arg: Any) -> None:
    """Params -> Keras config -> params is exact, and the stock Keras layer computes what the block computes."""
    from akid.blocks.runtime import build_keras_layer

    spec = block_cls.spec()
    cls_name, kwargs = block_cls.keras.to_keras(p)
    stock = build_keras_layer(cls_name, kwargs, name="stock")
    config = stock.get_config()
    json.dumps(config, default=list)
    back, issues = block_cls.keras.from_keras(json.loads(json.dumps(config, default=list)), "stock")
    assert not issues, f"{spec['type']}: its own Keras config is refused: {[i.message for i in issues]}"
    assert block_cls.parse_params(back) == p, f"{spec['type']}: Keras round trip changed the params: {back} != {p.model_dump()}"
    y = layer(arg, training=False) if layer._call_has_training_arg else layer(arg)
    y_stock = stock(arg, training=False) if stock._call_has_training_arg else stock(arg)
    if layer.get_weights():
        stock.set_weights(layer.get_weights())
        y_stock = stock(arg, training=False) if stock._call_has_training_arg else stock(arg)
    for a, b in zip(_flat(y), _flat(y_stock)):
        np.testing.assert_allclose(
            np.asarray(a),
            np.asarray(b),
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"{spec['type']}: the block and keras.layers.{cls_name} disagree",
        )


def _flat(y: Any) -> list:
    return list(y) if isinstance(y, (list, tuple)) else [y]


def tf_float_ops(layer: Any, shape: tuple) -> int:
    """TensorFlow's profiler count of float ops for one sample through ``layer`` (bias adds included)."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    fn = tf.function(lambda x: layer(x))
    graph = convert_variables_to_constants_v2(fn.get_concrete_function(tf.TensorSpec((1, *shape), tf.float32))).graph
    opts = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    opts["output"] = "none"
    return int(tf.compat.v1.profiler.profile(graph=graph, options=opts).total_float_ops)


def assert_flops(type_name: str, layer: Any, shape: tuple, inf: Any) -> None:
    """The spec counts 2 x multiply-adds; TensorFlow adds the bias and activation: at most a few ops per output value."""
    counted = tf_float_ops(layer, shape)
    outputs = 1
    for d in next(iter(inf.outputs.values())):
        outputs *= d or 1
    assert inf.flops <= counted <= inf.flops + 4 * outputs, (
        f"{type_name}: infer counts {inf.flops} FLOPs, TensorFlow {counted} (bias/activation slack {4 * outputs})"
    )
