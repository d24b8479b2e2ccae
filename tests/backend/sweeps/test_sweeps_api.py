"""/api/sweeps with a fake trainer: trials are ordinary runs; pruning, cancel, validation before any trial, live updates."""

import copy
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # the worker processes import sweep_fake_trainer too

from backend_testutil import MLP, check, wait_for

NS = "/runs"


@pytest.fixture
def app(make_app):
    return make_app(TRAIN_TARGET="sweep_fake_trainer:train", MAX_CONCURRENT_RUNS=2, WARM_WORKERS=False)


@pytest.fixture
def client(app):
    return app.test_client()


def swept_graph():
    g = copy.deepcopy(MLP)
    g["nodes"][1]["params"]["units"] = {"$choice": [8, 16]}
    return g


def _wait_done(client, sid, timeout=60):
    return wait_for(
        lambda: (s := client.get(f"/api/sweeps/{sid}").get_json())["status"] != "running" and s, timeout, what="sweep end"
    )


def test_grid_sweep_trials_are_runs_of_concrete_variants(client):
    body = {
        "graph": swept_graph(),
        "config": {"epochs": 2, "quality": {"$choice": [0.3, 0.9]}},
        "strategy": "grid",
        "trials": 10,
        "objective": "val/accuracy",
        "prune": False,
    }
    resp = client.post("/api/sweeps", json=body)
    started = check(resp, "post", "/api/sweeps")
    assert resp.status_code == 201 and started["trials_wanted"] == 4
    sweep = _wait_done(client, started["id"])
    assert sweep["status"] == "completed"
    assert [t["state"] for t in sweep["trials"]] == ["completed"] * 4
    for t in sweep["trials"]:
        run = client.get(f"/api/runs/{t['run_id']}").get_json()
        assert run["status"] == "completed"
        assert run["graph"]["nodes"][1]["params"]["units"] == t["choices"]["d1.units"]  # the concrete variant it trained
        assert run["config"]["quality"] == t["choices"]["config.quality"]
    assert sweep["best"]["choices"]["config.quality"] == 0.9
    assert sweep["best"]["objective"] == pytest.approx(0.9)
    listed = check(client.get("/api/sweeps"), "get", "/api/sweeps")["sweeps"]
    assert listed[0]["id"] == started["id"] and listed[0]["trials_done"] == 4 and "graph" not in listed[0]
    check(client.get(f"/api/sweeps/{started['id']}"), "get", "/api/sweeps/{sweep_id}")


def test_poor_trials_are_pruned(client):
    body = {
        "graph": copy.deepcopy(MLP),
        "config": {"epochs": 4, "delay": 0.1, "quality": {"$choice": [0.9, 0.05]}},
        "strategy": "random",
        "trials": 6,
        "parallel": 1,
        "seed": 0,
    }
    sid = client.post("/api/sweeps", json=body).get_json()["id"]
    sweep = _wait_done(client, sid, timeout=90)
    pruned = [t for t in sweep["trials"] if t["state"] == "pruned"]
    assert pruned, [(t["choices"]["config.quality"], t["state"]) for t in sweep["trials"]]
    for t in pruned:
        assert len(t["intermediate"]) < 4
        assert client.get(f"/api/runs/{t['run_id']}").get_json()["status"] == "cancelled"


def test_invalid_variant_is_refused_before_any_trial(client, app):
    g = copy.deepcopy(MLP)
    g["nodes"].insert(1, {"id": "r", "type": "Reshape", "params": {"target_shape": {"$choice": [[64], [65]]}}})
    g["edges"] = [{"id": "e0", "source": "x", "target": "r"}, {"id": "e1", "source": "r", "target": "d1"}] + g["edges"][1:]
    before = len(client.get("/api/runs").get_json()["runs"])
    resp = client.post("/api/sweeps", json={"graph": g, "trials": 2})
    assert resp.status_code == 400
    issue = resp.get_json()["errors"][0]
    assert issue["code"] == "invalid_variant" and "r.target_shape=[65]" in issue["message"]
    assert len(client.get("/api/runs").get_json()["runs"]) == before
    space = check(client.post("/api/sweeps/space", json={"graph": g}), "post", "/api/sweeps/space")
    assert space["size"] == 2 and [b["assignment"] for b in space["invalid"]] == [{"r.target_shape": [65]}]


def test_oversized_space_is_refused_with_its_size(client):
    g = copy.deepcopy(MLP)
    g["nodes"][1]["params"]["units"] = {"$choice": list(range(1, 401))}
    g["nodes"][2]["params"]["activation"] = {"$choice": ["relu", "tanh", "sigmoid"]}
    resp = client.post("/api/sweeps", json={"graph": g, "config": {"batch_size": {"$choice": list(range(1, 101))}}, "trials": 2})
    assert resp.status_code == 400
    issue = resp.get_json()["errors"][0]
    assert issue["code"] == "space_too_large" and "120,000" in issue["message"]


