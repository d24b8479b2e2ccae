"""Schema set-up without Alembic on the fast paths: a new database gets the models' tables plus
the head stamp, one at head is left alone, and only an older one goes through Alembic."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from backend.store.sql_store import MIGRATIONS, SqlStore, head_revision


def _alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _schema(engine: sa.Engine) -> dict:
    """Every table's columns (as a set: column order differs after ALTERs), indexes, keys."""
    insp = sa.inspect(engine)
    out = {}
    for t in insp.get_table_names():
        out[t] = {
            "columns": {(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in insp.get_columns(t)},
            "indexes": {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(t)},
            "foreign_keys": {
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]), str(f.get("options")))
                for f in insp.get_foreign_keys(t)
            },
            "primary_key": tuple(insp.get_pk_constraint(t)["constrained_columns"]),
            "unique": {tuple(u["column_names"]) for u in insp.get_unique_constraints(t)},
        }
    return out


def _revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_head_read_from_the_scripts_is_alembics_head():
    assert head_revision() == _alembic_head()


def test_new_database_schema_equals_the_migrations_schema_and_is_stamped_at_head(tmp_path):
    fast = SqlStore(f"sqlite:///{tmp_path / 'fast.db'}")
    fast.migrate()
    slow = SqlStore(f"sqlite:///{tmp_path / 'slow.db'}")
    slow._alembic_upgrade()
    assert _schema(fast.engine) == _schema(slow.engine)
    assert _revision(fast.engine) == _revision(slow.engine) == _alembic_head()
    fast._alembic_upgrade()  # Alembic sees nothing to do on the fast path's database
    assert _schema(fast.engine) == _schema(slow.engine)
    fast.create_graph("g", {"nodes": []})  # and the store works on it
    assert [g["name"] for g in fast.list_graphs()] == ["g"]


def test_older_database_is_upgraded_by_alembic_keeping_its_rows(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "0001")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO graphs (id, name, latest_version, created_at, updated_at) VALUES ('g1', 'old', 1, 0, 0)")
        )
    store = SqlStore(url)
    store.migrate()
    assert _revision(store.engine) == _alembic_head()
    assert "target" in {c["name"] for c in sa.inspect(store.engine).get_columns("runs")}
    assert [g["name"] for g in store.list_graphs()] == ["old"]


def test_new_and_current_databases_do_not_import_alembic(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        from backend.store import open_store
        open_store("sqlite:///{tmp_path / "a.db"}").close()  # new
        open_store("sqlite:///{tmp_path / "a.db"}").close()  # at head
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako")))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=str(MIGRATIONS.parents[1]))
    assert out.stdout.strip() == "[]"
