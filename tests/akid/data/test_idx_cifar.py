"""MNIST-style IDX files and CIFAR pickle batches, written in the real formats."""

import os
import pickle

import numpy as np
import pytest

from akid.data import get_source
from akid.errors import DataError
from akid.settings import reload_settings
from tests.akid.data.datafiles import idx_bytes, write_cifar10, write_mnist


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_round_trip(tmp_path, gz):
    arrays = write_mnist(tmp_path / "m", gz=gz)
    src = get_source("mnist", path=str(tmp_path / "m"), val_fraction=0.2)
    assert src.sizes() == {"train": 24, "val": 6, "test": 10}
    test = src.load("test")
    np.testing.assert_allclose(test["image"][..., 0], arrays[2] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(test["label"], arrays[3])
    train = np.concatenate([src.load("train")["label"], src.load("val")["label"]])
    assert sorted(train) == sorted(arrays[1])
    assert src.spec()["features"]["image"]["shape"] == [28, 28, 1]


def test_fashion_mnist_from_env(tmp_path, monkeypatch):
    write_mnist(tmp_path / "fashion_mnist", gz=True)
    monkeypatch.setenv("AKID_DATA_PATH", str(tmp_path))
    reload_settings()
    assert get_source("fashion_mnist").sizes()["test"] == 10


def test_missing_file_names_its_path(tmp_path, monkeypatch):
    write_mnist(tmp_path / "m")
    os.remove(tmp_path / "m" / "t10k-labels-idx1-ubyte")
    with pytest.raises(DataError) as info:
        get_source("mnist", path=str(tmp_path / "m")).load("train")
    assert str(tmp_path / "m" / "t10k-labels-idx1-ubyte") in str(info.value)
    monkeypatch.setenv("AKID_DATA_PATH", str(tmp_path / "nowhere"))
    reload_settings()
    with pytest.raises(DataError, match="nowhere/mnist/train-images-idx3-ubyte"):
        get_source("mnist").load("train")
    monkeypatch.delenv("AKID_DATA_PATH")
    reload_settings()
    with pytest.raises(DataError, match="AKID_DATA_PATH"):
        get_source("mnist").load("train")


@pytest.mark.parametrize(
    "damage,words",
    [
        (lambda b: b[:-100], "truncated"),
        (lambda b: b"\x00\x00\x07\x03" + b[4:], "bad magic"),
        (lambda b: b + b"\x00\x00", "wrong size"),
        (lambda b: b[:10], "truncated"),
    ],
)
def test_corrupt_idx_names_the_file(tmp_path, damage, words):
    write_mnist(tmp_path)
    target = tmp_path / "train-images-idx3-ubyte"
    target.write_bytes(damage(target.read_bytes()))
    with pytest.raises(DataError) as info:
        get_source("mnist", path=str(tmp_path)).load("train")
    assert str(target) in str(info.value) and words in str(info.value)
    assert info.value.issues[0].path == str(target)


def test_corrupt_gzip_and_label_count(tmp_path):
    write_mnist(tmp_path, gz=True)
    target = tmp_path / "train-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-40])
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz"):
        get_source("mnist", path=str(tmp_path)).load("train")
    write_mnist(tmp_path / "b")
    (tmp_path / "b" / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(29)))
    with pytest.raises(DataError, match="29 labels"):
        get_source("mnist", path=str(tmp_path / "b")).load("train")


def test_cifar10_round_trip(tmp_path):
    batches = write_cifar10(tmp_path)
    src = get_source("cifar10", path=str(tmp_path), val_fraction=0.0)
    test = src.load("test")
    raw = batches["test_batch"][b"data"][1]
    assert test["image"].shape == (6, 32, 32, 3)
    # channel-first rows: red plane first, so pixel (0, 1) red is byte 1, green is byte 1024 + 1
    assert test["image"][1, 0, 1, 0] == pytest.approx(raw[1] / 255.0)
    assert test["image"][1, 0, 1, 1] == pytest.approx(raw[1025] / 255.0)
    np.testing.assert_array_equal(test["label"], batches["test_batch"][b"labels"])
    assert src.sizes()["train"] == 30


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_cifar100_fine_and_coarse(tmp_path, protocol):
    rng = np.random.default_rng(0)
    for name in ("train", "test"):
        d = {
            b"data": rng.integers(0, 256, (4, 3072)).astype(np.uint8),
            b"fine_labels": [99, 3, 5, 7],
            b"coarse_labels": np.array([19, 0, 1, 2]),
            b"filenames": [b"a.png", "b.png", None, 1.5],
        }
        with open(tmp_path / name, "wb") as f:
            pickle.dump(d, f, protocol=protocol)
    fine = get_source("cifar100", path=str(tmp_path), val_fraction=0.0)
    coarse = get_source("cifar100", path=str(tmp_path), val_fraction=0.0, label_mode="coarse")
    assert fine.targets["label"]["num_classes"] == 100 and coarse.targets["label"]["num_classes"] == 20
    assert list(fine.load("test")["label"]) == [99, 3, 5, 7] and list(coarse.load("test")["label"]) == [19, 0, 1, 2]


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_cifar_pickle_refuses_globals_and_garbage(tmp_path):
    write_cifar10(tmp_path)
    with open(tmp_path / "data_batch_3", "wb") as f:
        pickle.dump({b"data": Evil(), b"labels": []}, f)
    with pytest.raises(DataError) as info:
        get_source("cifar10", path=str(tmp_path)).load("train")
    assert "data_batch_3" in str(info.value) and "refused global" in str(info.value)
    (tmp_path / "data_batch_3").write_bytes((tmp_path / "data_batch_2").read_bytes()[:500])
    with pytest.raises(DataError, match="data_batch_3.*(corrupt|truncated)"):
        get_source("cifar10", path=str(tmp_path)).load("train")
    with open(tmp_path / "data_batch_3", "wb") as f:
        pickle.dump({b"data": np.array([1, "x"], dtype=object), b"labels": [1, 2]}, f)
    with pytest.raises(DataError, match="data_batch_3.*Python objects"):
        get_source("cifar10", path=str(tmp_path)).load("train")
    with open(tmp_path / "data_batch_3", "wb") as f:
        pickle.dump({b"data": np.zeros((2, 100), np.uint8), b"labels": [1, 2]}, f)
    with pytest.raises(DataError, match=r"data_batch_3.*3072"):
        get_source("cifar10", path=str(tmp_path)).load("train")
    write_cifar10(tmp_path)
    os.remove(tmp_path / "test_batch")
    with pytest.raises(DataError, match=str(tmp_path / "test_batch")):
        get_source("cifar10", path=str(tmp_path)).load("test")


def test_sizes_from_headers_match_the_split(tmp_path):
    write_mnist(tmp_path, n_train=33, n_test=7, gz=True)
    cheap = get_source("mnist", path=str(tmp_path), val_fraction=0.15).sizes()
    src = get_source("mnist", path=str(tmp_path), val_fraction=0.15)
    assert cheap == {s: len(src.load(s)["label"]) for s in ("train", "val", "test")}
