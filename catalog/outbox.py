"""Messages that must reach someone, written in the transaction that causes them.

Senders deliver them (bot/outbox.py to Telegram, bot/zalo/sender.py to Zalo); this module only
records what is to be said.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import OutboxMessage, OutboxStatus, ZaloOutboxMessage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class OutboxKind:
    order_alert = "order_alert"  # a new order, to the producer's group
    order_cancelled = "order_cancelled"  # the customer cancelled, to the producer's group
    status_notice = "status_notice"  # the producer moved an order along, to the customer
    admin_notice = "admin_notice"  # something admins must know, to every admin
    # Staff moved an order along on one channel: the producer's people on the other are told.
    status_changed = "status_changed"
    zalo_reply = "zalo_reply"  # an answer to what a Zalo user typed (text in the payload)
    zalo_digest = "zalo_digest"  # alerts folded into one message (the monthly quota is near)


class AdminEvent:
    group_linked = "group_linked"
    group_lost = "group_lost"  # the bot was removed from a producer's group
    orders_waiting = "orders_waiting"  # orders for a producer with no group yet
    delivery_failed = "delivery_failed"
    zalo_linked = "zalo_linked"  # a producer's staff member linked their Zalo account
    zalo_quota_near = "zalo_quota_near"  # this month's Zalo messages are nearly spent


class OutboxSignal:
    """Wakes the sender when a transaction that wrote to the outbox has committed."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._also: list[OutboxSignal] = []

    def notify(self) -> None:
        self._event.set()
        for other in self._also:
            other._event.set()

    def also_wake(self, other: OutboxSignal) -> None:
        """Another sender (another channel's) is woken by the same commits."""
        self._also.append(other)

    async def wait(self, timeout: float) -> None:  # noqa: ASYNC109 - a poll interval, not a deadline
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()


def to_producer(session: AsyncSession, kind: str, producer_id: int, **payload: Any) -> None:
    """To the producer's Telegram group and to its staff linked on Zalo."""
    to_producer_group(session, kind, producer_id, **payload)
    to_zalo_staff(session, kind, producer_id, **payload)


def to_producer_group(session: AsyncSession, kind: str, producer_id: int, **payload: Any) -> None:
    """To the producer's Telegram group only (it waits while the producer has none)."""
    session.add(OutboxMessage(kind=kind, producer_id=producer_id, payload=payload))


def alert_producers(session: Session, orders: Iterable[tuple[int, int]]) -> None:
    """An order alert for each new (order id, producer id) to the producer's Telegram group
    and its Zalo staff, as ``to_producer`` does: one statement per channel. (Whoever commits
    wakes the senders.)"""
    rows = [
        {"kind": OutboxKind.order_alert, "producer_id": producer, "payload": {"order_id": order}}
        for order, producer in orders
    ]
    if rows:
        session.execute(insert(OutboxMessage), rows)
        session.execute(insert(ZaloOutboxMessage), rows)


def to_zalo_staff(session: AsyncSession, kind: str, producer_id: int, **payload: Any) -> None:
    """To whoever is linked on Zalo for the producer when it is sent (maybe nobody)."""
    session.add(ZaloOutboxMessage(kind=kind, producer_id=producer_id, payload=payload))


def to_zalo_user(session: AsyncSession, kind: str, zalo_id: str, **payload: Any) -> None:
    session.add(ZaloOutboxMessage(kind=kind, zalo_id=zalo_id, payload=payload))


def to_user(session: AsyncSession, kind: str, user_id: int, **payload: Any) -> None:
    session.add(OutboxMessage(kind=kind, user_id=user_id, payload=payload))


def to_admins(session: AsyncSession, event: str, **payload: Any) -> None:
    session.add(OutboxMessage(kind=OutboxKind.admin_notice, payload={"event": event, **payload}))


async def claim_leased(
    session: AsyncSession,
    model: type[OutboxMessage] | type[ZaloOutboxMessage],
    ids: list[int],
    now: datetime,
    lease_seconds: float,
) -> list[Any]:
    """Lease the due rows among ``ids`` for this sender; returns those it got, by id.

    The lease doubles as a claim token: another process claiming the same rows writes its
    own value, and only rows carrying ours are ours. A crash leaves the lease to run out, and
    the rows are sent again then (never lost)."""
    lease = now + timedelta(seconds=lease_seconds, microseconds=secrets.randbelow(1_000_000))
    await session.execute(
        update(model)
        .where(
            model.id.in_(ids),
            model.status == OutboxStatus.pending,
            model.next_attempt_at <= now,
        )
        .values(next_attempt_at=lease)
    )
    await session.commit()
    claimed = await session.scalars(
        select(model).where(model.id.in_(ids), model.next_attempt_at == lease).order_by(model.id)
    )
    return list(claimed)
