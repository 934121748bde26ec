"""Messages that must reach someone, written in the transaction that causes them.

A sender (bot/outbox.py) delivers them; this module only records what is to be said.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import OutboxMessage

if TYPE_CHECKING:
    from catalog.uow import UnitOfWork


class OutboxKind:
    order_alert = "order_alert"  # a new order, to the producer's group
    order_cancelled = "order_cancelled"  # the customer cancelled, to the producer's group
    status_notice = "status_notice"  # the producer moved an order along, to the customer
    admin_notice = "admin_notice"  # something admins must know, to every admin


class AdminEvent:
    group_linked = "group_linked"
    group_lost = "group_lost"  # the bot was removed from a producer's group
    orders_waiting = "orders_waiting"  # orders for a producer with no group yet
    delivery_failed = "delivery_failed"


class OutboxSignal:
    """Wakes the sender when a transaction that wrote to the outbox has committed."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> None:  # noqa: ASYNC109 - a poll interval, not a deadline
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()


def to_producer(session: AsyncSession, kind: str, producer_id: int, **payload: Any) -> None:
    session.add(OutboxMessage(kind=kind, producer_id=producer_id, payload=payload))


async def alert_producers(uow: UnitOfWork, orders: Iterable[tuple[int, int]]) -> None:
    """An order alert for each new (order id, producer id), in one statement."""
    rows = [
        {"kind": OutboxKind.order_alert, "producer_id": producer, "payload": {"order_id": order}}
        for order, producer in orders
    ]
    if rows:
        await uow.session.execute(insert(OutboxMessage), rows)
        uow.outbox_written()


def to_user(session: AsyncSession, kind: str, user_id: int, **payload: Any) -> None:
    session.add(OutboxMessage(kind=kind, user_id=user_id, payload=payload))


def to_admins(session: AsyncSession, event: str, **payload: Any) -> None:
    session.add(OutboxMessage(kind=OutboxKind.admin_notice, payload={"event": event, **payload}))
