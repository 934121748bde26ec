"""The senders' side of the outbox: claiming due rows with a lease, settling them (sent,
postponed, retried with backoff, failed), and spreading a row meant for many people.

One set for every channel: the Telegram sender (bot/outbox/), the Zalo sender
(bot/zalo/sender.py) and the Messenger sender (bot/messenger/sender.py) pass the table they
deliver, ``OutboxMessage``, ``ZaloOutboxMessage`` or ``MessengerOutboxMessage``.
Delivery is at least once: a sender that dies leaves its lease to run out, and the rows it
held are claimed and sent again then.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import exists, or_, select, update

from catalog import outbox
from catalog.models import (
    AdminWarning,
    MessengerOutboxMessage,
    OutboxMessage,
    OutboxStatus,
    Producer,
    ZaloOutboxMessage,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services.orders.status import note_alert
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

Table = type[OutboxMessage] | type[ZaloOutboxMessage] | type[MessengerOutboxMessage]
Row = OutboxMessage | ZaloOutboxMessage | MessengerOutboxMessage

BATCH = 200
MAX_BACKOFF = 300.0
# Why a Telegram row was settled without being sent.
SERVED_ON_ZALO = "not sent: the producer's staff get its orders on Zalo"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this sender holds the lease of."""

    id: int
    kind: str
    payload: dict[str, Any]
    producer_id: int | None = None
    user_id: int | None = None  # Telegram: a person's private chat (or an admin's)
    zalo_id: str | None = None  # Zalo: a staff member's chat
    parts_sent: int = 0  # Zalo: parts of a long message already sent


def cast_row(row: object) -> Row:
    """A row of either table (SQLAlchemy types ``select(table)`` of a union as its base)."""
    return cast(Row, row)


def _claimed(row: Row) -> Claimed:
    if isinstance(row, MessengerOutboxMessage):
        return Claimed(row.id, row.kind, row.payload, user_id=row.user_id)
    if isinstance(row, ZaloOutboxMessage):
        return Claimed(
            row.id, row.kind, row.payload, row.producer_id,
            zalo_id=row.zalo_id, parts_sent=row.parts_sent,
        )  # fmt: skip
    return Claimed(row.id, row.kind, row.payload, row.producer_id, user_id=row.user_id)


async def claim(
    uow: UnitOfWork, table: Table, *, now: datetime, lease_seconds: float, limit: int = BATCH
) -> list[Claimed]:
    """Lease the rows due now for this sender; returns those it got, by id.

    Telegram alerts for a producer without a group wait until one is linked; Zalo rows for a
    producer wait to be spread to its staff (``fan_out_to_zalo_staff``). The lease doubles as
    a claim token: another process claiming the same rows writes its own value, and only
    rows carrying ours are ours."""
    lease = now + timedelta(seconds=lease_seconds, microseconds=secrets.randbelow(1_000_000))
    async with uow:
        due = select(table.id).where(table.status == OutboxStatus.pending)
        if table is OutboxMessage:
            due = due.outerjoin(Producer, Producer.id == OutboxMessage.producer_id).where(
                or_(OutboxMessage.producer_id.is_(None), Producer.group_chat_id.is_not(None))
            )
        elif table is ZaloOutboxMessage:
            due = due.where(ZaloOutboxMessage.zalo_id.is_not(None))
        due = due.where(table.next_attempt_at <= now).order_by(table.id).limit(limit)
        ids = list(await uow.session.scalars(due))
        if not ids:
            return []
        await uow.session.execute(
            update(table)
            .where(
                table.id.in_(ids),
                table.status == OutboxStatus.pending,
                table.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease)
        )
        await uow.commit()
    async with uow.reading():
        rows = await uow.session.scalars(
            select(table)
            .where(table.id.in_(ids), table.next_attempt_at == lease)
            .order_by(table.id)
        )
        return [_claimed(cast_row(row)) for row in rows]


