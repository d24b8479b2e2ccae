"""Source registry and the bundled digits source."""

import numpy as np
import pytest

from akid.data import get_source, list_sources, source_names
from akid.errors import DataError
from akid.settings import reload_settings


def test_builtins_are_registered():
    assert {"digits"} <= set(source_names())


def test_list_sources_specs_are_json():
    import json

    specs = {s["name"]: s for s in list_sources()}
    json.dumps(list(specs.values()))
    d = specs["digits"]
    assert d["available"] is True
    assert d["features"] == {"image": {"shape": [8, 8, 1], "dtype": "float32"}}
    assert d["targets"]["label"]["num_classes"] == 10
    assert sum(d["sizes"].values()) == 1797
    assert "properties" in d["params_schema"]


def test_digits_splits_are_deterministic_and_disjoint():
    a, b = get_source("digits", seed=1), get_source("digits", seed=1)
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(a.load(split)["image"], b.load(split)["image"])
    tr, va, te = (a.load(s)["image"].reshape(-1, 64) for s in ("train", "val", "test"))
    assert len(tr) + len(va) + len(te) == 1797
    assert tr.dtype == np.float32 and tr.min() >= 0.0 and tr.max() <= 1.0
    assert not np.array_equal(get_source("digits", seed=2).load("val")["label"], a.load("val")["label"])


def test_unknown_source_and_bad_params():
    with pytest.raises(DataError, match="digits"):
        get_source("imagenet")
    with pytest.raises(DataError) as info:
        get_source("digits", val_fraction=2.0, bogus=1)
    assert {i.param for i in info.value.issues} == {"val_fraction", "bogus"}
    with pytest.raises(DataError, match="split"):
        get_source("digits").load("holdout")


def test_split_sizes_match_split_arrays():
    from akid.data.base import HoldoutParams, split_arrays, split_sizes

    for n in (0, 1, 7, 100, 1797):
        for vf, tf_ in ((0.0, 0.0), (0.1, 0.2), (0.33, 0.5)):
            p = HoldoutParams(val_fraction=vf, test_fraction=tf_)
            got = split_arrays({"a": np.arange(n)}, None, p)
            assert split_sizes(n, None, p) == {k: len(v["a"]) for k, v in got.items()}
            got = split_arrays({"a": np.arange(n)}, {"a": np.arange(3)}, p)
            assert split_sizes(n, 3, p) == {k: len(v["a"]) for k, v in got.items()}


def test_listing_reports_missing_files_and_found_data(tmp_path, monkeypatch):
    from tests.akid.data.datafiles import write_mnist

    monkeypatch.setenv("AKID_DATA_PATH", str(tmp_path))
    reload_settings()
    specs = {s["name"]: s for s in list_sources()}
    assert (
        specs["mnist"]["available"] is False and str(tmp_path / "mnist" / "train-images-idx3-ubyte") in specs["mnist"]["reason"]
    )
    assert specs["npz"]["needs_params"] is True and specs["npz"]["available"] is False
    write_mnist(tmp_path / "elsewhere" / "mnist")
    monkeypatch.setenv("AKID_DATA_PATH", str(tmp_path / "elsewhere"))
    reload_settings()
    specs = {s["name"]: s for s in list_sources()}
    assert specs["mnist"]["available"] is True and specs["mnist"]["sizes"]["test"] == 10
