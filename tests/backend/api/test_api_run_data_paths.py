"""A run can only read data files inside the server's data sets folder."""

from backend_testutil import check


def _post(client, mlp, params):
    return client.post("/api/runs", json={"graph": mlp, "config": {"epochs": 1, "data": {"source": "csv", "params": params}}})


def test_run_refuses_a_data_path_outside_the_data_dir(make_app, mlp):
    client = make_app(CONVERT_CONFIG=True).test_client()
    for bad in ("/etc/passwd", "../../../../etc/passwd"):
        r = _post(client, mlp, {"path": bad})
        assert r.status_code == 400
        (issue,) = check(r, "post", "/api/runs")["errors"]
        assert issue["code"] == "path_not_allowed" and issue["param"] == "data.params.path" and bad in issue["message"]


def test_run_accepts_a_data_path_inside_the_data_sets_folder(make_app, mlp, tmp_path):
    app = make_app(CONVERT_CONFIG=True)
    datasets = tmp_path / "data" / "datasets"
    datasets.mkdir(parents=True, exist_ok=True)
    (datasets / "t.csv").write_text("x,y\n1,0\n")
    r = _post(app.test_client(), mlp, {"path": "t.csv"})
    assert r.status_code == 201, r.get_json()
