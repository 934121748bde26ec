"""Who manages what: admins bind Telegram users to the producer they manage, and list them."""

from __future__ import annotations

from sqlalchemy import delete, select

from catalog.errors import NotAllowed
from catalog.models import Producer, ProducerManager, User
from catalog.services.inventory import Actor
from catalog.services.producers import ProducerNotFound
from catalog.uow import UnitOfWork


async def add_manager(uow: UnitOfWork, *, actor: Actor, user_id: int, producer_code: str) -> str:
    """Bind a Telegram user to one producer (replacing an earlier binding)."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow:
        producer = await uow.session.scalar(
            select(Producer).where(Producer.code == producer_code.upper())
        )
        if producer is None:
            raise ProducerNotFound(producer_code)
        await uow.session.execute(
            delete(ProducerManager).where(ProducerManager.user_id == user_id)
        )
        uow.session.add(
            ProducerManager(user_id=user_id, producer_id=producer.id, added_by=actor.user_id)
        )
        await uow.commit()
        return producer.name_vi


async def remove_manager(uow: UnitOfWork, *, actor: Actor, user_id: int) -> bool:
    if not actor.is_admin:
        raise NotAllowed
    async with uow:
        removed = await uow.session.execute(
            delete(ProducerManager).where(ProducerManager.user_id == user_id)
        )
        await uow.commit()
        return bool(removed.rowcount)  # type: ignore[attr-defined]


async def list_managers(uow: UnitOfWork, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(user id, their name if known, producer code) for every manager."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow.reading():
        rows = await uow.session.execute(
            select(ProducerManager.user_id, User.first_name, Producer.code)
            .join(Producer, Producer.id == ProducerManager.producer_id)
            .outerjoin(User, User.id == ProducerManager.user_id)
            .order_by(Producer.code, ProducerManager.user_id)
        )
        return [(user_id, name or "", code) for user_id, name, code in rows]
