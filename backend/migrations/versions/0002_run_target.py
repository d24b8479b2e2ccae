"""Runs remember their execution target: ``local`` (worker processes here) or ``kubernetes`` (a Job).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("target", sa.String(20), nullable=False, server_default="local"))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("target")
