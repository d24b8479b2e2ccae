"""GET /api/runs/<id>/logs: a finished run's worker log (stdout, stderr, its log lines, a crash's
traceback), bounded reads, and no way out of the run's logdir."""

from backend_testutil import check, wait_for


def _run(client, mlp, **config):
    r = client.post("/api/runs", json={"graph": mlp, "config": config, "name": "t"})
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
    wait_for(lambda: client.get(f"/api/runs/{rid}").get_json()["status"] not in ("queued", "running"), 40, what="run end")
    return rid


def test_completed_run_serves_its_worker_log(client, mlp):
    rid = _run(client, mlp, steps=5, delay=0.001)
    body = check(client.get(f"/api/runs/{rid}/logs"), "get")
    assert [f["name"] for f in body["files"]] == ["worker.log"]
    text = body["file"]["text"]
    assert "[info] starting at step 0" in text  # the trainer's log line is in the file
    assert f"run {rid} started" in text and text.rstrip().endswith("run ended: completed")
    assert body["file"]["offset"] == 0 and body["file"]["next_offset"] == body["file"]["size"] == len(text.encode())


def test_crash_traceback_is_in_the_log(client, mlp):
    rid = _run(client, mlp, steps=50, delay=0.001, crash="raise", crash_at=2)
    text = check(client.get(f"/api/runs/{rid}/logs"), "get")["file"]["text"]
    assert "Traceback (most recent call last)" in text and "run ended: failed" in text


def test_reads_are_bounded_tail_and_offset(app, client, mlp):
    rid = _run(client, mlp, steps=1, delay=0.001)
    logdir = app.extensions["akid"].manager.logdir(rid)
    lines = [f"line {i:05d}" for i in range(20000)]
    (logdir / "worker.log").write_text("\n".join(lines) + "\n")
    tail = check(client.get(f"/api/runs/{rid}/logs?limit=1000"), "get")["file"]
    assert tail["truncated_before"] and tail["text"].startswith("line ") and tail["text"].endswith("line 19999\n")
    assert len(tail["text"]) <= 1000 and tail["next_offset"] == tail["size"]
    head = check(client.get(f"/api/runs/{rid}/logs?offset=0&limit=22"), "get")["file"]
    assert head["text"] == "line 00000\nline 00001\n" and head["next_offset"] == 22 and not head["truncated_before"]
    big = client.get(f"/api/runs/{rid}/logs?limit=100000000")
    assert big.status_code == 400 and big.get_json()["errors"][0]["param"] == "limit"


def test_multi_worker_files_are_listed(app, client, mlp):
    rid = _run(client, mlp, steps=1, delay=0.001)
    logdir = app.extensions["akid"].manager.logdir(rid)
    (logdir / "workers").mkdir()
    for i in (10, 2):
        (logdir / "workers" / f"worker_{i}.log").write_text(f"hello from {i}\n")
    (logdir / "workers" / "secret.txt").write_text("no")
    body = check(client.get(f"/api/runs/{rid}/logs?file=workers/worker_10.log"), "get")
    assert [f["name"] for f in body["files"]] == ["worker.log", "workers/worker_2.log", "workers/worker_10.log"]
    assert body["file"]["text"] == "hello from 10\n"


def test_unknown_run_and_unknown_or_escaping_file_are_404(client, mlp):
    assert client.get("/api/runs/nope/logs").status_code == 404
    rid = _run(client, mlp, steps=1, delay=0.001)
    for name in ("../../akid.db", "/etc/passwd", "workers/../worker.log", "workers/secret.txt", "x"):
        r = client.get(f"/api/runs/{rid}/logs", query_string={"file": name})
        assert r.status_code == 404, name
        assert r.get_json()["errors"][0]["code"] == "log_not_found"
