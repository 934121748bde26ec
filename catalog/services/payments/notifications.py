"""Bank notifications in: stored once, then applied to the order they pay, exactly once.

Storing is its own short transaction, keyed by (provider, transaction id): a provider's
retry, a duplicate delivery or a transfer found again by reconciliation finds its row and
changes nothing. Applying claims the row (``received`` → settled) in the transaction that
counts the money, so two workers (or a worker and the sweeper) cannot both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from catalog import outbox, rules
from catalog.db import upsert
from catalog.models import (
    NotificationState,
    Order,
    PaymentLink,
    PaymentNotification,
    PaymentProvider,
    Producer,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.payments.incoming import Incoming
from catalog.payments.matching import readings
from catalog.services.payments.ledger import Reason, credit, tell
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

    def write(connection: Connection) -> Stored:
        table = PaymentNotification
        inserted = connection.execute(
            upsert(connection, table)
            .values(
                provider=incoming.provider,
                transaction_id=incoming.transaction_id,
                producer_id=producer_id,
                account_number=(incoming.sub_account or incoming.account_number)[:32],
                incoming=incoming.incoming,
                amount=incoming.amount,
                content=incoming.content[:MAX_CONTENT],
                code=incoming.code[:64],
                reference=incoming.reference[:64],
                transacted_at=incoming.transacted_at,
                payload=incoming.payload,
                state=NotificationState.received,
                note="",
                via=via,
                received_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["provider", "transaction_id"])
            .returning(table.id)
        ).scalar()
        if inserted is not None:
            return Stored(inserted, new=True)
        existing = connection.execute(
            select(table.id).where(
                table.provider == incoming.provider,
                table.transaction_id == incoming.transaction_id,
            )
        ).scalar_one()
        return Stored(existing, new=False)

    return await uow.short_write(write)


async def apply(uow: UnitOfWork, notification_id: int) -> Outcome:
    """Count a stored notification on the order it pays, or leave it for a person."""
    return await uow.short_write(
        lambda connection: _apply(uow, Session(connection), notification_id)
    )


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


def _apply(uow: UnitOfWork, session: Session, notification_id: int) -> Outcome:
    with session:
        claimed = session.scalars(
            update(PaymentNotification)
            .where(
                PaymentNotification.id == notification_id,
                PaymentNotification.state == NotificationState.received,
            )
            .values(state=NotificationState.applied, settled_at=utcnow())
            .returning(PaymentNotification)
        ).one_or_none()
        if claimed is None:
            return Outcome("done")
        outcome = _settle(uow, session, claimed)
        session.flush()  # the short write commits
        return outcome


def _settle(uow: UnitOfWork, session: Session, notice: PaymentNotification) -> Outcome:
    if not notice.incoming or notice.amount <= 0:
        return _leave(session, notice, NotificationState.ignored, Why.money_out)
    if notice.producer_id is None:
        outcome = _leave(session, notice, NotificationState.unmatched, Why.no_account)
        outbox.to_admins(uow, AdminEvent.transfer_unmatched, on=session, **_shown(notice))
        return outcome
    order_id, state, note = _match(session, notice)
    if order_id is None:
        outcome = _leave(session, notice, state, note)
        if state == NotificationState.unmatched:
            outbox.to_producer(
                uow, OutboxKind.transfer_unmatched, notice.producer_id, on=session,
                **_shown(notice),
            )  # fmt: skip
        return outcome
    moved = credit(
        session, order_id, notice.amount, reason=Reason.transfer, notification_id=notice.id
    )
    notice.order_id = order_id
    tell(uow, session, moved)
    return Outcome(moved.event.value, order_id)


def _leave(
    session: Session, notice: PaymentNotification, state: NotificationState, note: str
) -> Outcome:
    notice.state, notice.note = state, note[:200]
    session.flush()
    return Outcome(state.value, None, note)


def _shown(notice: PaymentNotification) -> dict[str, object]:
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
        "note": notice.note,
        "at": notice.transacted_at.isoformat() if notice.transacted_at else "",
    }


def _match(
    session: Session, notice: PaymentNotification
) -> tuple[int | None, NotificationState, str]:
    """The producer's order the transfer pays: (order, state, note)."""
    producer_id = notice.producer_id
    if notice.provider == PaymentProvider.payos:
        return _match_link(session, notice)
    named: set[int] = set()
    for ids in readings(notice.content, notice.code):
        named.update(ids)
        found = session.execute(
            select(Order.id, Order.total, Order.amount_paid)
            .where(Order.producer_id == producer_id, Order.id.in_(ids))
            .order_by(Order.id)
        ).all()
        if len(found) == 1:
            return found[0].id, NotificationState.applied, ""
        if found:
            exact = [row.id for row in found if row.total - row.amount_paid == notice.amount]
            if len(exact) == 1:
                return exact[0], NotificationState.applied, ""
            numbers = ", ".join(rules.format_order_number(row.id) for row in found)
            return None, NotificationState.unmatched, f"{Why.several} {numbers}"
    if named:
        others = session.scalars(select(Order.id).where(Order.id.in_(named)).limit(3)).all()
        if others:
            numbers = ", ".join(rules.format_order_number(i) for i in others)
            return None, NotificationState.unmatched, f"{Why.other_producer} {numbers}"
    return None, NotificationState.unmatched, Why.no_number


def _match_link(
    session: Session, notice: PaymentNotification
) -> tuple[int | None, NotificationState, str]:
    data = notice.payload.get("data")
    link_id = str(data.get("paymentLinkId") or "") if isinstance(data, dict) else ""
    order_id = session.scalar(
        select(PaymentLink.order_id)
        .join(Order, Order.id == PaymentLink.order_id)
        .where(PaymentLink.link_id == link_id, Order.producer_id == notice.producer_id)
    )
    if order_id is not None:
        return order_id, NotificationState.applied, ""
    named = session.scalar(
        select(Order.id).where(
            Order.id == _digits(notice.code), Order.producer_id == notice.producer_id
        )
    )
    if named is not None:
        return None, NotificationState.unmatched, Why.unknown_link
    # payOS's test call (confirm-webhook), or a link of something other than the shop.
    return None, NotificationState.ignored, Why.not_ours


def _digits(code: str) -> int:
    return int(code) if code.isdigit() and len(code) < 16 else -1
