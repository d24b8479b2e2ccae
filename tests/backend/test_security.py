"""Access control: token when exposed, loopback host check, origin check, JSON 500s."""

import pytest


def test_exposed_server_requires_token(make_app):
    app = make_app(HOST="0.0.0.0")
    token = app.config["TOKEN"]
    assert token and len(token) >= 20
    c = app.test_client()
    r = c.get("/api/graphs")
    assert r.status_code == 401 and r.get_json()["errors"][0]["code"] == "unauthorized"
    assert c.get("/api/graphs", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/graphs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert c.get(f"/api/graphs?token={token}").status_code == 200
    assert c.get("/").status_code == 200  # the page itself carries no data
    sio = app.extensions["socketio"]
    bad = sio.test_client(app, namespace="/runs", flask_test_client=c)
    assert not bad.is_connected("/runs")
    good = sio.test_client(app, namespace="/runs", auth={"token": token}, flask_test_client=c)
    assert good.is_connected("/runs")
    good.disconnect("/runs")


def test_token_link_sets_cookie_for_api_and_socket(make_app):
    app = make_app(HOST="0.0.0.0", TOKEN="t0k3n-for-the-browser")
    c = app.test_client()
    assert c.get("/?token=wrong").status_code == 401
    r = c.get("/?token=t0k3n-for-the-browser&x=1")
    assert r.status_code == 303 and r.headers["Location"].endswith("/?x=1")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert c.get("/api/graphs").status_code == 200  # the cookie jar carries it now
    sio = app.extensions["socketio"].test_client(app, namespace="/runs", flask_test_client=c)
    assert sio.is_connected("/runs")
    sio.disconnect("/runs")


def test_health_needs_no_token(make_app):
    app = make_app(HOST="0.0.0.0")
    body = app.test_client().get("/api/health").get_json()
    assert body["ok"] is True and body["pump_alive"] is True


def test_given_token_is_used(make_app):
    app = make_app(HOST="0.0.0.0", TOKEN="s3cret-token-value")
    assert app.test_client().get("/api/blocks", headers={"Authorization": "Bearer s3cret-token-value"}).status_code == 200


def test_loopback_rejects_foreign_host_and_origin(app, mlp):
    c = app.test_client()
    assert app.config["TOKEN"] is None
    assert c.get("/api/graphs").status_code == 200
    r = c.get("/api/graphs", headers={"Host": "evil.example:5000"})
    assert r.status_code == 403 and r.get_json()["errors"][0]["code"] == "forbidden_host"
    r = c.post("/api/graphs", json={"graph": mlp}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and r.get_json()["errors"][0]["code"] == "forbidden_origin"
    assert c.post("/api/graphs", json={"graph": mlp}, headers={"Origin": "http://localhost"}).status_code == 201


def test_crash_is_json_500(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/_boom")
    def boom():
        raise RuntimeError("secret detail")

    r = app.test_client().get("/api/_boom")
    assert r.status_code == 500 and r.is_json
    issue = r.get_json()["errors"][0]
    assert issue["code"] == "internal_error" and "secret detail" not in issue["message"]


@pytest.mark.parametrize(
    "host,expected", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.2", False)]
)
def test_is_loopback(host, expected):
    from backend.security import is_loopback

    assert is_loopback(host) is expected
