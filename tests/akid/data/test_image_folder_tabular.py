"""image_folder (PNG/JPEG via Pillow), npz and csv sources."""

import numpy as np
import pytest
from PIL import Image

from akid.data import Sensor, get_source
from akid.errors import DataError


def make_folder(root, per_class=4, classes=("cat", "dog", "eel")):
    rng = np.random.default_rng(0)
    for c in classes:
        (root / c).mkdir(parents=True)
        for i in range(per_class):
            arr = rng.integers(0, 256, (10, 12, 3), dtype=np.uint8)
            Image.fromarray(arr).save(root / c / f"{i}.{'png' if i % 2 else 'jpg'}")
    (root / "cat" / "notes.txt").write_text("ignored")
    return root


def test_image_folder_round_trip(tmp_path):
    root = make_folder(tmp_path / "pics")
    src = get_source("image_folder", path=str(root), size=[8, 6], test_fraction=0.25, val_fraction=0.0)
    spec = src.spec()
    assert spec["classes"] == ["cat", "dog", "eel"]
    assert spec["features"]["image"] == {"shape": [8, 6, 3], "dtype": "float32"}
    assert spec["targets"]["label"]["num_classes"] == 3
    assert spec["sizes"] == {"train": 9, "val": 0, "test": 3}
    train = src.load("train")
    assert train["image"].shape == (9, 8, 6, 3) and train["image"].max() <= 1.0
    grey = get_source("image_folder", path=str(root), size=[8, 6], color="grayscale")
    assert grey.load("train")["image"].shape[-1] == 1
    x, _y = Sensor(src, batch_size=4).probe_batch(2)
    assert x["image"].shape == (2, 8, 6, 3)


def test_image_folder_errors_name_the_file(tmp_path):
    root = make_folder(tmp_path / "pics")
    (root / "dog" / "fake.png").write_bytes(b"this is not a png")
    with pytest.raises(DataError) as info:
        get_source("image_folder", path=str(root)).load("train")
    assert "fake.png" in str(info.value) and "not an image" in str(info.value)
    (root / "dog" / "fake.png").unlink()
    good = (root / "dog" / "1.png").read_bytes()
    (root / "dog" / "1.png").write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match=r"1\.png.*(corrupt|truncated)"):
        get_source("image_folder", path=str(root)).load("train")
    with pytest.raises(DataError, match="nowhere"):
        get_source("image_folder", path=str(tmp_path / "nowhere")).load("train")
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(DataError, match="no PNG or JPEG"):
        get_source("image_folder", path=str(tmp_path / "empty")).load("train")


def test_npz_round_trip_and_errors(tmp_path):
    x = np.random.default_rng(0).random((20, 5)).astype(np.float64)
    y = np.arange(20) % 4
    path = tmp_path / "d.npz"
    np.savez(path, inputs=x, classes=y, value=x[:, 0])
    src = get_source(
        "npz",
        path=str(path),
        features={"vec": "inputs"},
        targets={"label": "classes", "v": "value"},
        test_fraction=0.0,
        val_fraction=0.0,
    )
    assert src.features == {"vec": {"shape": [5], "dtype": "float32"}}
    assert src.targets["label"] == {"shape": [], "dtype": "int32", "num_classes": 4}
    assert src.targets["v"]["num_classes"] is None
    np.testing.assert_allclose(src.load("train")["vec"], x.astype(np.float32))
    with pytest.raises(DataError) as info:
        get_source("npz", path=str(path)).load("train")
    assert "['classes', 'inputs', 'value']" in str(info.value) and str(path) in str(info.value)
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}, None], dtype=object), y=np.arange(2))
    with pytest.raises(DataError, match="obj.npz"):
        get_source("npz", path=str(tmp_path / "obj.npz")).load("train")
    (tmp_path / "bad.npz").write_bytes(path.read_bytes()[:100])
    with pytest.raises(DataError, match="bad.npz"):
        get_source("npz", path=str(tmp_path / "bad.npz")).load("train")
    np.savez(tmp_path / "len.npz", x=np.zeros((3, 2)), y=np.zeros(4))
    with pytest.raises(DataError, match="disagree"):
        get_source("npz", path=str(tmp_path / "len.npz")).load("train")


def test_csv_round_trip_and_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,label\n" + "".join(f"{i},{i * 0.5},{-i},{i % 3}\n" for i in range(12)))
    src = get_source("csv", path=str(path), val_fraction=0.0, test_fraction=0.0)
    assert src.features == {"x": {"shape": [3], "dtype": "float32"}}
    assert src.targets["label"]["num_classes"] == 3
    np.testing.assert_allclose(src.load("train")["x"][:, 1], np.arange(12) * 0.5)
    two = get_source("csv", path=str(path), features={"ab": ["a", "b"], "c": ["c"]}, targets={"y": "label"}, regression=["y"])
    assert two.features["ab"]["shape"] == [2] and two.targets["y"]["num_classes"] is None
    path.write_text("a,label\n1,0\n2,oops\n")
    with pytest.raises(DataError, match=r"line 3, column 'label' is not a number. Received: 'oops'"):
        get_source("csv", path=str(path)).load("train")
    path.write_text("a,label\n1,0\n2\n")
    with pytest.raises(DataError, match="line 3 has 1 fields"):
        get_source("csv", path=str(path)).load("train")
    path.write_text("a,label\n1,0\n2,1\n")
    with pytest.raises(DataError, match="no column named"):
        get_source("csv", path=str(tmp_path / "t.csv"), targets={"y": "zzz"}).load("train")
    with pytest.raises(DataError, match=str(tmp_path / "missing.csv")):
        get_source("csv", path=str(tmp_path / "missing.csv")).load("train")
