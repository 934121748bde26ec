"""Bank notifications in: stored once, then applied to the order they pay, exactly once.

Storing is its own short transaction, keyed by (provider, transaction id): a provider's
retry, a duplicate delivery or a transfer found again by reconciliation finds its row and
changes nothing. Applying claims the row (``received`` → settled) in the transaction that
counts the money, so two workers (or a worker and the sweeper) cannot both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from catalog import rules
from catalog.db import upsert
from catalog.models import (
    NotificationState,
    Order,
    OutboxMessage,
    PaymentChange,
    PaymentLink,
    PaymentNotification,
    PaymentProvider,
    PaymentStatus,
    Producer,
    ZaloOutboxMessage,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.payments.incoming import Incoming
from catalog.payments.matching import readings
from catalog.services.payments.ledger import RESTATED, news, receive_many
from catalog.uow import UnitOfWork

MAX_CONTENT = 500


class Why:
    """Why a transfer waits for a person (or is ignored): the start of its note."""

    no_number = "no_number"  # no order number in the content
    several = "several"  # several of the producer's orders named, the amount fits none alone
    other_producer = "other_producer"  # it names another producer's order
    no_account = "no_account"  # money to an account no producer has
    unknown_link = "unknown_link"  # payOS: a payment link the shop did not make
    not_ours = "not_ours"  # payOS: its test call, or a link of something else
    money_out = "money_out"


@dataclass(frozen=True, slots=True)
class Account:
    producer_id: int
    producer_code: str


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    new: bool  # False: the provider told of this transfer before


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a notification came to: ``result`` is ``paid``, ``part``, ``over``, ``late``
    (an event of the order), ``unmatched`` (waits for a person), ``ignored`` (money out,
    a provider's test) or ``done`` (applied before)."""

    result: str
    order_id: int | None = None
    note: str = ""


async def producer_accounts(uow: UnitOfWork) -> dict[str, Account]:
    """Every producer's bank account number, and who has it."""
    async with uow.reading():
        rows = await uow.session.execute(
            select(Producer.bank_account, Producer.id, Producer.code).where(
                Producer.bank_account.is_not(None)
            )
        )
        return {number: Account(pid, code) for number, pid, code in rows if number}


async def store(
    uow: UnitOfWork, incoming: Incoming, producer_id: int | None, *, via: str = "webhook"
) -> Stored:
    """The notification, kept once (its own short transaction, before anything else)."""
    [stored] = await store_many(uow, [(incoming, producer_id)], via=via)
    return stored


async def store_many(
    uow: UnitOfWork, items: list[tuple[Incoming, int | None]], *, via: str = "webhook"
) -> list[Stored]:
    """``store`` for several notifications in one short transaction (one statement): each is
    new only the first time its (provider, transaction id) is seen, even twice in one call."""
    return await uow.short_write(lambda connection: _store(connection, items, via))


def _store(
    connection: Connection, items: list[tuple[Incoming, int | None]], via: str
) -> list[Stored]:
    now = utcnow()
    first: dict[tuple[str, str], int] = {}  # each key's first place in ``items``
    rows = []
    for place, (incoming, producer_id) in enumerate(items):
        key = (incoming.provider.value, incoming.transaction_id)
        if key in first:
            continue
        first[key] = place
        rows.append(
            {
                "provider": incoming.provider,
                "transaction_id": incoming.transaction_id,
                "producer_id": producer_id,
                "account_number": (incoming.sub_account or incoming.account_number)[:32],
                "incoming": incoming.incoming,
                "amount": incoming.amount,
                "content": incoming.content[:MAX_CONTENT],
                "code": incoming.code[:64],
                "reference": incoming.reference[:64],
                "transacted_at": incoming.transacted_at,
                "payload": incoming.payload,
                "state": NotificationState.received,
                "note": "",
                "via": via,
                "received_at": now,
            }
        )
    table = PaymentNotification
    # One statement for the batch, compiled once: executemany with RETURNING (SQLAlchemy's
    # "insertmanyvalues"); rows a conflict skipped are not returned.
    insert_once = (
        upsert(connection, table)
        .on_conflict_do_nothing(index_elements=["provider", "transaction_id"])
        .returning(table.id, table.provider, table.transaction_id)
    )
    inserted = {
        (row.provider.value, row.transaction_id): row.id
        for row in connection.execute(insert_once, rows)
    }
    known: dict[tuple[str, str], int] = {}
    missing = [key for key in first if key not in inserted]
    for provider in {key[0] for key in missing}:
        found = connection.execute(
            select(table.id, table.transaction_id).where(
                table.provider == provider,
                table.transaction_id.in_([key[1] for key in missing if key[0] == provider]),
            )
        )
        known.update(((provider, row.transaction_id), row.id) for row in found)
    stored = []
    for place, (incoming, _producer) in enumerate(items):
        key = (incoming.provider.value, incoming.transaction_id)
        if key in inserted:
            stored.append(Stored(inserted[key], new=first[key] == place))
        else:
            stored.append(Stored(known[key], new=False))
    return stored


async def apply(uow: UnitOfWork, notification_id: int) -> Outcome:
    """Count a stored notification on the order it pays, or leave it for a person."""
    [outcome] = await apply_many(uow, [notification_id])
    return outcome


async def apply_many(uow: UnitOfWork, notification_ids: list[int]) -> list[Outcome]:
    """``apply`` for several notifications in one transaction (a receiver under load gathers
    what arrived meanwhile); an outcome for each, in order."""
    return await uow.short_write(lambda connection: _apply(uow, connection, notification_ids))


async def waiting(
    uow: UnitOfWork, older_than: timedelta, now: datetime | None = None
) -> list[tuple[int, str]]:
    """Notifications stored but never applied (the worker stopped in between): (id,
    provider)."""
    cutoff = (now or utcnow()) - older_than
    async with uow.reading():
        rows = await uow.session.execute(
            select(PaymentNotification.id, PaymentNotification.provider)
            .where(
                PaymentNotification.state == NotificationState.received,
                PaymentNotification.received_at <= cutoff,
            )
            .order_by(PaymentNotification.id)
            .limit(500)
        )
        return [(notification_id, provider.value) for notification_id, provider in rows]


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

    # Every row names every column it may fill: they are inserted in one statement.
    def to_user(self, kind: str, user_id: int, payload: dict[str, Any]) -> None:
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
        for (_order, _amount, notification_id), moved in zip(received, moves, strict=True):
            customer, producer = news(moved)
            batch.to_user(OutboxKind.payment_notice, moved.user_id, customer)
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
