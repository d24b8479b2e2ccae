"""Sensor: binding to graph nodes, reshape, determinism, resume, shards."""

import numpy as np
import pytest
import tensorflow as tf

from akid.data import Sensor, get_source
from akid.errors import DataError


def bindings(shape=(64,), feature="image", target="label", loss="sparse_categorical_crossentropy", out_shape=(10,)):
    return {
        "inputs": {"x": {"feature": feature, "shape": list(shape), "dtype": "float32"}},
        "outputs": {"y": {"target": target, "shape": list(out_shape), "loss": loss}},
    }


@pytest.fixture(scope="module")
def digits():
    return get_source("digits")


def batches(ds):
    return [({k: v.numpy() for k, v in x.items()}, {k: v.numpy() for k, v in y.items()}) for x, y in ds]


def test_reshapes_8x8x1_to_64(digits):
    s = Sensor(digits, bindings((64,)), batch_size=16)
    x, y = next(iter(s.dataset("train")))
    assert x["x"].shape == (16, 64) and x["x"].dtype == tf.float32
    assert y["y"].shape == (16,) and y["y"].dtype == tf.int32
    assert s.steps_per_epoch("train") == -(-digits.sizes()["train"] // 16)
    assert len(batches(s.dataset("val"))) == s.steps_per_epoch("val")


def test_size_mismatch_names_node_and_shapes(digits):
    with pytest.raises(DataError) as info:
        Sensor(digits, bindings((65,)))
    issue = info.value.issues[0]
    assert issue.node_id == "x" and issue.code == "shape_mismatch"
    assert "[65]" in issue.message and "[8, 8, 1]" in issue.message and issue.message.rstrip().split("Received:")[-1]


def test_unknown_feature_and_target_list_available(digits):
    with pytest.raises(DataError) as info:
        Sensor(digits, bindings(feature="pixels", target="digit"))
    msgs = {i.node_id: i.message for i in info.value.issues}
    assert "'image'" in msgs["x"] and "pixels" in msgs["x"]
    assert "'label'" in msgs["y"] and "digit" in msgs["y"]


def test_deterministic_and_epochs_differ(digits):
    a = batches(Sensor(digits, bindings(), batch_size=64, seed=3, jokers=[{"type": "GaussianNoise"}]).dataset("train", epoch=1))
    b = batches(Sensor(digits, bindings(), batch_size=64, seed=3, jokers=[{"type": "GaussianNoise"}]).dataset("train", epoch=1))
    c = batches(Sensor(digits, bindings(), batch_size=64, seed=3).dataset("train", epoch=2))
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa["x"], xb["x"])
        np.testing.assert_array_equal(ya["y"], yb["y"])
    assert not np.array_equal(a[0][1]["y"], c[0][1]["y"])
    labels = np.sort(np.concatenate([y["y"] for _, y in c]))
    np.testing.assert_array_equal(labels, np.sort(digits.load("train")["label"]))


def test_skip_batches_resumes_exactly(digits):
    jokers = [{"type": "RandomCrop", "params": {"padding": 1}}, {"type": "GaussianNoise"}]
    s = Sensor(digits, bindings((8, 8, 1)), batch_size=100, seed=1, jokers=jokers)
    full = batches(s.dataset("train", epoch=2))
    resumed = batches(
        Sensor(digits, bindings((8, 8, 1)), batch_size=100, seed=1, jokers=jokers).dataset("train", epoch=2, skip_batches=3)
    )
    assert len(resumed) == len(full) - 3
    for (xa, _), (xb, _) in zip(full[3:], resumed):
        np.testing.assert_array_equal(xa["x"], xb["x"])


def test_random_jokers_train_only_normalize_everywhere(digits):
    s = Sensor(
        digits,
        bindings((8, 8, 1)),
        batch_size=500,
        shuffle=False,
        jokers=[{"type": "GaussianNoise", "params": {"stddev": 1.0}}, {"type": "Normalize", "params": {"mean": 0.5, "std": 2.0}}],
    )
    ((xv, _),) = batches(s.dataset("val"))
    np.testing.assert_allclose(xv["x"], (digits.load("val")["image"] - 0.5) / 2.0, rtol=1e-6)
    xt, _ = batches(s.dataset("train"))[0]
    assert not np.allclose(xt["x"], (digits.load("train")["image"][:500] - 0.5) / 2.0)
    px, _py = s.probe_batch(5)
    np.testing.assert_allclose(px["x"], xv["x"][:5])
    px2, _ = s.probe_batch(5)
    np.testing.assert_array_equal(px["x"], px2["x"])


def test_shards_are_disjoint_and_cover(digits):
    seen = []
    for i in range(2):
        s = Sensor(digits, bindings(), batch_size=50, seed=0, num_shards=2, shard_index=i)
        ds = s.dataset("train")
        assert ds.options().experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.OFF
        got = batches(ds)
        assert len(got) == s.steps_per_epoch("train")
        seen.append(np.concatenate([x["x"] for x, _ in got]))
    both = np.concatenate(seen)
    assert len(both) == digits.sizes()["train"]
    assert len(np.unique(both, axis=0)) == len(np.unique(digits.load("train")["image"].reshape(-1, 64), axis=0))


