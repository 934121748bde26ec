"""Producers and their Telegram group chats (where their order alerts go)."""

from __future__ import annotations

from sqlalchemy import select, update

from catalog.errors import ShopError
from catalog.models import Producer
from catalog.uow import UnitOfWork


class ProducerNotFound(ShopError):
    def __init__(self, key: int | str) -> None:
        super().__init__(key)
        self.key = key


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
        await uow.session.execute(
            update(Producer)
            .where(Producer.group_chat_id == chat_id, Producer.id != producer.id)
            .values(group_chat_id=None)
        )
        producer.group_chat_id = chat_id
        producer.group_language = language
        await uow.commit()
        return producer.id
