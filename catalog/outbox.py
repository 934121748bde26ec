"""Messages that must reach someone, written in the transaction that causes them.

Senders deliver them (bot/outbox/ to Telegram, bot/zalo/sender.py to Zalo,
bot/messenger/sender.py to customers on Messenger, all through
catalog/services/delivery.py); this module only records what is to be said. Each ``to_*``
notes the write on the unit of work, which wakes the senders when it commits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from catalog.models import (
    Channel,
    MessengerOutboxMessage,
    OutboxMessage,
    ZaloOutboxMessage,
    ZaloStaff,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from catalog.uow import UnitOfWork


class OutboxKind:
    order_alert = "order_alert"  # a new order, to the producer's group
    order_cancelled = "order_cancelled"  # the customer cancelled, to the producer's group
    status_notice = "status_notice"  # the producer moved an order along, to the customer
    admin_notice = "admin_notice"  # something admins must know, to every admin
    # Staff moved an order along on one channel: the producer's people on the other are told.
    status_changed = "status_changed"
    zalo_reply = "zalo_reply"  # an answer to what a Zalo user typed (text in the payload)
    zalo_digest = "zalo_digest"  # alerts folded into one message (the monthly quota is near)
    # Money: to the customer (received, part, over, late, reminder, refunded) and to the
    # producer (the same, with the alert card shown anew); a transfer nobody's order names.
    payment_notice = "payment_notice"
    payment_alert = "payment_alert"
    transfer_unmatched = "transfer_unmatched"


class AdminEvent:
    group_linked = "group_linked"
    orders_waiting = "orders_waiting"  # orders for a producer with no group yet
    delivery_failed = "delivery_failed"
    zalo_linked = "zalo_linked"  # a producer's staff member linked their Zalo account
    transfer_unmatched = "transfer_unmatched"  # money to an account no producer has
    bank_changed = "bank_changed"  # where a producer's customers pay to changed
    # A warning raised, repeated or resolved (catalog.services.warnings): its cause says
    # what; the Zalo quota's, a group's that refuses the bot and a restricted Messenger Page
    # are warnings too.
    warning = "warning"


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


# Each ``to_*`` writes in the unit of work's session, or ``on`` the sync session of a short
# write (``uow.short_write``), which wakes the senders once it has committed.


def to_producer(
    uow: UnitOfWork, kind: str, producer_id: int, *, on: Session | None = None, **payload: Any
) -> None:
    """To the producer's Telegram group and to its staff linked on Zalo."""
    to_producer_group(uow, kind, producer_id, on=on, **payload)
    to_zalo_staff(uow, kind, producer_id, on=on, **payload)


def to_producer_group(
    uow: UnitOfWork, kind: str, producer_id: int, *, on: Session | None = None, **payload: Any
) -> None:
    """To the producer's Telegram group only (it waits while the producer has none)."""
    _queue(uow, OutboxMessage(kind=kind, producer_id=producer_id, payload=payload), on)


def to_zalo_staff(
    uow: UnitOfWork, kind: str, producer_id: int, *, on: Session | None = None, **payload: Any
) -> None:
    """To whoever is linked on Zalo for the producer when it is sent (maybe nobody)."""
    _queue(uow, ZaloOutboxMessage(kind=kind, producer_id=producer_id, payload=payload), on)


def to_zalo_user(uow: UnitOfWork, kind: str, zalo_id: str, **payload: Any) -> None:
    _queue(uow, ZaloOutboxMessage(kind=kind, zalo_id=zalo_id, payload=payload))


def to_user(
    uow: UnitOfWork, kind: str, user_id: int, *, on: Session | None = None, **payload: Any
) -> None:
    """To a person on Telegram (a customer's news goes by ``to_customer``)."""
    _queue(uow, OutboxMessage(kind=kind, user_id=user_id, payload=payload), on)


def to_customer(
    uow: UnitOfWork,
    kind: str,
    user_id: int,
    channel: str,
    *,
    on: Session | None = None,
    **payload: Any,
) -> None:
    """To a customer on the channel they shop on (an order's ``channel``)."""
    if channel == Channel.messenger:
        row = MessengerOutboxMessage(kind=kind, user_id=user_id, payload=payload)
        _queue(uow, row, on)
    else:
        to_user(uow, kind, user_id, on=on, **payload)


def to_admins(uow: UnitOfWork, event: str, *, on: Session | None = None, **payload: Any) -> None:
    row = OutboxMessage(kind=OutboxKind.admin_notice, payload={"event": event, **payload})
    _queue(uow, row, on)


def _queue(
    uow: UnitOfWork,
    row: OutboxMessage | ZaloOutboxMessage | MessengerOutboxMessage,
    on: Session | None = None,
) -> None:
    (on or uow.session).add(row)
    uow.outbox_written()  # the senders are woken when the transaction commits


def alert_producers(
    uow: UnitOfWork,
    session: Session,
    orders: Iterable[tuple[int, int]],
    groupless: Collection[int] = (),
) -> None:
    """An order alert for each new (order id, producer id) to the producer's Telegram group
    and its Zalo staff, as ``to_producer`` does: one statement per channel, on the sync
    ``session`` of a short write (``uow.short_write``), which wakes the senders once it
    has committed.

    ``groupless``: the producers without a group. Those whose staff are on Zalo get no
    Telegram row (their staff have the order; a group linked later needs no backlog of it);
    the others' rows wait for a group."""
    rows = [
        {"kind": OutboxKind.order_alert, "producer_id": producer, "payload": {"order_id": order}}
        for order, producer in orders
    ]
    if not rows:
        return
    on_zalo_only: set[int] = set()
    if groupless:
        on_zalo_only = set(
            session.scalars(
                select(ZaloStaff.producer_id).where(ZaloStaff.producer_id.in_(groupless))
            )
        )
    telegram = [row for row in rows if row["producer_id"] not in on_zalo_only]
    if telegram:
        session.execute(insert(OutboxMessage), telegram)
    session.execute(insert(ZaloOutboxMessage), rows)
    uow.outbox_written()