async def mark_sent(
    uow: UnitOfWork, table: Table, ids: Sequence[int], *, alert: tuple[int, int, int] | None = None
) -> None:
    """The rows went out. ``alert``: (order, chat, message) of the group message that now
    shows the order, so that status changes can edit it."""
    async with uow:
        if ids:
            await uow.session.execute(
                update(table)
                .where(table.id.in_(ids))
                .values(status=OutboxStatus.sent, sent_at=utcnow())
            )
        if alert is not None:
            await note_alert(uow, *alert)
        await uow.commit()


async def note_parts_sent(uow: UnitOfWork, row_id: int, parts_sent: int) -> None:
    """How much of a long Zalo message went out, in the caller's transaction (a retry goes
    on from there)."""
    await uow.session.execute(
        update(ZaloOutboxMessage)
        .where(ZaloOutboxMessage.id == row_id)
        .values(parts_sent=parts_sent)
    )


async def postpone(uow: UnitOfWork, table: Table, ids: Iterable[int], until: datetime) -> None:
    """The rows still pending are due again at ``until`` (no attempt is counted)."""
    async with uow:
        await uow.session.execute(
            update(table)
            .where(table.id.in_(list(ids)), table.status == OutboxStatus.pending)
            .values(next_attempt_at=until)
        )
        await uow.commit()


async def retry_later(uow: UnitOfWork, table: Table, ids: Iterable[int], error: str) -> None:
    """An attempt failed for a passing reason: the rows still pending are due again after a
    wait that doubles with each attempt (up to five minutes)."""
    async with uow:
        rows = await uow.session.scalars(
            select(table).where(table.id.in_(list(ids)), table.status == OutboxStatus.pending)
        )
        for row in map(cast_row, rows):
            row.attempts += 1
            row.last_error = error[:500]
            row.next_attempt_at = utcnow() + timedelta(seconds=min(2.0**row.attempts, MAX_BACKOFF))
        await uow.commit()


async def fail(
    uow: UnitOfWork,
    table: Table,
    ids: Iterable[int],
    error: str,
    *,
    tell_admins: tuple[int | str, str] | None = None,
) -> None:
    """The rows will not be sent: they keep the error. ``tell_admins``: (the recipient, what
    went wrong) for a notice to the admins."""
    async with uow:
        await uow.session.execute(
            update(table)
            .where(table.id.in_(list(ids)))
            .values(status=OutboxStatus.failed, last_error=error[:500])
        )
        if tell_admins is not None:
            target, what = tell_admins
            outbox.to_admins(uow, AdminEvent.delivery_failed, target=target, error=what[:200])
        await uow.commit()


async def fan_out_admin_notices(uow: UnitOfWork, admin_ids: Sequence[int]) -> None:
    """A notice for the admins becomes one row per admin, so that each admin's delivery
    succeeds or retries on its own."""
    async with uow:
        shared = list(
            await uow.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == OutboxKind.admin_notice,
                    OutboxMessage.status == OutboxStatus.pending,
                    OutboxMessage.user_id.is_(None),
                )
            )
        )
        if not shared:
            return
        for row in shared:
            for admin_id in admin_ids:
                _copy(uow, row, user_id=admin_id)
            row.status = OutboxStatus.sent
            row.sent_at = utcnow()
        await uow.commit()


