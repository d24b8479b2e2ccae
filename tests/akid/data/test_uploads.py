"""Uploaded data sets: stored safely, validated, nothing left behind on failure."""

import io
import stat
import zipfile

import numpy as np
import pytest
from PIL import Image

from akid.data import get_source
from akid.data.uploads import import_upload
from akid.errors import DataError

MB = 1 << 20


def png_bytes(seed=0):
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (6, 6, 3), dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            if isinstance(data, zipfile.ZipInfo):
                zf.writestr(data, b"/etc/passwd")
            else:
                zf.writestr(name, data)
    return path


def test_zip_image_folder_round_trip(tmp_path):
    z = make_zip(
        tmp_path / "pets.zip",
        [(f"pets/{c}/{i}.png", png_bytes(i)) for c in ("cat", "dog") for i in range(3)]
        + [("__MACOSX/pets/._x", b"junk"), ("pets/.DS_Store", b"junk")],
    )
    spec = import_upload(z, "zip", tmp_path / "store", 10 * MB, params={"size": [6, 6]})
    assert spec["source"] == "image_folder" and spec["dataset"] == "pets"
    assert spec["classes"] == ["cat", "dog"] and sum(spec["sizes"].values()) == 6
    again = get_source(spec["source"], **spec["params"])
    assert again.load("train")["image"].shape[1:] == (6, 6, 3)
    with pytest.raises(DataError, match="already exists"):
        import_upload(z, "zip", tmp_path / "store", 10 * MB)
    assert import_upload(z, "zip", tmp_path / "store", 10 * MB, overwrite=True)["dataset"] == "pets"


@pytest.mark.parametrize("entry", ["../evil.png", "a/../../evil.png", "/abs/evil.png", "C:/evil.png", "a\\..\\evil.png"])
def test_zip_slip_and_absolute_paths_refused(tmp_path, entry):
    z = make_zip(tmp_path / "bad.zip", [("ok/cat/1.png", png_bytes()), (entry, png_bytes())])
    with pytest.raises(DataError) as info:
        import_upload(z, "zip", tmp_path / "store", 10 * MB)
    assert info.value.issues[0].code == "unsafe_path" and "Received" in str(info.value)
    assert list((tmp_path / "store").iterdir()) == []
    assert not (tmp_path / "evil.png").exists()


def test_symlink_entry_refused(tmp_path):
    link = zipfile.ZipInfo("pics/cat/link.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    z = make_zip(tmp_path / "l.zip", [("pics/cat/1.png", png_bytes()), ("x", link)])
    with pytest.raises(DataError, match="symbolic link"):
        import_upload(z, "zip", tmp_path / "store", 10 * MB)


def test_size_limits(tmp_path):
    big = make_zip(tmp_path / "big.zip", [("a/b/zeros.png", b"\0" * (2 * MB))])
    assert big.stat().st_size < MB  # compresses well: only the uncompressed total catches it
    with pytest.raises(DataError, match="uncompressed"):
        import_upload(big, "zip", tmp_path / "store", MB)
    with pytest.raises(DataError, match="too large"):
        import_upload(big, "zip", tmp_path / "store", 100)
    with pytest.raises(DataError, match="kind"):
        import_upload(big, "tar", tmp_path / "store", MB)
    with pytest.raises(DataError, match="not found"):
        import_upload(tmp_path / "nope.zip", "zip", tmp_path / "store", MB)


def test_npz_and_csv_uploads(tmp_path):
    np.savez(tmp_path / "my data.npz", x=np.zeros((10, 4)), y=np.arange(10) % 2)
    spec = import_upload(tmp_path / "my data.npz", "npz", tmp_path / "store", MB)
    assert spec["dataset"] == "my_data" and spec["targets"]["label"]["num_classes"] == 2
    assert get_source("npz", **spec["params"]).sizes() == spec["sizes"]
    np.savez(tmp_path / "keys.npz", a=np.zeros((10, 4)), b=np.arange(10))
    with pytest.raises(DataError, match=r"\['a', 'b'\]"):
        import_upload(tmp_path / "keys.npz", "npz", tmp_path / "store", MB)
    assert not (tmp_path / "store" / "keys").exists()
    spec = import_upload(
        tmp_path / "keys.npz", "npz", tmp_path / "store", MB, params={"features": {"v": "a"}, "targets": {"label": "b"}}
    )
    assert spec["features"]["v"]["shape"] == [4]
    (tmp_path / "t.csv").write_text("f1,f2,label\n1,2,0\n3,4,1\n5,6,1\n")
    spec = import_upload(tmp_path / "t.csv", "csv", tmp_path / "store", MB, name="../../table")
    assert spec["dataset"] == "table" and (tmp_path / "store" / "table" / "data.csv").is_file()
    (tmp_path / "bad.csv").write_text("f1,label\n1,x\n")
    with pytest.raises(DataError, match="not a number"):
        import_upload(tmp_path / "bad.csv", "csv", tmp_path / "store", MB)
    (tmp_path / "fake.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a zip"):
        import_upload(tmp_path / "fake.npz", "npz", tmp_path / "store", MB)
