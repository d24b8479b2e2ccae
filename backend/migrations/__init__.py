"""Alembic migrations, run programmatically at startup (see SqlStore.migrate)."""
