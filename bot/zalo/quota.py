"""Zalo's monthly message quota (3,000 on the free plan), counted in the database so that
every process (and a restart) sees the same figure. Months are Vietnam's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import outbox
from catalog.models import ZaloUsage, utcnow
from catalog.outbox import AdminEvent
from catalog.rules import SHOP_TIMEZONE as VIETNAM
from catalog.uow import UnitOfWork


def month_of(moment: datetime) -> str:
    """The quota's month, in Vietnam time."""
    return moment.astimezone(VIETNAM).strftime("%Y-%m")


def next_month_start(moment: datetime) -> datetime:
    local = moment.astimezone(VIETNAM)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


async def messages_left(
    uow: UnitOfWork, quota: int, reserve: int, now: datetime
) -> tuple[int, bool]:
    """Messages left this month, and whether the admins were told just now that only the
    reserve is left (once a month, whichever process notices first)."""
    month = month_of(now)
    async with uow:
        session = uow.session
        usage = await session.get(ZaloUsage, month)
        used = usage.messages if usage else 0
        left = quota - used
        if left > reserve or (usage is not None and usage.warned):
            return left, False
        if usage is None:
            session.add(ZaloUsage(month=month, messages=0, warned=True))
        else:
            marked = await session.execute(
                update(ZaloUsage)
                .where(ZaloUsage.month == month, ZaloUsage.warned.is_(False))
                .values(warned=True)
            )
            if marked.rowcount != 1:  # type: ignore[attr-defined]
                return left, False
        outbox.to_admins(uow, AdminEvent.zalo_quota_near, used=used, quota=quota)
        try:
            await uow.commit()
        except IntegrityError:  # another process warned first
            return left, False
        return left, True


async def count_sent(session: AsyncSession) -> None:
    """One more message this month (in the caller's transaction)."""
    month = month_of(utcnow())
    counted = await session.execute(
        update(ZaloUsage).where(ZaloUsage.month == month).values(messages=ZaloUsage.messages + 1)
    )
    if not counted.rowcount:  # type: ignore[attr-defined]
        session.add(ZaloUsage(month=month, messages=1))
