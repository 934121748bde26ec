"""The Zalo bot's bookkeeping: the month's message quota (3,000 on the free plan), counted in
the database so that every process (and a restart) sees the same figure, the messages
already handled (Zalo's getUpdates has no offset and repeats them), and the strangers
answered today (at most once a day each, so that nobody can spend the month's messages by
writing to the bot). Months are Vietnam's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from catalog import outbox
from catalog.models import ZaloInbound, ZaloStranger, ZaloUsage, utcnow
from catalog.outbox import OutboxKind
from catalog.rules import SHOP_TIMEZONE as VIETNAM
from catalog.services import delivery, warnings
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

# How long a handled message id is remembered (Zalo repeats a message within minutes).
REMEMBER_MESSAGES = timedelta(days=7)
# Someone who is not linked is answered at most once in this time.
STRANGER_ANSWERED = timedelta(days=1)


def month_of(moment: datetime) -> str:
    """The quota's month, in Vietnam time."""
    return moment.astimezone(VIETNAM).strftime("%Y-%m")


def next_month_start(moment: datetime) -> datetime:
    local = moment.astimezone(VIETNAM)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


async def messages_left(uow: UnitOfWork, quota: int, reserve: int, now: datetime) -> int:
    """Messages left this month. The admins are warned once when only the reserve is left
    (whichever process notices first), and told when a new month brings the quota back."""
    async with uow:
        usage = await uow.session.get(ZaloUsage, month_of(now))
        used = usage.messages if usage else 0
        left = quota - used
        if left <= reserve:
            told = await warnings.raise_warning(
                uow, Cause.zalo_quota, now=now, used=used, quota=quota
            )
        else:
            told = await warnings.resolve_warning(uow, Cause.zalo_quota, now=now)
        if told is not None:
            await uow.commit()
        return left


async def part_sent(uow: UnitOfWork, row_id: int | None, parts_sent: int) -> None:
    """One more message counted this month; with ``row_id``, that row's message has had
    ``parts_sent`` of its parts sent (a retry goes on from there)."""
    for attempt in range(2):
        async with uow:
            if row_id is not None:
                await delivery.note_parts_sent(uow, row_id, parts_sent)
            await _count_sent(uow)
            try:
                await uow.commit()
                return
            except IntegrityError:
                # Another process counted the month's first message at the same moment.
                if attempt:
                    raise


async def _count_sent(uow: UnitOfWork) -> None:
    month = month_of(utcnow())
    counted = await uow.session.execute(
        update(ZaloUsage).where(ZaloUsage.month == month).values(messages=ZaloUsage.messages + 1)
    )
    if not counted.rowcount:  # type: ignore[attr-defined]
        uow.session.add(ZaloUsage(month=month, messages=1))


async def first_time(uow: UnitOfWork, message_id: str, *, forget_old: bool = False) -> bool:
    """Record a message received; False when it was handled before. With ``forget_old``,
    message ids older than ``REMEMBER_MESSAGES`` are dropped too, and strangers answered
    longer ago than ``STRANGER_ANSWERED``."""
    async with uow:
        uow.session.add(ZaloInbound(message_id=message_id))
        try:
            await uow.commit()
        except IntegrityError:
            return False
    if forget_old:
        now = utcnow()
        async with uow:
            await uow.session.execute(
                delete(ZaloInbound).where(ZaloInbound.received_at < now - REMEMBER_MESSAGES)
            )
            await uow.session.execute(
                delete(ZaloStranger).where(ZaloStranger.answered_at < now - STRANGER_ANSWERED)
            )
            await uow.commit()
    return True


async def reply_to_stranger(
    uow: UnitOfWork, zalo_id: str, text: str, now: datetime | None = None
) -> bool:
    """Answer someone who is not linked, unless they were answered in the last day; True
    when the answer was queued. Conditional writes, so that two workers handling two of
    their messages at once answer once."""
    now = now or utcnow()
    async with uow:
        renewed = await uow.session.execute(
            update(ZaloStranger)
            .where(
                ZaloStranger.zalo_id == zalo_id,
                ZaloStranger.answered_at <= now - STRANGER_ANSWERED,
            )
            .values(answered_at=now)
        )
        if not renewed.rowcount:  # type: ignore[attr-defined]
            uow.session.add(ZaloStranger(zalo_id=zalo_id, answered_at=now))
        outbox.to_zalo_user(uow, OutboxKind.zalo_reply, zalo_id, text=text)
        try:
            await uow.commit()
        except IntegrityError:  # answered already today
            return False
        return True
