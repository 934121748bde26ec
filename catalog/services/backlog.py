"""How much waits in the outboxes, and for how long: what the metrics show, the readiness
check judges and the watch on the outbox warns the admins about.

A queue is one kind of recipient: producers' groups, customers and admins (the Telegram
outbox), Zalo staff (the Zalo outbox), customers on Messenger (the Messenger outbox). Counted
are the messages a sender is to deliver now or soon: pending, not waiting for a group to be
linked (the admins were told), not for a producer with nobody on Zalo, not parked for
longer than ``PARKED`` (Zalo's month spent: the admins were told too; Messenger news waiting
for the customer's next message), not held back by a restriction of the Messenger Page
(the admins were told).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, or_, select

from catalog.models import (
    AdminWarning,
    MessengerOutboxMessage,
    OutboxMessage,
    OutboxStatus,
    Producer,
    ZaloOutboxMessage,
    ZaloStaff,
)
from catalog.outbox import OutboxKind
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

PARKED = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Backlog:
    waiting: int = 0
    oldest_seconds: float = 0.0


async def outbox_backlog(uow: UnitOfWork, now: datetime) -> dict[str, Backlog]:
    """Each queue that has messages waiting, by name (``groups``, ``customers``,
    ``admins``, ``zalo``, ``messenger``): how many and how long the oldest has waited.
    Three queries."""
    soon = now + PARKED
    queue = case(
        (OutboxMessage.producer_id.is_not(None), "groups"),
        (OutboxMessage.kind == OutboxKind.admin_notice, "admins"),
        else_="customers",
    )
    telegram = (
        select(queue, func.count(), func.min(OutboxMessage.created_at))
        .outerjoin(Producer, Producer.id == OutboxMessage.producer_id)
        .where(
            OutboxMessage.status == OutboxStatus.pending,
            OutboxMessage.next_attempt_at <= soon,
            or_(OutboxMessage.producer_id.is_(None), Producer.group_chat_id.is_not(None)),
        )
        .group_by(queue)
    )
    zalo = select(func.count(), func.min(ZaloOutboxMessage.created_at)).where(
        ZaloOutboxMessage.status == OutboxStatus.pending,
        ZaloOutboxMessage.next_attempt_at <= soon,
        # A producer's row is for its staff on Zalo: with nobody linked there is nobody to
        # wait for (a shop without Zalo writes them all the same).
        or_(
            ZaloOutboxMessage.zalo_id.is_not(None),
            exists().where(ZaloStaff.producer_id == ZaloOutboxMessage.producer_id),
        ),
    )
    messenger = select(func.count(), func.min(MessengerOutboxMessage.created_at)).where(
        MessengerOutboxMessage.status == OutboxStatus.pending,
        MessengerOutboxMessage.next_attempt_at <= soon,
        ~exists().where(
            AdminWarning.cause == Cause.messenger_restricted, AdminWarning.resolved_at.is_(None)
        ),
    )
    found: dict[str, Backlog] = {}
    async with uow.reading():
        rows: list[tuple[Any, ...]] = [tuple(row) for row in await uow.session.execute(telegram)]
        rows += [("zalo", *row) for row in await uow.session.execute(zalo)]
        rows += [("messenger", *row) for row in await uow.session.execute(messenger)]
    for name, waiting, oldest in rows:
        if waiting:
            found[name] = Backlog(waiting, max((now - oldest).total_seconds(), 0.0))
    return found
