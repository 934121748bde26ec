"""Bank notifications in: stored once, before anything is done with them (then applied,
``catalog.services.payments.applying``), and what became of each.

Storing is its own short transaction, keyed by (provider, transaction id): a provider's
retry, a duplicate delivery or a transfer found again by reconciliation finds its row and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from catalog.db import upsert
from catalog.models import (
    NotificationState,
    PaymentNotification,
    Producer,
    utcnow,
)
from catalog.payments.incoming import Incoming
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
