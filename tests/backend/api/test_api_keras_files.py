"""Keras model files over REST: upload (.keras with weights / model JSON), refusals listed at once, init_weights of a run."""

from __future__ import annotations

import io
import json

import pytest
from backend_testutil import check


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory):
    """A small functional Keras model saved as .keras (weights included)."""
    import keras

    inp = keras.Input((8,), name="x")
    h = keras.layers.Dense(6, activation="relu", name="hidden")(inp)
    out = keras.layers.Dense(3, name="logits")(h)
    model = keras.Model(inp, out, name="small")
    path = tmp_path_factory.mktemp("keras") / "small.keras"
    model.save(path)
    return path.read_bytes(), model.get_layer("hidden").get_weights()


def _upload(client, data: bytes, name: str):
    return client.post(
        "/api/graphs/import-keras-file", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_import_keras_file_keeps_weights_and_starts_a_run_from_them(app, client, keras_file):
    data, hidden = keras_file
    body = check(_upload(client, data, "small.keras"), "post")
    types = {n["id"]: n["type"] for n in body["graph"]["nodes"]}
    assert types["hidden"] == "Dense" and types["logits"] == "Dense"
    assert body["summary"]["has_weights"] is True and body["summary"]["params"] == 8 * 6 + 6 + 6 * 3 + 3
    wid = body["weights_id"]
    stored = app.extensions["akid"].data_dir / "weights" / f"{wid}.weights.h5"
    from akid.graph.weights import read_weights

    assert (read_weights(stored)["hidden"][0] == hidden[0]).all()

    r = client.post("/api/runs", json={"graph": body["graph"], "init_weights": wid})
    assert r.status_code == 201, r.get_json()
    logdir = app.extensions["akid"].manager.logdir(r.get_json()["id"])
    spec = json.loads((logdir / "init_weights.json").read_text())
    assert spec["weights"] == "init.weights.h5" and (logdir / "init.weights.h5").read_bytes() == stored.read_bytes()


def test_bad_init_weights_are_refused_before_the_run_exists(client, mlp):
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": "0" * 32})
    assert r.status_code == 404 and check(r, "post", "/api/runs")["errors"][0]["path"] == "$.init_weights"
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": "../../etc/passwd"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "bad_weights_id"
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": {"run_id": "nope"}})
    assert r.status_code == 404
    assert client.get("/api/runs").get_json()["runs"] == []


def test_unsupported_model_lists_every_problem_at_once(client):
    import keras

    inp = keras.Input((4,))
    h = keras.layers.Dense(4, kernel_regularizer="l2", name="reg1")(inp)
    out = keras.layers.Dense(2, bias_regularizer="l1", name="reg2")(h)
    text = keras.Model(inp, out).to_json()
    r = _upload(client, text.encode(), "model.json")
    assert r.status_code == 422
    errors = check(r, "post", "/api/graphs/import-keras-file")["errors"]
    assert {e["node_id"] for e in errors} >= {"reg1", "reg2"}


def test_model_json_has_no_weights(client):
    import keras

    inp = keras.Input((4,))
    text = keras.Model(inp, keras.layers.Dense(2, name="d")(inp)).to_json()
    body = check(_upload(client, text.encode(), "m.json"), "post")
    assert body["weights_id"] is None and body["summary"]["has_weights"] is False


def test_upload_refusals(make_app, keras_file):
    from akid.settings import get_settings

    app = make_app()
    client = app.test_client()
    r = _upload(client, b"x", "model.h5")
    assert r.status_code == 400 and check(r, "post", "/api/graphs/import-keras-file")["errors"][0]["code"] == "bad_file_type"
    r = client.post("/api/graphs/import-keras-file", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "missing_file"
    r = _upload(client, b"not a zip, not json", "model.keras")
    assert r.status_code == 422 and check(r, "post", "/api/graphs/import-keras-file")["errors"]

    small = get_settings().replace(max_keras_file_bytes=100)
    from backend.app import create_app, shutdown

    tiny = create_app(
        {"DATA_DIR": app.extensions["akid"].settings.data_dir + "-tiny", "START_RUN_MANAGER": False}, settings=small
    )
    try:
        r = _upload(tiny.test_client(), keras_file[0], "small.keras")
        assert r.status_code == 413
        assert check(r, "post", "/api/graphs/import-keras-file")["errors"][0]["param"] == "max_keras_file_bytes"
    finally:
        shutdown(tiny)


def test_export_of_a_run_without_checkpoint_is_409(client, mlp):
    rid = client.post("/api/runs", json={"graph": mlp}).get_json()["id"]
    r = client.get(f"/api/runs/{rid}/export?to=keras-file")
    assert r.status_code == 409 and check(r, "get")["errors"][0]["code"] == "no_checkpoint"
    assert client.get(f"/api/runs/{rid}/export?to=onnx").status_code == 400


def test_init_weights_from_a_finished_run(app, client, mlp):
    from backend_testutil import wait_for

    src = client.post("/api/runs", json={"graph": mlp}).get_json()["id"]
    wait_for(lambda: client.get(f"/api/runs/{src}").get_json()["status"] == "completed", what="the source run to finish")
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": {"run_id": src}})
    assert r.status_code == 409 and r.get_json()["errors"][0]["code"] == "no_checkpoint"  # finished, but no checkpoint
    src_dir = app.extensions["akid"].manager.logdir(src)
    (src_dir / "checkpoints").mkdir(parents=True, exist_ok=True)
    (src_dir / "checkpoints" / "ckpt-7.index").write_bytes(b"")
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": {"run_id": src}})
    assert r.status_code == 201
    spec = json.loads((app.extensions["akid"].manager.logdir(r.get_json()["id"]) / "init_weights.json").read_text())
    assert spec["run_logdir"] == str(src_dir) and spec["graph"] == mlp
    r = client.post("/api/runs", json={"graph": mlp, "init_weights": {"run_id": src, "x": 1}})
    assert r.status_code == 400 and r.get_json()["errors"][0]["path"] == "$.init_weights"


def test_an_import_that_takes_too_long_is_killed(make_app, keras_file):
    from akid.settings import get_settings
    from backend.app import create_app, shutdown

    base = make_app().extensions["akid"].settings.data_dir
    slow = create_app(
        {"DATA_DIR": base + "-slow", "START_RUN_MANAGER": False}, settings=get_settings().replace(keras_import_deadline_s=0.05)
    )
    try:
        r = _upload(slow.test_client(), keras_file[0], "small.keras")
        assert r.status_code == 503
        assert check(r, "post", "/api/graphs/import-keras-file")["errors"][0]["code"] == "import_timeout"
    finally:
        shutdown(slow)
