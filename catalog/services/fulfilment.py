"""Producers' groups: single-use link codes, linking, unlinking and following a group.

Moving orders along is in catalog/services/orders/."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select, update

from catalog import outbox
from catalog.errors import ShopError
from catalog.models import (
    GroupLinkCode,
    Order,
    OutboxMessage,
    OutboxStatus,
    Producer,
    ZaloLinkCode,
    utcnow,
)
from catalog.outbox import AdminEvent
from catalog.services import warnings
from catalog.services.producers import ProducerNotFound, release_group
from catalog.services.warnings import Cause
from catalog.text import Named
from catalog.uow import UnitOfWork

LINK_CODE_LIFETIME = timedelta(minutes=15)
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
LINK_CODE_LENGTH = 8


class LinkProblem(StrEnum):
    unknown = "unknown"
    used = "used"
    expired = "expired"


class LinkCodeRefused(ShopError):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class GroupLink:
    producer_id: int
    producer_name_vi: str
    producer_name_en: str
    created_by: int
    language: str

    def producer_name(self, language: str) -> str:
        return self.producer_name_en if language == "en" else self.producer_name_vi


@dataclass(frozen=True, slots=True)
class LinkedProducer(Named):
    id: int
    code: str
    name_vi: str
    name_en: str
    language: str
    chat_id: int  # the group's id now (a press from before it became a supergroup has another)


def _new_code() -> str:
    return "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))


async def create_link_code(
    uow: UnitOfWork,
    *,
    producer_id: int,
    created_by: int,
    now: datetime | None = None,
    kind: type[GroupLinkCode] | type[ZaloLinkCode] = GroupLinkCode,
) -> str:
    """A fresh single-use code that links a group (or, with ``kind=ZaloLinkCode``, a staff
    member's Zalo account) to the producer for the next 15 minutes."""
    now = now or utcnow()
    async with uow:
        if await uow.session.get(Producer, producer_id) is None:
            raise ProducerNotFound(producer_id)
        code = _new_code()
        uow.session.add(
            kind(
                code=code,
                producer_id=producer_id,
                created_by=created_by,
                expires_at=now + LINK_CODE_LIFETIME,
            )
        )
        await uow.commit()
        return code


def check_link_code(
    link: GroupLinkCode | ZaloLinkCode | None, now: datetime
) -> GroupLinkCode | ZaloLinkCode:
    """The code, if it may still be used; LinkCodeRefused says why not."""
    if link is None:
        raise LinkCodeRefused(LinkProblem.unknown)
    if link.used_at is not None:
        raise LinkCodeRefused(LinkProblem.used)
    if link.expires_at <= now:
        raise LinkCodeRefused(LinkProblem.expired)
    return link


async def valid_link_code(
    uow: UnitOfWork, kind: type[GroupLinkCode] | type[ZaloLinkCode], code: str, now: datetime
) -> GroupLinkCode | ZaloLinkCode:
    """The code as typed (any case, spaces around), if it may still be used."""
    normalized = code.strip().upper()
    return check_link_code(await uow.session.get(kind, normalized) if normalized else None, now)


async def spend_link_code(
    uow: UnitOfWork, link: GroupLinkCode | ZaloLinkCode, now: datetime, **used: object
) -> None:
    """Spend the code with a condition, so two people racing with it cannot both win."""
    kind = type(link)
    spent = await uow.session.execute(
        update(kind)
        .where(kind.code == link.code, kind.used_at.is_(None))
        .values(used_at=now, **used)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkCodeRefused(LinkProblem.used)


async def use_link_code(
    uow: UnitOfWork, *, code: str, chat_id: int, now: datetime | None = None
) -> GroupLink:
    """Link the group ``chat_id`` to the code's producer; the code is spent."""
    now = now or utcnow()
    async with uow:
        link = await valid_link_code(uow, GroupLinkCode, code, now)
        await spend_link_code(uow, link, now, used_in_chat=chat_id)
        # A group serves one producer: whoever had this group loses it.
        await release_group(uow, chat_id)
        producer = await uow.session.get(Producer, link.producer_id)
        assert producer is not None
        producer.group_chat_id = chat_id
        producer.former_group_chat_id = None
        producer.unlinked_warning_sent = False
        # Alerts that waited for a group are due now.
        await uow.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.producer_id == producer.id,
                OutboxMessage.status == OutboxStatus.pending,
            )
            .values(next_attempt_at=now)
        )
        # Told as "linked" just below, not as a warning resolved.
        await warnings.resolve_warning(
            uow, Cause.group_unreachable, str(producer.id), now=now, quietly=True
        )
        outbox.to_admins(
            uow,
            AdminEvent.group_linked,
            producer_id=producer.id,
            chat_id=chat_id,
            created_by=link.created_by,
        )
        result = GroupLink(
            producer.id,
            producer.name_vi,
            producer.name_en,
            link.created_by,
            producer.group_language,
        )
        await uow.commit()
        return result


