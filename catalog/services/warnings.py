"""Warnings to the admins: each cause told once, again at most every so often while it lasts,
and "resolved" once when it clears.

Anything may raise a cause whenever it sees it (every check, every failed send): the rows of
``admin_warnings`` decide, for every process and across restarts, whether this is news.
``raise_warning``/``resolve_warning`` work in the caller's transaction and queue the notice
in the outbox with it; ``warn``/``clear`` are the same as a transaction of their own, and with
``by_outbox=False`` return what to say for a caller that tells the admins itself (what
watches the outbox cannot count on the outbox).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from catalog import outbox
from catalog.db import upsert
from catalog.models import AdminWarning, utcnow
from catalog.outbox import AdminEvent
from catalog.uow import UnitOfWork


class Cause(enum.StrEnum):
    outbox_stuck = "outbox_stuck"  # subject: the queue (bot/metrics.py OUTBOX_QUEUES)
    group_unreachable = "group_unreachable"  # subject: the producer's id
    zalo_unreachable = "zalo_unreachable"  # subject: the staff member's Zalo id
    zalo_quota = "zalo_quota"  # the month's Zalo messages are nearly spent
    redis_lost = "redis_lost"  # subject: the worker
    # subject: the provider (sepay, casso, payos). A receiver calls, per notification,
    # ``warn(uow, Cause.payment_signature, provider)`` when its signature check fails and
    # ``clear(uow, Cause.payment_signature, provider)`` when one passes (both cheap when
    # nothing changes: told once, resolved once).
    payment_signature = "payment_signature"
    backup_failed = "backup_failed"  # a scheduled backup failed
    # Meta restricted the Page from sending (Graph's 10/1893063): resolved by the first
    # message that gets through.
    messenger_restricted = "messenger_restricted"


class State(enum.StrEnum):
    raised = "raised"
    repeated = "repeated"
    resolved = "resolved"


HOURLY = timedelta(hours=1)
# Told again at most this often while the cause lasts; None: once, until it is resolved.
REPEAT: dict[Cause, timedelta | None] = {
    # Unlinked when it happens: nothing is sent to them again, there is nothing to repeat. A
    # group that only took away the bot's right to post is told once too: its alerts wait
    # and are retried meanwhile, and the first one through resolves it.
    Cause.group_unreachable: None,
    Cause.zalo_unreachable: None,
    # Once a month: the admins cannot buy more messages from the bot's chat.
    Cause.zalo_quota: None,
    # Meta lifts it on its own time, or on the Page's appeal: the customers' news waits and
    # is tried again meanwhile, and the first message through resolves it.
    Cause.messenger_restricted: None,
}


@dataclass(frozen=True, slots=True)
class Telling:
    """What the admins are to be told."""

    cause: Cause
    subject: str
    state: State
    since: datetime  # when the cause was raised
    detail: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """An admin notice's payload: the detail beside the warning's own keys (a producer's
        id among them, which the sender looks up)."""
        return {
            **self.detail,
            "cause": self.cause.value,
            "subject": self.subject,
            "state": self.state.value,
            "since": self.since.isoformat(),
        }


def _repeat(cause: Cause, repeat: timedelta | bool | None) -> timedelta | None:
    if repeat is True:
        return REPEAT.get(cause, HOURLY)
    return repeat or None


async def raise_warning(
    uow: UnitOfWork,
    cause: Cause,
    subject: str = "",
    *,
    now: datetime | None = None,
    repeat: timedelta | bool | None = True,
    by_outbox: bool = True,
    **detail: Any,
) -> Telling | None:
    """``cause`` is seen now; what to tell the admins if that is news (the first time, or
    ``repeat`` after the last telling; ``True``: the cause's own pace, ``REPEAT``), else
    None. In the caller's transaction; with ``by_outbox`` the notice is queued in it."""
    now = now or utcnow()
    session = uow.session
    row = await session.scalar(
        select(AdminWarning).where(AdminWarning.cause == cause, AdminWarning.subject == subject)
    )
    state, since = State.raised, now
    if row is None:
        taken = await session.scalar(
            upsert(session, AdminWarning)
            .values(cause=cause, subject=subject, detail=detail, raised_at=now, told_at=now)
            .on_conflict_do_nothing()
            .returning(AdminWarning.cause)
        )
    else:
        every = _repeat(cause, repeat)
        if row.resolved_at is not None:
            condition = AdminWarning.resolved_at == row.resolved_at
            values: dict[str, Any] = {"raised_at": now, "resolved_at": None}
        elif every is not None and now - row.told_at >= every:
            condition = AdminWarning.told_at == row.told_at
            state, since, values = State.repeated, row.raised_at, {}
        else:
            return None
        # Conditional on what was read: of two processes seeing the same cause, one tells.
        taken = await session.scalar(
            update(AdminWarning)
            .where(AdminWarning.cause == cause, AdminWarning.subject == subject, condition)
            .values(told_at=now, detail=detail, **values)
            .returning(AdminWarning.cause)
        )
    if taken is None:
        return None
    telling = Telling(cause, subject, state, since, detail)
    if by_outbox:
        outbox.to_admins(uow, AdminEvent.warning, **telling.payload())
    return telling


async def resolve_warning(
    uow: UnitOfWork,
    cause: Cause,
    subject: str = "",
    *,
    now: datetime | None = None,
    by_outbox: bool = True,
    quietly: bool = False,
) -> Telling | None:
    """``cause`` is over: what to tell the admins if it was raised, else None. In the
    caller's transaction. ``quietly``: the admins hear of it otherwise (a group linked)."""
    resolved = (
        await uow.session.execute(
            update(AdminWarning)
            .where(
                AdminWarning.cause == cause,
                AdminWarning.subject == subject,
                AdminWarning.resolved_at.is_(None),
            )
            .values(resolved_at=now or utcnow())
            .returning(AdminWarning.raised_at, AdminWarning.detail)
        )
    ).first()
    if resolved is None or quietly:
        return None
    telling = Telling(cause, subject, State.resolved, resolved.raised_at, resolved.detail)
    if by_outbox:
        outbox.to_admins(uow, AdminEvent.warning, **telling.payload())
    return telling


async def warn(
    uow: UnitOfWork,
    cause: Cause,
    subject: str = "",
    *,
    repeat: timedelta | bool | None = True,
    by_outbox: bool = True,
    **detail: Any,
) -> Telling | None:
    """``raise_warning`` as a transaction of its own."""
    async with uow:
        telling = await raise_warning(
            uow, cause, subject, repeat=repeat, by_outbox=by_outbox, **detail
        )
        if telling is not None:
            await uow.commit()
        return telling


async def clear(
    uow: UnitOfWork, cause: Cause, subject: str = "", *, by_outbox: bool = True
) -> Telling | None:
    """``resolve_warning`` as a transaction of its own."""
    async with uow:
        telling = await resolve_warning(uow, cause, subject, by_outbox=by_outbox)
        if telling is not None:
            await uow.commit()
        return telling


@dataclass(frozen=True, slots=True)
class Raised:
    cause: str
    subject: str
    since: datetime


async def raised(uow: UnitOfWork, causes: tuple[Cause, ...] = tuple(Cause)) -> list[Raised]:
    """The warnings that last now, of ``causes``."""
    async with uow.reading():
        rows = await uow.session.execute(
            select(AdminWarning.cause, AdminWarning.subject, AdminWarning.raised_at).where(
                AdminWarning.resolved_at.is_(None), AdminWarning.cause.in_(causes)
            )
        )
        return [Raised(cause, subject, since) for cause, subject, since in rows]
