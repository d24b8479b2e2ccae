"""Graphs REST: CRUD with versions, revert, export, validate/parse tools, JSON errors."""

from backend_testutil import check


def test_crud_versions_revert_delete(client, mlp):
    r = client.post("/api/graphs", json={"graph": mlp})
    assert r.status_code == 201
    ref = check(r, "post")
    gid = ref["id"]
    assert ref["version"] == 1 and ref["name"] == "mlp"

    mlp2 = {**mlp, "name": "mlp2"}
    mlp2["nodes"][1]["params"]["units"] = 32
    ref2 = check(client.put(f"/api/graphs/{gid}", json={"graph": mlp2, "message": "wider"}), "put")
    assert ref2 == {"id": gid, "name": "mlp2", "version": 2}

    latest = check(client.get(f"/api/graphs/{gid}"), "get")
    assert latest["version"] == 2 and latest["graph"]["nodes"][1]["params"]["units"] == 32
    v1 = check(client.get(f"/api/graphs/{gid}?version=1"), "get")
    assert v1["graph"]["nodes"][1]["params"]["units"] == 16 and v1["latest_version"] == 2

    versions = check(client.get(f"/api/graphs/{gid}/versions"), "get")["versions"]
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["message"] == "wider"

    rev = check(client.post(f"/api/graphs/{gid}/revert", json={"version": 1}), "post")
    assert rev["version"] == 3
    assert check(client.get(f"/api/graphs/{gid}"), "get")["graph"]["nodes"][1]["params"]["units"] == 16

    listing = check(client.get("/api/graphs"), "get")["graphs"]
    assert [g["id"] for g in listing] == [gid] and listing[0]["version"] == 3

    assert check(client.delete(f"/api/graphs/{gid}"), "delete")["deleted"] is True
    r = client.get(f"/api/graphs/{gid}")
    assert r.status_code == 404
    assert check(r, "get")["errors"][0]["code"] == "not_found"


def test_graph_errors_are_json_issues(client, mlp):
    r = client.post("/api/graphs", data="not json", content_type="application/json")
    assert r.status_code == 400 and check(r, "post", "/api/graphs")["errors"][0]["code"] == "bad_json"
    bad = {**mlp, "format": "akid.graph/v9"}
    r = client.post("/api/graphs", json={"graph": bad})
    assert r.status_code == 400 and check(r, "post")["errors"][0]["code"] == "unknown_format"
    bad = {**mlp, "extra": 1}
    assert client.post("/api/graphs", json={"graph": bad}).get_json()["errors"][0]["code"] == "unknown_key"
    r = client.get("/api/graphs/nope/versions")
    assert r.status_code == 404 and check(r, "get")
    r = client.get("/api/graphs/abc?version=x")
    assert r.status_code == 400 and r.get_json()["errors"][0]["param"] == "version"
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.is_json and r.get_json()["errors"][0]["code"] == "not_found"
    r = client.patch("/api/graphs")
    assert r.status_code == 405 and r.is_json


def test_validate_reports_every_error_by_node(client, mlp):
    report = check(client.post("/api/graphs/validate", json=mlp), "post")
    assert report["ok"] is True and report["params"] > 0
    assert report["nodes"]["d1"]["outputs"]["out"] == [16]
    broken = {**mlp, "nodes": [*mlp["nodes"][:1], {"id": "d1", "type": "Dense", "params": {"units": -1}}, *mlp["nodes"][2:]]}
    broken["nodes"].append({"id": "z", "type": "NoSuchBlock"})
    report = check(client.post("/api/graphs/validate", json={"graph": broken}), "post")
    assert report["ok"] is False
    assert {e["node_id"] for e in report["errors"]} >= {"d1", "z"}


def test_parse_and_export(client, mlp):
    text = check(client.post("/api/graphs/export", json={"graph": mlp, "to": "metasyntax"}), "post")["text"]
    assert "Dense" in text
    g = check(client.post("/api/graphs/parse", json={"text": text}), "post")["graph"]
    assert [n["type"] for n in g["nodes"]] == ["Input", "Dense", "Dense", "Output"]
    r = client.post("/api/graphs/parse", json={"text": "Input(shape=[64]) -> Dense(units=="})
    assert r.status_code == 400 and check(r, "post")["errors"][0]["message"]
    r = client.post("/api/graphs/export", json={"graph": mlp, "to": "cobol"})
    assert r.status_code == 400 and check(r, "post")["errors"][0]["param"] == "to"
    gid = client.post("/api/graphs", json={"graph": mlp}).get_json()["id"]
    body = check(client.get(f"/api/graphs/{gid}/export?to=metasyntax"), "get")
    assert body["text"] == text


def test_export_python_and_keras_round_trip(client, mlp):
    for to in ("python", "python-keras"):
        text = check(client.post("/api/graphs/export", json={"graph": mlp, "to": to}), "post")["text"]
        assert "Dense" in text and "eval(" not in text
    kjson = check(client.post("/api/graphs/export", json={"graph": mlp, "to": "keras-json"}), "post")["text"]
    g = check(client.post("/api/graphs/import-keras", json={"json": kjson}), "post")["graph"]
    assert sorted(n["type"] for n in g["nodes"]) == sorted(n["type"] for n in mlp["nodes"])
    r = client.post("/api/graphs/import-keras", json={"json": "{not json"})
    assert r.status_code == 400 and check(r, "post")["errors"]


def test_templates_are_valid(client):
    invalid = {}
    for t in check(client.get("/api/templates"), "get")["templates"]:
        report = check(client.post("/api/graphs/validate", json=t["graph"]), "post")
        if not report["ok"]:
            invalid[t["id"]] = [e["code"] for e in report["errors"]]
    assert not invalid
