"""Database engines: SQLite (embedded default) and PostgreSQL, set up the same way everywhere."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Table, event, text
from sqlalchemy import create_engine as _create_sync_engine
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

T = TypeVar("T")

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

    _set_up_sqlite(engine.sync_engine, busy_timeout_ms)
    _SHORT_WRITERS[engine.sync_engine] = _ShortWriter(url, busy_timeout_ms)
    return engine


def _set_up_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
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

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that may write takes the write lock up front (IMMEDIATE): a deferred
        # one that reads and then writes fails at once with SQLITE_BUSY when another
        # connection wrote in between, without waiting for the busy timeout. Readers
        # (READ_ONLY) need no lock at all in WAL mode.
        if connection.get_execution_options().get("ocop_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class _ShortWriter:
    """SQLite's short writes, run whole in one thread of their own.

    Through aiosqlite every statement is a trip through the event loop, and under load each
    trip waits for the loop's turn while SQLite's one write lock is held. Here a write (an
    upsert or two) runs from BEGIN to COMMIT in this thread, synchronously: the lock is held
    for the statements alone, and writers queue in the thread's order.
    """

    def __init__(self, url: str, busy_timeout_ms: int) -> None:
        self._url = make_url(url).set(drivername="sqlite")
        self._busy_timeout_ms = busy_timeout_ms
        self._engine: Engine | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

    def _run(self, work: Callable[[Connection], T]) -> T:
        if self._engine is None:
            self._engine = _create_sync_engine(self._url, poolclass=StaticPool)
            _set_up_sqlite(self._engine, self._busy_timeout_ms)
        with self._engine.begin() as connection:
            return work(connection)

    async def run(self, work: Callable[[Connection], T]) -> T:
        context = contextvars.copy_context()  # the caller's (logging, measuring) goes along
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, context.run, self._run, work
        )

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        if self._engine is not None:
            self._engine.dispose()


_SHORT_WRITERS: WeakKeyDictionary[Engine, _ShortWriter] = WeakKeyDictionary()


async def short_write(
    session_factory: async_sessionmaker[AsyncSession], work: Callable[[Connection], T]
) -> T:
    """Run ``work`` (a few statements on a sync connection) as one write transaction.

    On SQLite it runs whole in the writer thread (see _ShortWriter); elsewhere (PostgreSQL,
    whose writers do not share one lock) on an async connection of the engine.
    """
    bind = session_factory.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise RuntimeError("the session factory is bound to no engine")
    writer = _SHORT_WRITERS.get(bind.sync_engine)
    if writer is not None:
        return await writer.run(work)
    async with bind.begin() as connection:
        return await connection.run_sync(work)


async def dispose(engine: AsyncEngine) -> None:
    """Close the engine's connections (and its SQLite writer thread)."""
    writer = _SHORT_WRITERS.pop(engine.sync_engine, None)
    if writer is not None:
        await asyncio.to_thread(writer.close)
    await engine.dispose()


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


async def forget_cached_pages(session: AsyncSession) -> None:
    """SQLite: free the pages the session's connection keeps cached (up to 2 MB each), after
    reading a whole table that will not be read again soon. Nothing elsewhere."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text("PRAGMA shrink_memory"))


def upsert(on: AsyncSession | Connection, target: type[DeclarativeBase] | Table) -> Any:
    """``INSERT … ON CONFLICT`` for this database (SQLite and PostgreSQL have it)."""
    dialect = (on.get_bind() if isinstance(on, AsyncSession) else on).dialect.name
    if dialect == "postgresql":
        # Loaded with a PostgreSQL engine; not on loading, where a SQLite shop would carry it.
        from sqlalchemy.dialects import postgresql  # noqa: PLC0415

        return postgresql.insert(target)
    return sqlite.insert(target)