def test_cancel_stops_the_sweep_and_its_trials(client):
    body = {"graph": swept_graph(), "config": {"epochs": 50, "delay": 0.1}, "strategy": "random", "trials": 5}
    sid = client.post("/api/sweeps", json=body).get_json()["id"]
    wait_for(lambda: client.get(f"/api/sweeps/{sid}").get_json()["trials"], what="a trial")
    resp = client.post(f"/api/sweeps/{sid}/cancel")
    assert resp.status_code == 200
    sweep = _wait_done(client, sid)
    assert sweep["status"] == "cancelled"
    assert all(t["state"] == "cancelled" for t in sweep["trials"])
    assert client.post(f"/api/sweeps/{sid}/cancel").status_code == 409


def test_unknown_sweep_and_bad_settings(client):
    assert client.get("/api/sweeps/nope").status_code == 404
    resp = client.post("/api/sweeps", json={"graph": swept_graph(), "strategy": "bayes"})
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["param"] == "strategy"


def test_live_updates_over_socketio(app, client):
    socketio = app.extensions["socketio"]
    sid = client.post(
        "/api/sweeps", json={"graph": swept_graph(), "config": {"epochs": 2}, "strategy": "grid", "prune": False}
    ).get_json()["id"]
    sio = socketio.test_client(app, namespace=NS, flask_test_client=client)
    ack = sio.emit("sweep.subscribe", {"sweep_id": sid}, namespace=NS, callback=True)
    assert ack["ok"] and ack["sweep"]["id"] == sid
    updates = []

    def ended():
        updates.extend(m["args"][0] for m in sio.get_received(NS) if m["name"] == "sweep.update")
        return any(u["status"] == "completed" for u in updates)

    wait_for(ended, 60, what="sweep.update completed")
    assert updates[-1]["trials_done"] == 2 and len(updates[-1]["trials"]) == 2
    assert sio.emit("sweep.subscribe", {"sweep_id": "nope"}, namespace=NS, callback=True)["ok"] is False


def test_budget_stops_starting_trials(client):
    body = {
        "graph": swept_graph(),
        "config": {"epochs": 2, "delay": 0.2},
        "strategy": "random",
        "trials": 50,
        "parallel": 1,
        "budget_s": 0.5,
    }
    sid = client.post("/api/sweeps", json=body).get_json()["id"]
    sweep = _wait_done(client, sid)
    assert sweep["status"] == "completed" and "budget" in sweep["reason"]
    assert 1 <= len(sweep["trials"]) < 50
    assert all(t["state"] == "completed" for t in sweep["trials"])


def test_graphs_with_choices_save_and_print(client):
    g = swept_graph()
    g["nodes"][1]["$optional"] = True
    g["$repeats"] = [{"id": "repeat1", "nodes": ["d2"], "times": {"$choice": [1, 2]}}]
    saved = client.post("/api/graphs", json={"graph": g})
    assert saved.status_code == 201, saved.get_json()
    assert client.get(f"/api/graphs/{saved.get_json()['id']}").get_json()["graph"]["$repeats"] == g["$repeats"]
    text = client.post("/api/graphs/export", json={"graph": g, "to": "metasyntax"}).get_json()["text"]
    assert "?d1: Dense({8|16}" in text and "* {1|2}" in text


def test_the_configured_model_size_limit_applies_to_every_variant(make_app, monkeypatch):
    """Set as users do (AKID_MAX_MODEL_PARAMS, read into the settings object), not as a Flask config key."""
    from akid.settings import reload_settings

    monkeypatch.setenv("AKID_MAX_MODEL_PARAMS", "2000")
    reload_settings()
    try:
        client = make_app(TRAIN_TARGET="sweep_fake_trainer:train", WARM_WORKERS=False).test_client()
    finally:
        monkeypatch.delenv("AKID_MAX_MODEL_PARAMS")
        reload_settings()
    g = copy.deepcopy(MLP)
    g["nodes"][1]["params"]["units"] = {"$choice": [8, 512]}
    resp = client.post("/api/sweeps", json={"graph": g, "trials": 2})
    assert resp.status_code == 400, resp.get_json()
    assert "units=512" in resp.get_json()["errors"][0]["message"]
    assert client.get("/api/runs").get_json()["runs"] == []
    # the space preview reports the same variant as over the limit (it used to say every variant is fine)
    space = check(client.post("/api/sweeps/space", json={"graph": g}), "post", "/api/sweeps/space")
    assert [b["assignment"] for b in space["invalid"]] == [{"d1.units": 512}]
    assert space["invalid"][0]["errors"][0]["code"] == "model_too_large"