async def settle_groupless_rows(uow: UnitOfWork) -> None:
    """Telegram rows of producers without a group: those of a producer whose staff are on
    Zalo are left out (the staff had them there, and a group linked later needs no backlog);
    the others wait for a group, and the admins hear (once) of each such producer, unless
    they were warned that its group refuses the bot (which says its alerts wait)."""
    async with uow:
        waiting = list(
            await uow.session.execute(
                select(
                    Producer.id,
                    Producer.unlinked_warning_sent,
                    exists().where(ZaloStaff.producer_id == Producer.id),
                )
                .join(OutboxMessage, OutboxMessage.producer_id == Producer.id)
                .where(
                    OutboxMessage.status == OutboxStatus.pending, Producer.group_chat_id.is_(None)
                )
                .distinct()
            )
        )
        on_zalo = [producer for producer, _told, staffed in waiting if staffed]
        untold = [producer for producer, told, staffed in waiting if not (told or staffed)]
        if untold:
            warned = set(
                await uow.session.scalars(
                    select(AdminWarning.subject).where(
                        AdminWarning.cause == Cause.group_unreachable,
                        AdminWarning.subject.in_([str(producer) for producer in untold]),
                        AdminWarning.resolved_at.is_(None),
                    )
                )
            )
            untold = [producer for producer in untold if str(producer) not in warned]
        if not (on_zalo or untold):
            return
        if on_zalo:
            await uow.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.producer_id.in_(on_zalo),
                    OutboxMessage.status == OutboxStatus.pending,
                )
                .values(status=OutboxStatus.sent, sent_at=utcnow(), last_error=SERVED_ON_ZALO)
            )
        for producer_id in untold:
            outbox.to_admins(uow, AdminEvent.orders_waiting, producer_id=producer_id)
        if untold:
            await uow.session.execute(
                update(Producer).where(Producer.id.in_(untold)).values(unlinked_warning_sent=True)
            )
        await uow.commit()


async def hand_waiting_alerts_to_zalo(uow: UnitOfWork, producer_id: int) -> None:
    """A staff member was linked on Zalo while the producer has no group: the alerts that
    waited for one go to the Zalo staff instead (nobody had them; once a producer has staff,
    none wait), in the caller's transaction."""
    waiting = list(
        await uow.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.producer_id == producer_id,
                OutboxMessage.kind == OutboxKind.order_alert,
                OutboxMessage.status == OutboxStatus.pending,
            )
        )
    )
    for row in waiting:
        outbox.to_zalo_staff(uow, row.kind, producer_id, **row.payload)
        row.status = OutboxStatus.sent
        row.sent_at = utcnow()
        row.last_error = SERVED_ON_ZALO


async def fan_out_to_zalo_staff(uow: UnitOfWork) -> None:
    """A Zalo row for a producer becomes one row per staff member linked now (the one who
    acted on Zalo is answered directly and skipped); with nobody linked it is settled."""
    async with uow:
        shared = list(
            await uow.session.scalars(
                select(ZaloOutboxMessage).where(
                    ZaloOutboxMessage.status == OutboxStatus.pending,
                    ZaloOutboxMessage.zalo_id.is_(None),
                )
            )
        )
        if not shared:
            return
        staff: dict[int, list[str]] = defaultdict(list)
        for zalo_id, producer_id in await uow.session.execute(
            select(ZaloStaff.zalo_id, ZaloStaff.producer_id).where(
                ZaloStaff.producer_id.in_({row.producer_id for row in shared})
            )
        ):
            staff[producer_id].append(zalo_id)
        for row in shared:
            # Settled with a condition: another process fanning out the same row wins or
            # loses whole, so nobody gets a message twice.
            taken = await uow.session.execute(
                update(ZaloOutboxMessage)
                .where(
                    ZaloOutboxMessage.id == row.id,
                    ZaloOutboxMessage.status == OutboxStatus.pending,
                )
                .values(status=OutboxStatus.sent, sent_at=utcnow())
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            for zalo_id in staff.get(row.producer_id or -1, []):
                if zalo_id != row.payload.get("zalo_actor"):
                    _copy(uow, row, zalo_id=zalo_id)
        await uow.commit()


def _copy(uow: UnitOfWork, row: OutboxMessage | ZaloOutboxMessage, **recipient: object) -> None:
    """The row again, for one of the people it is meant for."""
    uow.session.add(
        type(row)(
            kind=row.kind,
            producer_id=row.producer_id,
            payload=row.payload,
            next_attempt_at=row.next_attempt_at,
            **recipient,
        )
    )
