"""Fixtures shared by every layer: databases (SQLite file, PostgreSQL) and the unit of work."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Protocol

import asyncpg
import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from support.postgres import PostgresCluster, PostgresUnavailable
from support.redis import RedisServer, RedisUnavailable

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork


class _Server(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def url(self) -> str: ...


def _server_for_the_session(
    variable: str, name: str, server: Callable[[], _Server], unavailable: type[Exception]
) -> Iterator[str]:
    """The URL in ``variable`` if set, else a throw-away server started here (and stopped).

    Where the server cannot start the tests that need it are skipped, except on CI."""
    if os.environ.get(variable):
        yield os.environ[variable]
        return
    try:
        started = server()
        started.start()
    except unavailable as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{name} unavailable: {err}")
    try:
        yield started.url()
    finally:
        started.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL: TEST_POSTGRES_URL if set, else a cluster started here."""
    yield from _server_for_the_session(
        "TEST_POSTGRES_URL", "PostgreSQL", PostgresCluster, PostgresUnavailable
    )


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A Redis server URL: TEST_REDIS_URL if set, else a server started here."""
    yield from _server_for_the_session("TEST_REDIS_URL", "Redis", RedisServer, RedisUnavailable)


@pytest.fixture
async def redis_url(redis_server: str) -> str:
    """The Redis server, emptied for this test."""
    client = Redis.from_url(redis_server)
    try:
        await client.flushall()
    finally:
        await client.aclose()
    return redis_server


async def _admin(server_url: str) -> asyncpg.Connection:
    url = make_url(server_url)
    return await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password,
        database=url.database or "postgres",
    )  # fmt: skip


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A fresh, empty database on the PostgreSQL server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await _admin(postgres_server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    admin = await _admin(postgres_server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/shop.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that asks for it runs on a SQLite file and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database migrated to the newest schema."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(create_session_factory(engine))


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the demo pictures are drawn, once per test session (drawing them takes seconds)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture
async def sessions(engine: AsyncEngine, media_dir: Path) -> async_sessionmaker[AsyncSession]:
    """Sessions on a database holding the demo catalog, for tests that open several units
    of work at once (racing customers, a cache beside another process)."""
    factory = create_session_factory(engine)
    await seed_demo_catalog(UnitOfWork(factory), media_dir)
    return factory
