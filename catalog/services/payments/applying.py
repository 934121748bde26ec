"""Applying stored notifications: each counted on the order its content names (of the
producer whose account got the money), or left for a person, exactly once — the claim
(``received`` → settled) is in the transaction that counts the money, so two workers (or a
worker and the sweeper) cannot both apply one. Several are applied in one transaction when
they arrive together (a receiver under load), with statements built once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from catalog import rules
from catalog.models import (
    Channel,
    MessengerOutboxMessage,
    NotificationState,
    Order,
    OutboxMessage,
    PaymentChange,
    PaymentLink,
    PaymentNotification,
    PaymentProvider,
    PaymentStatus,
    ZaloOutboxMessage,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.payments.matching import readings
from catalog.services.payments.ledger import RESTATED, count_paid, news, receive_many
from catalog.services.payments.notifications import Outcome, Why
from catalog.uow import UnitOfWork


async def apply(uow: UnitOfWork, notification_id: int) -> Outcome:
    """Count a stored notification on the order it pays, or leave it for a person."""
    [outcome] = await apply_many(uow, [notification_id])
    return outcome


async def apply_many(uow: UnitOfWork, notification_ids: list[int]) -> list[Outcome]:
    """``apply`` for several notifications in one transaction (a receiver under load gathers
    what arrived meanwhile); an outcome for each, in order."""
    return await uow.short_write(lambda connection: _apply(uow, connection, notification_ids))


# Built once (a receiver under load runs them hundreds of times a second).
_COLUMNS = (
    PaymentNotification.id, PaymentNotification.provider, PaymentNotification.producer_id,
    PaymentNotification.incoming, PaymentNotification.amount, PaymentNotification.content,
    PaymentNotification.code, PaymentNotification.reference,
    PaymentNotification.account_number, PaymentNotification.transacted_at,
    PaymentNotification.payload,
)  # fmt: skip
_CLAIM = (
    update(PaymentNotification)
    .where(
        PaymentNotification.id.in_(bindparam("ids", expanding=True)),
        PaymentNotification.state == NotificationState.received,
    )
    .values(state=NotificationState.applied, settled_at=bindparam("now"))
    .returning(*_COLUMNS)
)
_SETTLE = (
    update(PaymentNotification)
    .where(PaymentNotification.id == bindparam("notification"))
    .values(state=bindparam("state"), note=bindparam("note"), order_id=bindparam("order"))
)
_NAMED = select(Order.id, Order.producer_id, Order.total, Order.amount_paid).where(
    Order.id.in_(bindparam("ids", expanding=True))
)
_LINKED = (
    select(PaymentLink.order_id)
    .join(Order, Order.id == PaymentLink.order_id)
    .where(PaymentLink.link_id == bindparam("link"), Order.producer_id == bindparam("producer"))
)
_PRODUCERS_ORDER = select(Order.id).where(
    Order.id == bindparam("order"), Order.producer_id == bindparam("producer")
)


@dataclass
class _Batch:
    """What a batch of notifications writes, gathered to be written together."""

    # The orders the batch's contents name: id -> (producer, total, paid before the batch).
    named: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    # What each notification's content was read as (catalog.payments.matching).
    readings: dict[int, list[tuple[int, ...]]] = field(default_factory=dict)
    settled: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    restated: dict[int, PaymentStatus] = field(default_factory=dict)
    telegram: list[dict[str, Any]] = field(default_factory=list)
    zalo: list[dict[str, Any]] = field(default_factory=list)
    messenger: list[dict[str, Any]] = field(default_factory=list)

    # Every row names every column it may fill: they are inserted in one statement.
    def to_customer(self, kind: str, user_id: int, channel: str, payload: dict[str, Any]) -> None:
        """On the channel the customer ordered on (as ``outbox.to_customer``)."""
        if channel == Channel.messenger:
            self.messenger.append({"kind": kind, "user_id": user_id, "payload": payload})
            return
        self.telegram.append(
            {"kind": kind, "user_id": user_id, "producer_id": None, "payload": payload}
        )

    def to_producer(self, kind: str, producer_id: int, payload: dict[str, Any]) -> None:
        row = {"kind": kind, "user_id": None, "producer_id": producer_id, "payload": payload}
        self.telegram.append(row)
        self.zalo.append({"kind": kind, "producer_id": producer_id, "payload": payload})

    def to_admins(self, payload: dict[str, Any]) -> None:
        self.telegram.append(
            {"kind": OutboxKind.admin_notice, "user_id": None, "producer_id": None,
             "payload": payload}
        )  # fmt: skip

    def write(self, uow: UnitOfWork, connection: Connection) -> None:
        if self.settled:
            connection.execute(_SETTLE, self.settled)
        if self.restated:
            connection.execute(
                RESTATED,
                [{"order_id": o, "payment_status": s} for o, s in self.restated.items()],
            )
        if self.history:
            connection.execute(insert(PaymentChange), self.history)
        if self.telegram:
            connection.execute(insert(OutboxMessage), self.telegram)
            uow.outbox_written()
        if self.zalo:
            connection.execute(insert(ZaloOutboxMessage), self.zalo)
        if self.messenger:
            connection.execute(insert(MessengerOutboxMessage), self.messenger)
            uow.outbox_written()


def _apply(uow: UnitOfWork, connection: Connection, ids: list[int]) -> list[Outcome]:
    claimed = connection.execute(_CLAIM, {"ids": ids, "now": utcnow()}).all()
    batch = _Batch()
    for notice in claimed:
        if notice.provider != PaymentProvider.payos:
            batch.readings[notice.id] = readings(notice.content, notice.code)
    named = {order for found in batch.readings.values() for reading in found for order in reading}
    if named:
        batch.named = {
            row.id: (row.producer_id, row.total, row.amount_paid)
            for row in connection.execute(_NAMED, {"ids": sorted(named)})
        }
    settled = {notice.id: _settle(connection, notice, batch) for notice in claimed}
    received = [
        (order_id, notice.amount, notice.id)
        for notice in claimed
        if isinstance(order_id := settled[notice.id], int)
    ]
    outcomes = {n: outcome for n, outcome in settled.items() if isinstance(outcome, Outcome)}
    if received:
        moves = receive_many(connection, received, history=batch.history, restated=batch.restated)
        count_paid(uow, moves)
        for (_order, _amount, notification_id), moved in zip(received, moves, strict=True):
            customer, producer = news(moved)
            batch.to_customer(OutboxKind.payment_notice, moved.user_id, moved.channel, customer)
            batch.to_producer(OutboxKind.payment_alert, moved.producer_id, producer)
            outcomes[notification_id] = Outcome(moved.event.value, moved.order_id)
    batch.write(uow, connection)
    return [outcomes.get(notification_id, Outcome("done")) for notification_id in ids]


def _settle(connection: Connection, notice: Row[Any], batch: _Batch) -> Outcome | int:
    """What becomes of one notification; an order's id when it pays one (counted with the
    batch's other transfers)."""
    if not notice.incoming or notice.amount <= 0:
        return _leave(batch, notice, NotificationState.ignored, Why.money_out)
    if notice.producer_id is None:
        batch.to_admins({"event": AdminEvent.transfer_unmatched, **_shown(notice, Why.no_account)})
        return _leave(batch, notice, NotificationState.unmatched, Why.no_account)
    order_id, state, note = _match(connection, notice, batch)
    if order_id is None:
        if state == NotificationState.unmatched:
            shown = _shown(notice, note)
            batch.to_producer(OutboxKind.transfer_unmatched, notice.producer_id, shown)
        return _leave(batch, notice, state, note)
    batch.settled.append(
        {"notification": notice.id, "state": NotificationState.applied, "note": "",
         "order": order_id}
    )  # fmt: skip
    return order_id


