"""Producers' staff on Zalo: single-use link codes, who is linked to which producer, unlinking.

The shop's side only: no Zalo client here (bot/zalo/ talks to Zalo).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from catalog import outbox
from catalog.errors import ShopError
from catalog.models import Producer, ZaloLinkCode, ZaloStaff, utcnow
from catalog.outbox import AdminEvent
from catalog.services import delivery, warnings
from catalog.services.fulfilment import create_link_code, spend_link_code, valid_link_code
from catalog.services.producers import ProducerNotFound
from catalog.services.warnings import Cause
from catalog.text import Named
from catalog.uow import UnitOfWork

# The free Zalo Bot plan serves 50 users per bot; the shop refuses a link beyond it.
MAX_LINKED_STAFF = 50


@dataclass(frozen=True, slots=True)
class StaffMember(Named):
    """A linked Zalo account and the producer whose orders it gets."""

    zalo_id: str
    display_name: str
    language: str
    producer_id: int
    code: str
    name_vi: str
    name_en: str


class TooManyStaff(ShopError):
    """The bot already serves as many Zalo accounts as its plan allows."""

    def __init__(self) -> None:
        super().__init__(MAX_LINKED_STAFF)
        self.limit = MAX_LINKED_STAFF


def _member(staff: ZaloStaff, producer: Producer) -> StaffMember:
    return StaffMember(
        staff.zalo_id,
        staff.display_name,
        staff.language,
        producer.id,
        producer.code,
        producer.name_vi,
        producer.name_en,
    )


async def create_zalo_link_code(
    uow: UnitOfWork, *, producer_id: int, created_by: int, now: datetime | None = None
) -> str:
    """A fresh single-use code that links a Zalo account to the producer for 15 minutes."""
    return await create_link_code(
        uow, producer_id=producer_id, created_by=created_by, now=now, kind=ZaloLinkCode
    )


async def use_zalo_link_code(
    uow: UnitOfWork,
    *,
    code: str,
    zalo_id: str,
    display_name: str,
    language: str = "vi",
    now: datetime | None = None,
) -> StaffMember:
    """Link ``zalo_id`` to the code's producer (one producer per account); the code is spent.
    Alerts that waited for the producer's first group or staff member come to Zalo."""
    now = now or utcnow()
    async with uow:
        link = await valid_link_code(uow, ZaloLinkCode, code, now)
        staff = await uow.session.get(ZaloStaff, zalo_id)
        if staff is None:
            linked = await uow.session.scalar(select(func.count()).select_from(ZaloStaff))
            if (linked or 0) >= MAX_LINKED_STAFF:
                raise TooManyStaff
        await spend_link_code(uow, link, now, used_by=zalo_id)
        if staff is None:
            staff = ZaloStaff(zalo_id=zalo_id, language=language)
            uow.session.add(staff)
        staff.producer_id = link.producer_id
        staff.display_name = display_name[:100]
        staff.linked_by = link.created_by
        staff.linked_at = now
        producer = await uow.session.get(Producer, link.producer_id)
        assert producer is not None
        if producer.group_chat_id is None:
            await delivery.hand_waiting_alerts_to_zalo(uow, producer.id)
        # Told as "linked" just below, not as a warning resolved.
        await warnings.resolve_warning(uow, Cause.zalo_unreachable, zalo_id, quietly=True)
        outbox.to_admins(
            uow,
            AdminEvent.zalo_linked,
            producer_id=producer.id,
            name=display_name[:100],
            created_by=link.created_by,
        )
        await uow.session.flush()
        member = _member(staff, producer)
        await uow.commit()
        return member


async def link_zalo_staff(
    uow: UnitOfWork, *, producer_code: str, zalo_id: str, display_name: str, language: str = "vi"
) -> None:
    """Link a Zalo account to a producer directly, without a code (an operator's tool)."""
    async with uow:
        producer = await uow.session.scalar(select(Producer).where(Producer.code == producer_code))
        if producer is None:
            raise ProducerNotFound(producer_code)
        staff = await uow.session.get(ZaloStaff, zalo_id)
        if staff is None:
            staff = ZaloStaff(zalo_id=zalo_id)
            uow.session.add(staff)
        staff.producer_id = producer.id
        staff.display_name = display_name[:100]
        staff.language = language
        await uow.commit()


async def staff_member(uow: UnitOfWork, zalo_id: str) -> StaffMember | None:
    async with uow.reading():
        row = (
            await uow.session.execute(
                select(ZaloStaff, Producer)
                .join(Producer, Producer.id == ZaloStaff.producer_id)
                .where(ZaloStaff.zalo_id == zalo_id)
            )
        ).first()
        return _member(*row) if row else None


async def staff_of_producer(uow: UnitOfWork, producer_id: int) -> list[StaffMember]:
    async with uow.reading():
        rows = await uow.session.execute(
            select(ZaloStaff, Producer)
            .join(Producer, Producer.id == ZaloStaff.producer_id)
            .where(ZaloStaff.producer_id == producer_id)
            .order_by(ZaloStaff.linked_at)
        )
        return [_member(staff, producer) for staff, producer in rows]


async def unlink_zalo(
    uow: UnitOfWork, *, zalo_id: str, producer_id: int | None = None, unreachable: str = ""
) -> bool:
    """The account gets no more orders; ``producer_id`` limits it to that producer's staff
    (a manager may release only their own). True when someone was unlinked. The admins are
    warned when Zalo refuses to reach the account (``unreachable``: what Zalo said)."""
    async with uow:
        statement = delete(ZaloStaff).where(ZaloStaff.zalo_id == zalo_id)
        if producer_id is not None:
            statement = statement.where(ZaloStaff.producer_id == producer_id)
        removed = (
            await uow.session.execute(
                statement.returning(ZaloStaff.producer_id, ZaloStaff.display_name)
            )
        ).first()
        if removed is not None and unreachable:
            await warnings.raise_warning(
                uow,
                Cause.zalo_unreachable,
                zalo_id,
                producer_id=removed.producer_id,
                name=removed.display_name,
                error=unreachable[:200],
            )
        await uow.commit()
        return removed is not None


async def set_staff_language(uow: UnitOfWork, *, zalo_id: str, language: str) -> bool:
    async with uow:
        changed = await uow.session.execute(
            update(ZaloStaff).where(ZaloStaff.zalo_id == zalo_id).values(language=language)
        )
        await uow.commit()
        return bool(changed.rowcount)  # type: ignore[attr-defined]
