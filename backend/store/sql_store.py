"""SQL implementation of the store (SQLite by default, PostgreSQL by URL).

Sessions are short and per call so the pump thread and request threads never
share one; SQLite runs in WAL mode with a busy timeout so a long read does not
block the event writer.
"""

from __future__ import annotations

import pathlib
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.store.abstract_store import AbstractStore, NotFound
from backend.store.models import AttachmentRow, Base, CompositeRow, DatasetRow, EventRow, GraphRow, GraphVersionRow, RunRow

MIGRATIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations"
_RUN_FIELDS = (
    "status",
    "reason",
    "step",
    "epoch",
    "total_steps",
    "progress",
    "final",
    "resumes",
    "started_at",
    "finished_at",
    "name",
)


#: Alembic's version table, as ``alembic stamp`` creates it.
_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])\s*$", re.M)


def head_revision() -> str | None:
    """The single head of ``migrations/versions`` read from the scripts' text (no Alembic import),
    or None when it cannot be told that way (then :meth:`SqlStore.migrate` asks Alembic)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {m.group(1): m.group(3) for m in _REVISION.finditer(path.read_text())}
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def make_engine(url: str) -> Engine:
    """An engine tuned for threaded use: SQLite gets WAL, FK enforcement and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class SqlStore(AbstractStore):
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent).

        Alembic is imported only when there is something to upgrade: importing it (with Mako
        and Pygments) is ~0.15 s of the server's cold start. A database already at the head
        revision is left alone, and an empty one gets the models' tables plus the head stamp
        (Alembic's own recipe for new databases: ``create_all`` then ``stamp head``;
        ``tests/backend/store/test_migrate.py`` checks both schemas are the same).
        """
        head = head_revision()
        if head is not None:
            with self.engine.begin() as conn:
                names = set(inspect(conn).get_table_names())
                if "alembic_version" in names:
                    if conn.execute(select(_VERSION.c.version_num)).scalars().all() == [head]:
                        return
                elif not names:
                    Base.metadata.create_all(conn)
                    _VERSION.create(conn)
                    conn.execute(_VERSION.insert().values(version_num=head))
                    return
        self._alembic_upgrade()

    def _alembic_upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    def _s(self) -> Session:
        return self._session()

    # ---- graphs ---------------------------------------------------------
    def create_graph(self, name: str, doc: dict[str, Any], message: str | None = None) -> dict[str, Any]:
        now = time.time()
        gid = _new_id()
        with self._s() as s, s.begin():
            s.add(GraphRow(id=gid, name=name, latest_version=1, created_at=now, updated_at=now))
            s.flush()
            s.add(GraphVersionRow(graph_id=gid, version=1, name=name, doc=doc, message=message, created_at=now))
        return {"id": gid, "name": name, "version": 1}

    def add_graph_version(self, graph_id: str, name: str, doc: dict[str, Any], message: str | None = None) -> dict[str, Any]:
        now = time.time()
        with self._s() as s, s.begin():
            # One atomic UPDATE ... RETURNING (write first, no read-then-write): concurrent saves
            # serialise on the row (PostgreSQL) or the database write lock (SQLite) and get distinct versions.
            version = s.scalar(
                update(GraphRow)
                .where(GraphRow.id == graph_id)
                .values(latest_version=GraphRow.latest_version + 1, name=name, updated_at=now)
                .returning(GraphRow.latest_version)
            )
            if version is None:
                raise NotFound(f"graph {graph_id!r} not found")
            s.add(GraphVersionRow(graph_id=graph_id, version=version, name=name, doc=doc, message=message, created_at=now))
        return {"id": graph_id, "name": name, "version": version}

    def get_graph(self, graph_id: str, version: int | None = None) -> dict[str, Any]:
        with self._s() as s:
            row = s.get(GraphRow, graph_id)
            if row is None:
                raise NotFound(f"graph {graph_id!r} not found")
            v = row.latest_version if version is None else version
            ver = s.scalar(select(GraphVersionRow).where(GraphVersionRow.graph_id == graph_id, GraphVersionRow.version == v))
            if ver is None:
                raise NotFound(f"graph {graph_id!r} has no version {v}")
            return {
                "id": graph_id,
                "name": ver.name,
                "version": ver.version,
                "latest_version": row.latest_version,
                "graph": ver.doc,
                "created_at": ver.created_at,
            }

    def list_graphs(self) -> list[dict[str, Any]]:
        with self._s() as s:
            rows = s.scalars(select(GraphRow).order_by(GraphRow.updated_at.desc()))
            return [
                {"id": r.id, "name": r.name, "version": r.latest_version, "created_at": r.created_at, "updated_at": r.updated_at}
                for r in rows
            ]

    def list_graph_versions(self, graph_id: str) -> list[dict[str, Any]]:
        with self._s() as s:
            if s.get(GraphRow, graph_id) is None:
                raise NotFound(f"graph {graph_id!r} not found")
            rows = s.scalars(
                select(GraphVersionRow).where(GraphVersionRow.graph_id == graph_id).order_by(GraphVersionRow.version)
            )
            return [{"version": r.version, "name": r.name, "created_at": r.created_at, "message": r.message} for r in rows]

    def delete_graph(self, graph_id: str) -> None:
        with self._s() as s, s.begin():
            if s.get(GraphRow, graph_id) is None:
                raise NotFound(f"graph {graph_id!r} not found")
            s.execute(delete(GraphVersionRow).where(GraphVersionRow.graph_id == graph_id))
            s.execute(delete(GraphRow).where(GraphRow.id == graph_id))

    # ---- composites -----------------------------------------------------
    def put_composite(self, name: str, doc: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        with self._s() as s, s.begin():
            row = s.get(CompositeRow, name)
            if row is None:
                s.add(CompositeRow(name=name, doc=doc, created_at=now, updated_at=now))
            else:
                row.doc, row.updated_at = doc, now
        return {"name": name, "graph": doc}

    def list_composites(self) -> list[dict[str, Any]]:
        with self._s() as s:
            return [{"name": r.name, "graph": r.doc} for r in s.scalars(select(CompositeRow).order_by(CompositeRow.name))]

    # ---- datasets -------------------------------------------------------
    def put_dataset(self, name: str, path: str, spec: dict[str, Any]) -> dict[str, Any]:
        with self._s() as s, s.begin():
            row = s.get(DatasetRow, name)
            if row is None:
                s.add(DatasetRow(name=name, path=path, spec=spec, created_at=time.time()))
            else:
                row.path, row.spec = path, spec
        return {"name": name, "path": path, "spec": spec}

    def list_datasets(self) -> list[dict[str, Any]]:
        with self._s() as s:
            return [
                {"name": r.name, "path": r.path, "spec": r.spec} for r in s.scalars(select(DatasetRow).order_by(DatasetRow.name))
            ]

    # ---- runs -----------------------------------------------------------
    def create_run(
        self,
        name: str,
        graph: dict[str, Any],
        config: dict[str, Any],
        graph_id: str | None = None,
        graph_version: int | None = None,
        target: str = "local",
    ) -> dict[str, Any]:
        rid = _new_id()
        with self._s() as s, s.begin():
            s.add(
                RunRow(
                    id=rid,
                    name=name,
                    graph_id=graph_id,
                    graph_version=graph_version,
                    graph=graph,
                    config=config,
                    target=target,
                    status="queued",
                    step=0,
                    epoch=0,
                    progress=0.0,
                    resumes=0,
                    created_at=time.time(),
                )
            )
        return self.get_run(rid)

    @staticmethod
    def _run_dict(r: RunRow, full: bool = True) -> dict[str, Any]:
        d = {
            "id": r.id,
            "name": r.name,
            "status": r.status,
            "reason": r.reason,
            "step": r.step,
            "epoch": r.epoch,
            "total_steps": r.total_steps,
            "progress": r.progress,
            "final": r.final,
            "resumes": r.resumes,
            "target": r.target or "local",
            "graph_id": r.graph_id,
            "graph_version": r.graph_version,
            "created_at": r.created_at,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
        }
        if full:
            d["graph"], d["config"] = r.graph, r.config
        return d

    def get_run(self, run_id: str) -> dict[str, Any]:
        with self._s() as s:
            r = s.get(RunRow, run_id)
            if r is None:
                raise NotFound(f"run {run_id!r} not found")
            return self._run_dict(r)

    def list_runs(self) -> list[dict[str, Any]]:
        with self._s() as s:
            return [self._run_dict(r, full=False) for r in s.scalars(select(RunRow).order_by(RunRow.created_at.desc()))]

    def update_run(self, run_id: str, **fields: Any) -> None:
        bad = set(fields) - set(_RUN_FIELDS)
        if bad:
            raise ValueError(f"unknown run fields {sorted(bad)}")
        with self._s() as s, s.begin():
            r = s.get(RunRow, run_id)
            if r is None:
                raise NotFound(f"run {run_id!r} not found")
            for k, v in fields.items():
                setattr(r, k, v)

    def runs_with_status(self, statuses: Iterable[str]) -> list[dict[str, Any]]:
        with self._s() as s:
            rows = s.scalars(select(RunRow).where(RunRow.status.in_(list(statuses))).order_by(RunRow.created_at))
            return [self._run_dict(r, full=False) for r in rows]

    def delete_run(self, run_id: str) -> None:
        with self._s() as s, s.begin():
            if s.get(RunRow, run_id) is None:
                raise NotFound(f"run {run_id!r} not found")
            s.execute(delete(AttachmentRow).where(AttachmentRow.run_id == run_id))
            s.execute(delete(EventRow).where(EventRow.run_id == run_id))
            s.execute(delete(RunRow).where(RunRow.id == run_id))

    # ---- events ---------------------------------------------------------
    def add_event(
        self,
        run_id: str,
        seq: int,
        kind: str,
        payload: dict[str, Any],
        attachments: list[bytes] | None = None,
        images: list[int] | None = None,
    ) -> list[int]:
        numbers: list[int] = list(images or [])
        with self._s() as s, s.begin():
            if attachments:
                numbers += self._add_attachments(s, run_id, attachments, seq)
            if images:
                s.execute(
                    update(AttachmentRow)
                    .where(AttachmentRow.run_id == run_id, AttachmentRow.number.in_(list(images)))
                    .values(seq=seq)
                )
            s.add(EventRow(run_id=run_id, seq=seq, kind=kind, payload=payload, images=numbers or None, created_at=time.time()))
        return numbers

    def add_attachments(self, run_id: str, attachments: list[bytes]) -> list[int]:
        with self._s() as s, s.begin():
            return self._add_attachments(s, run_id, attachments, 0)  # seq 0 until add_event ties them to their event

    @staticmethod
    def _add_attachments(s: Any, run_id: str, attachments: list[bytes], seq: int) -> list[int]:
        first = (s.scalar(select(func.max(AttachmentRow.number)).where(AttachmentRow.run_id == run_id)) or 0) + 1
        for i, data in enumerate(attachments):
            s.add(AttachmentRow(run_id=run_id, number=first + i, seq=seq, data=bytes(data)))
        return [first + i for i in range(len(attachments))]

    def list_events(
        self, run_id: str, since_seq: int = 0, limit: int | None = None, kinds: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        q = select(EventRow).where(EventRow.run_id == run_id, EventRow.seq > since_seq)
        if kinds is not None:
            q = q.where(EventRow.kind.in_(list(kinds)))
        q = q.order_by(EventRow.seq)
        if limit is not None:
            q = q.limit(limit)
        with self._s() as s:
            return [
                {"seq": e.seq, "kind": e.kind, "payload": e.payload, "images": e.images or [], "created_at": e.created_at}
                for e in s.scalars(q)
            ]

    def max_seq(self, run_id: str) -> int:
        with self._s() as s:
            return int(s.scalar(select(func.max(EventRow.seq)).where(EventRow.run_id == run_id)) or 0)

    def get_attachment(self, run_id: str, number: int) -> bytes:
        with self._s() as s:
            data = s.scalar(select(AttachmentRow.data).where(AttachmentRow.run_id == run_id, AttachmentRow.number == number))
            if data is None:
                raise NotFound(f"run {run_id!r} has no image {number}")
            return bytes(data)

    def get_attachments(self, run_id: str, numbers: list[int]) -> list[bytes]:
        if not numbers:
            return []
        with self._s() as s:
            rows = s.execute(
                select(AttachmentRow.number, AttachmentRow.data).where(
                    AttachmentRow.run_id == run_id, AttachmentRow.number.in_(numbers)
                )
            )
            found = {n: bytes(d) for n, d in rows}
        return [found[n] for n in numbers if n in found]
