"""Database engines: SQLite (embedded default) and PostgreSQL, set up the same way everywhere."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import DeclarativeBase

# Execution options for a transaction that only reads: on SQLite it then takes no write lock.
READ_ONLY = {"ocop_read_only": True}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str, *, busy_timeout_ms: int = 15000, echo: bool = False, pool_size: int = 20
) -> AsyncEngine:
    """Build an async engine; SQLite gets WAL, foreign keys, a busy timeout and real BEGINs."""
    if not is_sqlite(url):
        # A rush holds many short transactions at once; the pool lets them run side by side.
        return _create_async_engine(
            url, echo=echo, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size
        )

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


# SQLite has one writer at a time. Writers of this process wait for each other here, in
# order, instead of sleeping and polling in SQLite's busy handler; other processes (the CLI)
# still meet the busy timeout. One lock per engine and event loop.
_WRITE_LOCKS: WeakKeyDictionary[Any, WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]]
_WRITE_LOCKS = WeakKeyDictionary()


def _write_lock(bind: Any) -> asyncio.Lock | None:
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "sqlite":
        return None
    locks = _WRITE_LOCKS.setdefault(bind.sync_engine, WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = locks.get(loop)
    if lock is None:
        lock = locks[loop] = asyncio.Lock()
    return lock


_HOLDER: WeakKeyDictionary[asyncio.Lock, asyncio.Task[Any]] = WeakKeyDictionary()


@contextlib.asynccontextmanager
async def writer_turn(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """Wait for this process's turn to write (SQLite); nothing to wait for elsewhere."""
    lock = _write_lock(session_factory.kw.get("bind"))
    if lock is None:
        yield
        return
    task = asyncio.current_task()
    if task is not None and _HOLDER.get(lock) is task:
        # A second writing transaction inside the first would wait for itself forever.
        raise RuntimeError("a writing transaction was opened inside another one")
    async with lock:
        if task is not None:
            _HOLDER[lock] = task
        try:
            yield
        finally:
            _HOLDER.pop(lock, None)


def upsert(session: AsyncSession, target: type[DeclarativeBase] | Table) -> Any:
    """``INSERT … ON CONFLICT`` for this session's database (SQLite and PostgreSQL have it)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(target)
