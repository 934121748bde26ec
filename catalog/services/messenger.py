"""Customers on Messenger: the events already handled (Meta may deliver one twice, to any
worker), each person's 24-hour window (opened by their last message, postback or referral),
news that waits for the customer's next message when the window is closed, and the Page
restricted from sending (a warning to the admins; the news it held back goes out when it
is over)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select, update

from catalog.db import upsert
from catalog.models import (
    MessengerInbound,
    MessengerOutboxMessage,
    Order,
    OutboxStatus,
    User,
    utcnow,
)
from catalog.services import delivery, warnings
from catalog.services.delivery import Claimed
from catalog.services.orders.views import EVERYTHING, OrderView, order_view
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

# Meta lets a Page answer a person for 24 hours after their last message.
WINDOW = timedelta(hours=24)
# Handled events are remembered longer than the window they tell of.
REMEMBER_EVENTS = timedelta(days=3)
# News outside the window waits for the customer's next message, which brings it forward;
# meanwhile it is looked at again after this long (a utility template may be set up by then).
WAIT_FOR_NEXT_MESSAGE = timedelta(days=7)
# News the Page may not send (restricted) is tried again after this long, or as soon as a
# message gets through.
RESTRICTED_WAIT = timedelta(hours=1)


async def first_time(
    uow: UnitOfWork, *, key: str, psid: str, user_id: int, forget_old: bool = False
) -> bool:
    """Record an event of ``psid`` (the shop's ``user_id``); False when it was handled before.
    A first one opens the person's window: news waiting for them is due now (and the senders
    are woken). One short write; ``forget_old`` also drops events older than
    ``REMEMBER_EVENTS``."""

    def record(connection: Connection) -> bool:
        now = utcnow()
        inserted = connection.execute(
            upsert(connection, MessengerInbound)
            .values(key=key, psid=psid, received_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        if inserted.rowcount != 1:
            return False
        woken = connection.execute(
            update(MessengerOutboxMessage)
            .where(
                MessengerOutboxMessage.user_id == user_id,
                MessengerOutboxMessage.status == OutboxStatus.pending,
                MessengerOutboxMessage.next_attempt_at > now,
            )
            .values(next_attempt_at=now)
        )
        if woken.rowcount:
            uow.outbox_written()
        if forget_old:
            old = MessengerInbound.received_at < now - REMEMBER_EVENTS
            connection.execute(delete(MessengerInbound).where(old))
        return True

    return await uow.short_write(record)


@dataclass(frozen=True, slots=True)
class MessengerCustomer:
    user_id: int
    psid: str
    language: str | None  # as chosen; None until they choose
    last_message: datetime | None  # their last message, postback or referral

    def window_open(self, now: datetime) -> bool:
        return self.last_message is not None and now - self.last_message < WINDOW


@dataclass(frozen=True, slots=True)
class MessengerRecipients:
    orders: dict[int, OrderView]
    customers: dict[int, MessengerCustomer]


async def messenger_recipients(uow: UnitOfWork, rows: Sequence[Claimed]) -> MessengerRecipients:
    """The orders the rows are about and the customers they go to (PSID, language, window)."""
    order_ids = {row.payload["order_id"] for row in rows if "order_id" in row.payload}
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    async with uow.reading():
        session = uow.session
        orders = await session.scalars(
            select(Order).where(Order.id.in_(order_ids)).options(*EVERYTHING)
        )
        people = list(
            await session.execute(
                select(User.id, User.external_id, User.language).where(
                    User.id.in_(user_ids), User.external_id.is_not(None)
                )
            )
        )
        psids = {str(psid) for _, psid, _ in people}
        last = dict(
            (psid, when)
            for psid, when in await session.execute(
                select(MessengerInbound.psid, func.max(MessengerInbound.received_at))
                .where(MessengerInbound.psid.in_(psids))
                .group_by(MessengerInbound.psid)
            )
        )
        return MessengerRecipients(
            {order.id: order_view(order) for order in orders},
            {
                user_id: MessengerCustomer(user_id, str(psid), language, last.get(str(psid)))
                for user_id, psid, language in people
            },
        )


async def wait_for_next_message(uow: UnitOfWork, ids: Iterable[int]) -> None:
    """Outside the window with no utility template: the news waits for the customer to write."""
    await delivery.postpone(uow, MessengerOutboxMessage, ids, utcnow() + WAIT_FOR_NEXT_MESSAGE)


async def page_restricted(uow: UnitOfWork, error: str) -> bool:
    """Meta refused a message because the Page is restricted: the admins are warned (once,
    whoever sees it and however often). True when that was news."""
    return await warnings.warn(uow, Cause.messenger_restricted, error=error[:200]) is not None


async def page_sends_again(uow: UnitOfWork) -> bool:
    """A message got through: a restriction is over. Its warning is resolved, and the news it
    held back is due now (news waiting for a customer's next message waits on). False when
    there was no restriction to end. One transaction."""
    async with uow:
        told = await warnings.resolve_warning(uow, Cause.messenger_restricted)
        if told is None:
            return False
        now = utcnow()
        await uow.session.execute(
            update(MessengerOutboxMessage)
            .where(
                MessengerOutboxMessage.status == OutboxStatus.pending,
                MessengerOutboxMessage.next_attempt_at > now,
                MessengerOutboxMessage.next_attempt_at <= now + RESTRICTED_WAIT,
            )
            .values(next_attempt_at=now)
        )
        uow.outbox_written()
        await uow.commit()
        return True
