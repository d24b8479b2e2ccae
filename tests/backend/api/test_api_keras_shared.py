"""A Keras model with a shared layer comes in over REST: one node per call, ``shares``, weights once."""

from __future__ import annotations

import io

from backend_testutil import check


def test_import_keras_file_with_a_shared_encoder(app, client, tmp_path):
    import keras

    a, b = keras.Input((5,), name="a"), keras.Input((5,), name="b")
    enc = keras.layers.Dense(3, name="enc")
    out = keras.layers.Dense(1, name="score")(keras.layers.Concatenate(name="cat")([enc(a), enc(b)]))
    model = keras.Model({"a": a, "b": b}, out, name="siamese")
    model.save(tmp_path / "s.keras")
    body = check(
        client.post(
            "/api/graphs/import-keras-file",
            data={"file": (io.BytesIO((tmp_path / "s.keras").read_bytes()), "s.keras")},
            content_type="multipart/form-data",
        ),
        "post",
    )
    nodes = {n["id"]: n for n in body["graph"]["nodes"]}
    assert nodes["enc_call2"]["shares"] == "enc" and "shares" not in nodes["enc"]
    assert body["summary"]["params"] == model.count_params() == 5 * 3 + 3 + 6 + 1
    from akid.graph.weights import read_weights

    stored = app.extensions["akid"].data_dir / "weights" / f"{body['weights_id']}.weights.h5"
    assert sorted(read_weights(stored)) == ["enc", "score"]
    report = check(client.post("/api/graphs/validate", json=body["graph"]), "post")
    assert report["ok"] and report["nodes"]["enc_call2"]["shares"] == "enc"