def _leave(batch: _Batch, notice: Row[Any], state: NotificationState, note: str) -> Outcome:
    batch.settled.append(
        {"notification": notice.id, "state": state, "note": note[:200], "order": None}
    )
    return Outcome(state.value, None, note)


def _shown(notice: Row[Any], note: str) -> dict[str, object]:
    """Everything a person needs to find the order a transfer pays."""
    data = notice.payload.get("data") if isinstance(notice.payload.get("data"), dict) else {}
    payer = str((data or {}).get("counterAccountName") or "")
    return {
        "notification_id": notice.id,
        "provider": notice.provider.value,
        "amount": notice.amount,
        "content": notice.content,
        "account": notice.account_number,
        "reference": notice.reference,
        "payer": payer,
        "note": note,
        "at": notice.transacted_at.isoformat() if notice.transacted_at else "",
    }


def _match(
    connection: Connection, notice: Row[Any], batch: _Batch
) -> tuple[int | None, NotificationState, str]:
    """The producer's order the transfer pays: (order, state, note), from the orders the
    batch's contents name (read once for the batch)."""
    if notice.provider == PaymentProvider.payos:
        return _match_link(connection, notice)
    named = batch.named
    seen: list[int] = []
    for ids in batch.readings.get(notice.id, []):
        seen += ids
        found = [i for i in ids if i in named and named[i][0] == notice.producer_id]
        if len(found) == 1:
            return found[0], NotificationState.applied, ""
        if found:
            exact = [i for i in found if named[i][1] - named[i][2] == notice.amount]
            if len(exact) == 1:
                return exact[0], NotificationState.applied, ""
            numbers = ", ".join(rules.format_order_number(i) for i in sorted(found))
            return None, NotificationState.unmatched, f"{Why.several} {numbers}"
    others = [i for i in dict.fromkeys(seen) if i in named][:3]
    if others:
        numbers = ", ".join(rules.format_order_number(i) for i in others)
        return None, NotificationState.unmatched, f"{Why.other_producer} {numbers}"
    return None, NotificationState.unmatched, Why.no_number


def _match_link(
    connection: Connection, notice: Row[Any]
) -> tuple[int | None, NotificationState, str]:
    data = notice.payload.get("data") if isinstance(notice.payload, dict) else None
    link_id = str(data.get("paymentLinkId") or "") if isinstance(data, dict) else ""
    producer = notice.producer_id
    order_id = connection.scalar(_LINKED, {"link": link_id, "producer": producer})
    if order_id is not None:
        return order_id, NotificationState.applied, ""
    named = connection.scalar(
        _PRODUCERS_ORDER, {"order": _digits(notice.code), "producer": producer}
    )
    if named is not None:
        return None, NotificationState.unmatched, Why.unknown_link
    # payOS's test call (confirm-webhook), or a link of something other than the shop.
    return None, NotificationState.ignored, Why.not_ours


def _digits(code: str) -> int:
    return int(code) if code.isdigit() and len(code) < 16 else -1
