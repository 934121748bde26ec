"""Alembic environment: always run through ``catalog.migrate`` with an open connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from catalog.models import Base

config = context.config


def run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=sqlite,
        # With catalog.db's BEGIN hook SQLite DDL is transactional: a failed migration
        # rolls back whole instead of leaving half a schema behind the old version number.
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `ocop-bot db upgrade` (catalog.migrate)")
run_migrations(connection)
