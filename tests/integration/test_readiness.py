"""/health/ready's checks on both databases: ready with a database that answers and an
outbox that flows; not with the database gone, nor with the outbox's oldest message older
than the limit."""

from __future__ import annotations

import os
from datetime import timedelta

import asyncpg
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import HealthSettings
from bot.health import Readiness
from catalog import migrate, outbox
from catalog.db import create_session_factory
from catalog.models import OutboxMessage, utcnow
from catalog.outbox import OutboxKind
from catalog.uow import UnitOfWork

LIMIT = HealthSettings(outbox_stuck_seconds=600)


def readiness(engine: AsyncEngine, database_url: str) -> Readiness:
    return Readiness(database_url, create_session_factory(engine), LIMIT)


async def test_ready_while_the_database_answers_and_the_outbox_flows(
    engine: AsyncEngine, database_url: str
) -> None:
    ready, body = await readiness(engine, database_url).check()
    assert ready
    assert body["checks"]["database"] == {"ok": True, "revision": migrate.head_revision()}
    assert body["checks"]["outbox"]["ok"]
    assert "redis" not in body["checks"]


async def test_not_ready_while_the_outbox_oldest_message_is_older_than_the_limit(
    engine: AsyncEngine, database_url: str
) -> None:
    uow = UnitOfWork(create_session_factory(engine))
    async with uow:
        outbox.to_user(uow, OutboxKind.status_notice, 42, order_id=1)
        await uow.commit()
    assert (await readiness(engine, database_url).check())[0]
    async with uow:
        await uow.session.execute(
            update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=11))
        )
        await uow.commit()
    ready, body = await readiness(engine, database_url).check()
    assert not ready
    assert body["checks"]["outbox"]["stuck"] == ["customers"]
    assert body["checks"]["outbox"]["oldest_seconds"]["customers"] >= 660


async def test_not_ready_with_the_database_gone(engine: AsyncEngine, database_url: str) -> None:
    check = readiness(engine, database_url)
    assert (await check.check())[0]
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        os.replace(url.database, url.database + ".gone")
    else:
        admin = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password,
            database="postgres",
        )  # fmt: skip
        try:
            await admin.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        finally:
            await admin.close()
    ready, body = await check.check()
    assert not ready
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]
    assert "outbox" not in body["checks"]
