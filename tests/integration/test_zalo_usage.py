"""The Zalo bot's bookkeeping: messages handled once, and the month's messages counted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from catalog.models import ZaloInbound, ZaloUsage, utcnow
from catalog.services import zalo_usage
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
