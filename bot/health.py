"""Readiness: whether this worker can do its work now — the database answers, Redis answers
(when configured), and the outbox's oldest message is younger than ``[health]
outbox_stuck_seconds``. ``/health`` stays the liveness answer (the process serves);
``/health/ready`` is this, with a JSON body naming what failed."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import HealthSettings
from catalog.db import is_sqlite
from catalog.models import utcnow
from catalog.services.backlog import outbox_backlog
from catalog.uow import UnitOfWork

if TYPE_CHECKING:
    # Imported where Redis is used: a single worker has none, and redis-py is ~5 MB.
    from redis.asyncio import Redis

# Seconds each check may take before it counts as failed.
CHECK_TIMEOUT = 5.0
REVISION = "SELECT version_num FROM alembic_version"


def _read_revision(path: Path) -> str:
    # Read-only: a file that is gone must not come back empty, as a plain connect would make it.
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=CHECK_TIMEOUT)) as db:
        row = db.execute(REVISION).fetchone()
    if row is None:
        raise sqlite3.DatabaseError("no schema revision recorded")
    return str(row[0])


async def ping(redis: Redis) -> None:
    """Redis answers (redis-py types ``ping`` for its sync client too)."""
    await cast(Awaitable[bool], redis.ping())


class Readiness:
    def __init__(
        self,
        database_url: str,
        session_factory: async_sessionmaker[AsyncSession],
        settings: HealthSettings,
        redis: Redis | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.redis = redis
        database = make_url(database_url).database
        self.sqlite_file = Path(database) if is_sqlite(database_url) and database else None

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """Whether this worker is ready, and each check's result."""
        checks: dict[str, dict[str, Any]] = {"database": await self._database()}
        if self.redis is not None:
            checks["redis"] = await self._redis(self.redis)
        if checks["database"]["ok"]:
            checks["outbox"] = await self._outbox()
        ready = all(check["ok"] for check in checks.values())
        return ready, {"ready": ready, "checks": checks}

    async def _database(self) -> dict[str, Any]:
        try:
            if self.sqlite_file is not None:
                # The file itself: open connections of the pool would still read a file that
                # was deleted or moved away.
                revision = await asyncio.wait_for(
                    asyncio.to_thread(_read_revision, self.sqlite_file), CHECK_TIMEOUT
                )
            else:
                revision = await asyncio.wait_for(self._pooled_revision(), CHECK_TIMEOUT)
        except (sqlite3.Error, SQLAlchemyError, OSError, TimeoutError) as err:
            return {"ok": False, "error": str(err) or type(err).__name__}
        return {"ok": True, "revision": revision}

    async def _pooled_revision(self) -> str:
        async with self.session_factory() as session:
            return str(await session.scalar(text(REVISION)))

    async def _redis(self, redis: Redis) -> dict[str, Any]:
        from redis.exceptions import RedisError  # noqa: PLC0415 - see TYPE_CHECKING above

        try:
            await asyncio.wait_for(ping(redis), CHECK_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as err:
            return {"ok": False, "error": str(err) or type(err).__name__}
        return {"ok": True}

    async def _outbox(self) -> dict[str, Any]:
        limit = self.settings.outbox_stuck_seconds
        try:
            backlog = await asyncio.wait_for(
                outbox_backlog(UnitOfWork(self.session_factory), utcnow()), CHECK_TIMEOUT
            )
        except (SQLAlchemyError, OSError, TimeoutError) as err:
            return {"ok": False, "error": str(err) or type(err).__name__}
        oldest = {queue: round(b.oldest_seconds, 1) for queue, b in backlog.items()}
        stuck = sorted(queue for queue, seconds in oldest.items() if seconds >= limit)
        return {"ok": not stuck, "stuck": stuck, "oldest_seconds": oldest, "limit_seconds": limit}
