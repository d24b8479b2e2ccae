"""One JSON encoder for HTTP and Socket.IO: no bare NaN/Infinity, numpy values as numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backend import jsonenc
from backend.live import SafeJson


def test_non_finite_floats_become_null():
    text = jsonenc.dumps({"x": float("nan"), "y": [float("inf"), -float("inf"), 1.5]})
    assert json.loads(text) == {"x": None, "y": [None, None, 1.5]}
    assert "NaN" not in text and "Infinity" not in text


def test_numpy_values_are_numbers():
    assert json.loads(jsonenc.dumps({"a": np.float32(np.nan), "b": np.arange(3), "c": np.int64(4)})) == {
        "a": None,
        "b": [0, 1, 2],
        "c": 4,
    }


def test_deep_json_is_a_value_error_not_a_recursion_error():
    with pytest.raises(ValueError):
        jsonenc.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):
        SafeJson.loads("[" * 100_000 + "]" * 100_000)


def test_http_responses_use_it(client):
    from flask import jsonify

    with client.application.test_request_context():
        resp = jsonify({"outputs": [float("nan"), 2.0]})
    assert json.loads(resp.get_data()) == {"outputs": [None, 2.0]}


def test_static_route_gives_the_same_answer_for_missing_and_outside_files(make_app, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>index</title>")
    (dist / "app.js").write_text("js")
    (tmp_path / "secret.txt").write_text("secret")
    client = make_app(FRONTEND_DIST=str(dist), START_RUN_MANAGER=False).test_client()
    assert client.get("/app.js").get_data() == b"js"
    answers = {
        (r.status_code, r.get_data())
        for r in (client.get(p) for p in ("/../secret.txt", "/%2e%2e/secret.txt", "/missing.js", "/a%00b"))
    }
    assert len(answers) == 1 and answers.pop()[0] == 200
