"""The SQL store on SQLite and on a throwaway PostgreSQL cluster (`make test` installs PostgreSQL)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading

import pytest

from backend.store import NotFound, open_store


def pg_binary(name: str) -> str:
    """``initdb``/``pg_ctl`` on PATH or in Debian's versioned directory (``make test`` installs postgresql)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is not installed: apt-get install postgresql (`make test` does)")
    return found


@pytest.fixture(scope="module")
def pg_url():
    """A throwaway cluster. Missing binaries or a cluster that will not start fail the tests:
    the PostgreSQL store is what the compose deployment runs, so it is never silently untested."""
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    d = tempfile.mkdtemp(prefix="akid-pg-")
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: drop to the postgres user
        if not shutil.which("runuser"):
            pytest.fail("running as root needs runuser (util-linux) to start PostgreSQL as the postgres user")
        shutil.chown(d, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    else:
        prefix = []
    run = lambda *a: subprocess.run([*prefix, *a], check=True, capture_output=True, timeout=60)
    try:
        run(initdb, "-D", f"{d}/db", "-A", "trust", "-U", "akid")
        run(pg_ctl, "-D", f"{d}/db", "-o", f"-k {d} -p 54391 -c listen_addresses=''", "-l", f"{d}/log", "-w", "start")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, KeyError) as exc:
        shutil.rmtree(d, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc}: {getattr(exc, 'stderr', b'')!r}")
    yield f"postgresql+psycopg://akid@/postgres?host={d}&port=54391"
    run(pg_ctl, "-D", f"{d}/db", "-m", "immediate", "stop")
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'akid.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    s = open_store(url)
    s.migrate()  # idempotent
    yield s
    if request.param == "postgresql":
        from backend.store.models import Base

        Base.metadata.drop_all(s.engine)
        with s.engine.begin() as c:
            c.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    s.close()


def test_graph_versions(store):
    g = store.create_graph("a", {"v": 1}, "first")
    assert store.add_graph_version(g["id"], "b", {"v": 2})["version"] == 2
    assert store.get_graph(g["id"])["graph"] == {"v": 2}
    assert store.get_graph(g["id"], 1)["graph"] == {"v": 1}
    assert [v["message"] for v in store.list_graph_versions(g["id"])] == ["first", None]
    with pytest.raises(NotFound):
        store.get_graph(g["id"], 9)
    store.delete_graph(g["id"])
    assert store.list_graphs() == []
    with pytest.raises(NotFound):
        store.add_graph_version(g["id"], "x", {})


def test_concurrent_saves_get_distinct_versions(store):
    gid = store.create_graph("a", {})["id"]
    errors = []

    def save():
        try:
            for _ in range(5):
                store.add_graph_version(gid, "a", {})
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert [v["version"] for v in store.list_graph_versions(gid)] == list(range(1, 22))


def test_runs_events_attachments(store):
    run = store.create_run("r", {"g": 1}, {"epochs": 1})
    rid = run["id"]
    assert run["status"] == "queued" and run["graph"] == {"g": 1}
    assert store.max_seq(rid) == 0
    store.add_event(rid, 1, "status", {"state": "running"})
    assert store.add_event(rid, 2, "images", {"items": []}, [b"a", b"b"]) == [1, 2]
    assert store.add_event(rid, 3, "images", {"items": []}, [b"c"]) == [3]
    store.add_event(rid, 4, "metrics", {"points": [{"value": 1.5}]})
    assert store.max_seq(rid) == 4
    assert [e["seq"] for e in store.list_events(rid, 1)] == [2, 3, 4]
    assert [e["seq"] for e in store.list_events(rid, 0, kinds=["metrics"])] == [4]
    assert store.list_events(rid, 0, limit=2)[1]["images"] == [1, 2]
    assert store.get_attachment(rid, 3) == b"c" and store.get_attachments(rid, [2, 1]) == [b"b", b"a"]
    store.update_run(rid, status="running", step=5, final={"loss": 0.1})
    assert store.get_run(rid)["step"] == 5 and store.runs_with_status(["running"])[0]["id"] == rid
    with pytest.raises(ValueError):
        store.update_run(rid, bogus=1)
    store.delete_run(rid)
    with pytest.raises(NotFound):
        store.get_attachment(rid, 1)
    assert store.list_events(rid) == []


def test_pictures_stored_ahead_of_their_event(store):
    """The hub stores attachments before the event has a seq (off the run's lock), then the event names them."""
    rid = store.create_run("r", {"g": 1}, {})["id"]
    assert store.add_event(rid, 1, "images", {"items": []}, [b"a"]) == [1]
    numbers = store.add_attachments(rid, [b"b", b"c"])
    assert numbers == [2, 3]
    assert store.add_event(rid, 2, "images", {"items": []}, images=numbers) == [2, 3]
    assert store.list_events(rid, 1)[0]["images"] == [2, 3]
    assert store.get_attachments(rid, [3, 2]) == [b"c", b"b"]


def test_composites_and_datasets(store):
    store.put_composite("B", {"v": 1})
    store.put_composite("B", {"v": 2})
    assert store.list_composites() == [{"name": "B", "graph": {"v": 2}}]
    store.put_dataset("d", "/p", {"source": "npz"})
    assert store.list_datasets()[0]["spec"] == {"source": "npz"}
