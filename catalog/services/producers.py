"""Producers and their Telegram group chats (where their order alerts go)."""

from __future__ import annotations

from sqlalchemy import select, update

from catalog.errors import ShopError
from catalog.models import Producer
from catalog.services import warnings
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork


class ProducerNotFound(ShopError):
    def __init__(self, key: int | str) -> None:
        super().__init__(key)
        self.key = key


async def release_group(uow: UnitOfWork, chat_id: int) -> int | None:
    """The one place a producer loses its group (its alerts then wait for the next one), in
    the caller's transaction; returns the producer it served, if any."""
    return await uow.session.scalar(
        update(Producer)
        .where(Producer.group_chat_id == chat_id)
        .values(group_chat_id=None, former_group_chat_id=None)
        .returning(Producer.id)
    )


async def link_group(
    uow: UnitOfWork, *, producer_code: str, chat_id: int, language: str = "vi"
) -> int:
    """Make ``chat_id`` the producer's group; any producer linked to it before is released.

    Returns the producer's id.
    """
    async with uow:
        producer = await uow.session.scalar(select(Producer).where(Producer.code == producer_code))
        if producer is None:
            raise ProducerNotFound(producer_code)
        # One group serves one producer: release it first (the column is unique).
        await release_group(uow, chat_id)
        producer.group_chat_id = chat_id
        producer.former_group_chat_id = None
        producer.unlinked_warning_sent = False
        producer.group_language = language
        await warnings.resolve_warning(uow, Cause.group_unreachable, str(producer.id))
        await uow.commit()
        return producer.id
