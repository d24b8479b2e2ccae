"""akid.settings: one object, every AKID_* variable typed, limits overridable by name."""

from __future__ import annotations

import dataclasses

import pytest

from akid.settings import Limits, Settings


def test_defaults_are_the_documented_ones():
    s = Settings.from_env({})
    assert (s.host, s.port, s.data_dir, s.token, s.max_concurrent_runs) == ("127.0.0.1", 5000, "var", None, 1)
    assert s.limits.max_model_params == 50_000_000 and s.limits.max_json_depth == 64


def test_every_field_reads_its_variable_with_its_type():
    env = {
        "AKID_PORT": "7000",
        "AKID_TOKEN": "t" * 20,
        "AKID_CORS_ORIGINS": "http://a, http://b,",
        "AKID_ALLOW_NO_TOKEN": "1",
        "AKID_MAX_JSON_DEPTH": "9",
        "AKID_VALIDATE_DEADLINE_S": "1.5",
        "AKID_RUNS_DIR": "",
    }
    s = Settings.from_env(env)
    assert s.port == 7000 and s.token == "t" * 20 and s.cors_origins == ("http://a", "http://b") and s.allow_no_token
    assert s.limits.max_json_depth == 9 and s.limits.validate_deadline_s == 1.5
    assert s.runs_dir is None  # empty optional variable = unset


def test_a_bad_number_names_the_variable():
    with pytest.raises(ValueError, match="AKID_MAX_GRAPH_NODES"):
        Settings.from_env({"AKID_MAX_GRAPH_NODES": "many"})


def test_overrides_and_replace_take_limits_by_name():
    s = Settings.from_env({}, port=1, max_model_params=10, token=None)
    assert s.port == 1 and s.limits.max_model_params == 10
    t = s.replace(max_queued_runs=3, host="0.0.0.0")
    assert t.limits.max_queued_runs == 3 and t.host == "0.0.0.0" and t.limits.max_model_params == 10
    with pytest.raises(TypeError):
        Settings.from_env({}, no_such_setting=1)


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Limits().max_json_depth = 1  # type: ignore[misc]


def test_only_the_settings_module_reads_os_environ():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    hits = [
        f"{p.relative_to(root)}:{i}"
        for base in ("akid", "backend")
        for p in (root / base).rglob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"os\.environ\b", line)
    ]
    allowed = {"akid/settings.py", "akid/deploy/worker.py"}  # worker.py: exports TF_CONFIG for TensorFlow
    assert {h.split(":")[0] for h in hits} <= allowed, hits
