"""The Zalo bot's bookkeeping: messages handled once, the month's messages counted, and
strangers answered at most once a day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.db import create_session_factory
from catalog.models import OutboxMessage, ZaloInbound, ZaloOutboxMessage, ZaloUsage, utcnow
from catalog.outbox import OutboxKind
from catalog.services import zalo_usage
from catalog.services.warnings import Cause, State
from catalog.uow import UnitOfWork


async def remembered(uow: UnitOfWork) -> list[str]:
    async with uow.reading():
        return sorted(await uow.session.scalars(select(ZaloInbound.message_id)))


async def test_a_message_is_handled_once_and_old_ones_are_forgotten_when_asked(
    uow: UnitOfWork,
) -> None:
    assert await zalo_usage.first_time(uow, "m1")
    assert not await zalo_usage.first_time(uow, "m1")  # Zalo repeated it
    async with uow:
        await uow.session.execute(
            update(ZaloInbound)
            .where(ZaloInbound.message_id == "m1")
            .values(received_at=utcnow() - zalo_usage.REMEMBER_MESSAGES - timedelta(hours=1))
        )
        await uow.commit()
    assert await zalo_usage.first_time(uow, "m2")
    assert await remembered(uow) == ["m1", "m2"]
    assert await zalo_usage.first_time(uow, "m3", forget_old=True)
    assert await remembered(uow) == ["m2", "m3"]


async def test_each_part_sent_counts_one_message_of_the_month(uow: UnitOfWork) -> None:
    for parts in (1, 2, 3):
        await zalo_usage.part_sent(uow, None, parts)
    async with uow.reading():
        usage = await uow.session.get(ZaloUsage, zalo_usage.month_of(utcnow()))
        assert usage is not None
        assert usage.messages == 3


async def quota_notices(uow: UnitOfWork) -> list[str]:
    async with uow.reading():
        payloads = await uow.session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.kind == OutboxKind.admin_notice)
        )
        return [p["state"] for p in payloads if p.get("cause") == Cause.zalo_quota]


async def test_admins_hear_once_that_the_quota_nears_its_end_and_once_that_a_month_renews_it(
    uow: UnitOfWork,
) -> None:
    now = datetime(2026, 12, 20, 5, tzinfo=UTC)
    async with uow:
        uow.session.add(ZaloUsage(month=zalo_usage.month_of(now), messages=2750))
        await uow.commit()
    assert await zalo_usage.messages_left(uow, 3000, 300, now) == 250
    # Every round of the sender sees it again, for days: the admins heard it once.
    assert await zalo_usage.messages_left(uow, 3000, 300, now + timedelta(days=3)) == 250
    assert await quota_notices(uow) == [State.raised]
    next_month = zalo_usage.next_month_start(now)
    assert await zalo_usage.messages_left(uow, 3000, 300, next_month) == 3000
    assert await zalo_usage.messages_left(uow, 3000, 300, next_month) == 3000
    assert await quota_notices(uow) == [State.raised, State.resolved]


async def answers_queued(uow: UnitOfWork, zalo_id: str) -> int:
    async with uow.reading():
        return len(
            list(
                await uow.session.scalars(
                    select(ZaloOutboxMessage.id).where(ZaloOutboxMessage.zalo_id == zalo_id)
                )
            )
        )


async def test_a_stranger_is_answered_at_most_once_a_day(uow: UnitOfWork) -> None:
    now = utcnow()
    assert await zalo_usage.reply_to_stranger(uow, "z-stranger", "Xin chào", now)
    later = now + timedelta(hours=23)
    assert not await zalo_usage.reply_to_stranger(uow, "z-stranger", "Xin chào", later)
    assert await zalo_usage.reply_to_stranger(uow, "z-other", "Xin chào", later)
    assert await answers_queued(uow, "z-stranger") == 1
    next_day = now + zalo_usage.STRANGER_ANSWERED + timedelta(seconds=1)
    assert await zalo_usage.reply_to_stranger(uow, "z-stranger", "Xin chào", next_day)
    assert await answers_queued(uow, "z-stranger") == 2


async def test_two_workers_answering_one_stranger_at_once_answer_once(
    engine: AsyncEngine,
) -> None:
    factory = create_session_factory(engine)
    answered = await asyncio.gather(
        *(
            zalo_usage.reply_to_stranger(UnitOfWork(factory), "z-busy", "Xin chào")
            for _ in range(4)
        )
    )
    assert sorted(answered) == [False, False, False, True]
    assert await answers_queued(UnitOfWork(factory), "z-busy") == 1
