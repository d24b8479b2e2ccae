"""Persistence: an abstract store interface with a SQL implementation behind it.

Mirrors MLflow's ``abstract_store.py`` split so that the API and the run
manager depend only on :class:`AbstractStore`, never on SQLAlchemy.
"""

from backend.store.abstract_store import AbstractStore, NotFound
from backend.store.sql_store import SqlStore

__all__ = ["AbstractStore", "NotFound", "SqlStore", "open_store"]


def open_store(url: str) -> SqlStore:
    """Open (and migrate to head) the store at a SQLAlchemy URL."""
    store = SqlStore(url)
    store.migrate()
    return store
