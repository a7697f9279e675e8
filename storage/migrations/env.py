"""Alembic environment: runs on the connection Database.upgrade() hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from storage.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    # Batch mode lets SQLite alter tables by copying them, as it has no ALTER COLUMN.
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # `alembic revision --autogenerate` during development, on a sync URL
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