def test_categorical_loss_gets_one_hot_targets(digits):
    s = Sensor(digits, bindings(loss="categorical_crossentropy"), batch_size=8)
    _, y = next(iter(s.dataset("test")))
    assert y["y"].shape == (8, 10) and y["y"].dtype == tf.float32
    s = Sensor(
        digits,
        bindings(loss="categorical_crossentropy"),
        batch_size=8,
        jokers=[{"type": "OneHot", "params": {"num_classes": 10}}],
    )
    _, y2 = next(iter(s.dataset("test")))
    np.testing.assert_array_equal(y["y"].numpy(), y2["y"].numpy())


def test_mse_target_shape_mismatch(digits):
    with pytest.raises(DataError) as info:
        Sensor(digits, bindings(loss="mse", out_shape=(3,)))
    assert info.value.issues[0].node_id == "y"


def test_default_bindings_and_bad_args(digits):
    s = Sensor("digits", batch_size=4)
    x, y = next(iter(s.dataset("train")))
    assert x["image"].shape == (4, 8, 8, 1) and y["label"].shape == (4,)
    with pytest.raises(DataError):
        Sensor(digits, batch_size=0)
    with pytest.raises(DataError):
        s.dataset("holdout")
    with pytest.raises(DataError, match="unknown joker"):
        Sensor(digits, jokers=[{"type": "Dense"}])
    with pytest.raises(DataError, match="available"):
        Sensor(digits, jokers=[{"type": "GaussianNoise", "params": {"feature": "nope"}}])


def test_two_inputs_two_outputs(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "d.npz", x=rng.random((40, 4)), z=rng.random((40, 2)), y=np.arange(40) % 3, v=rng.random(40))
    src = get_source("npz", path=str(tmp_path / "d.npz"), features={"a": "x", "b": "z"}, targets={"cls": "y", "val": "v"})
    b = {
        "inputs": {
            "in_a": {"feature": "a", "shape": [2, 2], "dtype": "float32"},
            "in_b": {"feature": "b", "shape": [2], "dtype": "float32"},
        },
        "outputs": {
            "o1": {"target": "cls", "shape": [3], "loss": "sparse_categorical_crossentropy"},
            "o2": {"target": "val", "shape": [1], "loss": "mse"},
        },
    }
    x, y = next(iter(Sensor(src, b, batch_size=5).dataset("train")))
    assert x["in_a"].shape == (5, 2, 2) and x["in_b"].shape == (5, 2)
    assert y["o1"].dtype == tf.int32 and y["o2"].shape == (5, 1) and y["o2"].dtype == tf.float32


def test_one_stream_equals_the_epochs_it_spans(digits):
    """The Kid reads one pipeline per fit; it must hold exactly the per-epoch batches, resumed mid-epoch too."""
    jokers = [{"type": "GaussianNoise"}]
    make = lambda: Sensor(digits, bindings(), batch_size=64, seed=5, jokers=jokers, drop_remainder=True)
    streamed = batches(make().stream(epoch=1, skip_batches=2, until_epoch=3))
    per_epoch = batches(make().dataset("train", epoch=1, skip_batches=2)) + batches(make().dataset("train", epoch=2))
    assert len(streamed) == len(per_epoch) == 2 * make().steps_per_epoch("train") - 2
    for (xa, ya), (xb, yb) in zip(streamed, per_epoch):
        np.testing.assert_array_equal(xa["x"], xb["x"])
        np.testing.assert_array_equal(ya["y"], yb["y"])
    # every batch is full, so the batch size is static (one trace of the step)
    assert make().stream(epoch=0, skip_batches=0, until_epoch=1).element_spec[0]["x"].shape == (64, 64)


def test_capped_epochs_read_the_first_batches_of_each_epoch(digits):
    s = Sensor(digits, bindings(), batch_size=64, seed=5, drop_remainder=True)
    capped = batches(s.stream(epoch=0, skip_batches=1, until_epoch=2, batches_per_epoch=3))
    full = [batches(s.dataset("train", epoch=e)) for e in (0, 1)]
    expected = full[0][1:3] + full[1][:3]
    assert len(capped) == len(expected) == 5
    for (_, ya), (_, yb) in zip(capped, expected):
        np.testing.assert_array_equal(ya["y"], yb["y"])


def test_partial_last_batch_and_unshuffled_order(digits):
    s = Sensor(digits, bindings(), batch_size=100, shuffle=False)
    got = batches(s.dataset("train"))
    n = digits.sizes()["train"]
    assert [len(y["y"]) for _, y in got] == [100] * (n // 100) + [n % 100]
    np.testing.assert_array_equal(np.concatenate([y["y"] for _, y in got]), digits.load("train")["label"])