async def unlink_group(
    uow: UnitOfWork, *, chat_id: int, bot_removed: bool = False, unreachable: str = ""
) -> int | None:
    """Release the group (its alerts wait for the next one); returns the producer it served,
    if any. Admins are warned when the bot was removed from it, or Telegram refuses to reach
    it (``unreachable``: what Telegram said): once while its alerts wait (the warning is
    resolved when a group is linked)."""
    async with uow:
        producer_id = await release_group(uow, chat_id)
        if producer_id is not None and (bot_removed or unreachable):
            await warnings.raise_warning(
                uow,
                Cause.group_unreachable,
                str(producer_id),
                producer_id=producer_id,
                chat_id=chat_id,
                error=unreachable[:200],
            )
        await uow.commit()
        return producer_id


async def group_refuses_posts(uow: UnitOfWork, *, chat_id: int, error: str) -> int | None:
    """The group took away the bot's right to post: its producer's alerts wait (the sender
    tries again now and then), and the admins are warned once. Returns the producer."""
    async with uow:
        producer_id = await uow.session.scalar(
            select(Producer.id).where(Producer.group_chat_id == chat_id)
        )
        if producer_id is not None:
            await warnings.raise_warning(
                uow,
                Cause.group_unreachable,
                str(producer_id),
                producer_id=producer_id,
                chat_id=chat_id,
                error=error[:200],
                may_not_post=True,
            )
            await uow.commit()
        return producer_id


async def group_posts_again(uow: UnitOfWork, *, chat_id: int) -> None:
    """A message got through to the group: its warning is resolved (should it refuse the bot
    again, the admins are warned again)."""
    async with uow:
        producer_id = await uow.session.scalar(
            select(Producer.id).where(Producer.group_chat_id == chat_id)
        )
        if producer_id is not None and await warnings.resolve_warning(
            uow, Cause.group_unreachable, str(producer_id)
        ):
            await uow.commit()


async def follow_group_migration(uow: UnitOfWork, *, old_chat_id: int, new_chat_id: int) -> None:
    """A group upgraded to a supergroup gets a new id: its producer follows it (as often as
    Telegram or a refused send says so). The cards posted before stay in the group, under its
    old id, and so do the orders' records of them: message ids do not carry over, so a card
    is never looked for in the supergroup; their buttons still count as the group's."""
    async with uow:
        await uow.session.execute(
            update(Producer)
            .where(Producer.group_chat_id == old_chat_id)
            .values(group_chat_id=new_chat_id, former_group_chat_id=old_chat_id)
        )
        await uow.commit()


async def producer_for_chat(uow: UnitOfWork, chat_id: int) -> LinkedProducer | None:
    """The producer whose group this is, or was until it became a supergroup (a press on a
    card posted before); ``chat_id`` of the answer is the group's id now."""
    async with uow.reading():
        producer = await uow.session.scalar(
            select(Producer).where(
                or_(Producer.group_chat_id == chat_id, Producer.former_group_chat_id == chat_id)
            )
        )
        if producer is None or producer.group_chat_id is None:
            return None
        return LinkedProducer(
            producer.id, producer.code, producer.name_vi, producer.name_en,
            producer.group_language, producer.group_chat_id,
        )  # fmt: skip


async def worked_in_group(uow: UnitOfWork, chat_id: int) -> bool:
    """Whether the shop has been in this group before: a link code was used or an order
    alert was posted there (a group linked by an operator directly has neither)."""
    async with uow.reading():
        used = await uow.session.scalar(
            select(GroupLinkCode.code).where(GroupLinkCode.used_in_chat == chat_id).limit(1)
        )
        if used is not None:
            return True
        alert = await uow.session.scalar(
            select(Order.id).where(Order.alert_chat_id == chat_id).limit(1)
        )
        return alert is not None


async def set_group_language(uow: UnitOfWork, *, chat_id: int, language: str) -> bool:
    async with uow:
        changed = await uow.session.execute(
            update(Producer)
            .where(Producer.group_chat_id == chat_id)
            .values(group_language=language)
        )
        await uow.commit()
        return bool(changed.rowcount)  # type: ignore[attr-defined]


__all__ = [
    "LINK_CODE_ALPHABET",
    "LINK_CODE_LENGTH",
    "LINK_CODE_LIFETIME",
    "GroupLink",
    "LinkCodeRefused",
    "LinkProblem",
    "LinkedProducer",
    "check_link_code",
    "create_link_code",
    "follow_group_migration",
    "group_posts_again",
    "group_refuses_posts",
    "producer_for_chat",
    "set_group_language",
    "unlink_group",
    "use_link_code",
    "worked_in_group",
]
