"""Database engines: SQLite (embedded default) and PostgreSQL, set up the same way everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

# Execution options for a transaction that only reads: on SQLite it then takes no write lock.
READ_ONLY = {"ocop_read_only": True}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, busy_timeout_ms: int = 15000, echo: bool = False) -> AsyncEngine:
    """Build an async engine; SQLite gets WAL, foreign keys, a busy timeout and real BEGINs."""
    if not is_sqlite(url):
        return _create_async_engine(url, echo=echo, pool_pre_ping=True)

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = _create_async_engine(url, echo=echo)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver (which would commit before DDL and
        # never BEGIN before a SELECT); the "begin" hook below issues our own BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that may write takes the write lock up front (IMMEDIATE): a deferred
        # one that reads and then writes fails at once with SQLITE_BUSY when another
        # connection wrote in between, without waiting for the busy timeout. Readers
        # (READ_ONLY) need no lock at all in WAL mode.
        if connection.get_execution_options().get("ocop_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
