"""Producers' side of an order: linking their group, moving orders along, telling customers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import outbox, rules
from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound, ShopError
from catalog.models import (
    GroupLinkCode,
    Order,
    OrderStatus,
    OrderStatusChange,
    OutboxMessage,
    OutboxStatus,
    Producer,
    ZaloLinkCode,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services.orders import EVERYTHING, OrderPage, OrderView, order_view, return_stock
from catalog.services.producers import ProducerNotFound
from catalog.text import Named
from catalog.uow import UnitOfWork

LINK_CODE_LIFETIME = timedelta(minutes=15)
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
LINK_CODE_LENGTH = 8
GROUP_PAGE_SIZE = 8
OPEN_STATUSES = (OrderStatus.new, OrderStatus.accepted, OrderStatus.shipped)


class CancelReason(StrEnum):
    """The short list a producer picks from when cancelling."""

    out_of_stock = "out_of_stock"
    cannot_deliver = "cannot_deliver"
    customer_unreachable = "customer_unreachable"
    customer_asked = "customer_asked"
    other = "other"


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


async def use_link_code(
    uow: UnitOfWork, *, code: str, chat_id: int, now: datetime | None = None
) -> GroupLink:
    """Link the group ``chat_id`` to the code's producer; the code is spent."""
    now = now or utcnow()
    normalized = code.strip().upper()
    async with uow:
        link = check_link_code(
            await uow.session.get(GroupLinkCode, normalized) if normalized else None, now
        )
        # Spend the code with a condition, so two groups racing with it cannot both win.
        spent = await uow.session.execute(
            update(GroupLinkCode)
            .where(GroupLinkCode.code == normalized, GroupLinkCode.used_at.is_(None))
            .values(used_at=now, used_in_chat=chat_id)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise LinkCodeRefused(LinkProblem.used)
        # A group serves one producer: whoever had this group loses it.
        await uow.session.execute(
            update(Producer)
            .where(Producer.group_chat_id == chat_id, Producer.id != link.producer_id)
            .values(group_chat_id=None)
        )
        producer = await uow.session.get(Producer, link.producer_id)
        assert producer is not None
        producer.group_chat_id = chat_id
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
        outbox.to_admins(
            uow.session,
            AdminEvent.group_linked,
            producer_id=producer.id,
            chat_id=chat_id,
            created_by=link.created_by,
        )
        uow.outbox_written()
        result = GroupLink(
            producer_id=producer.id,
            producer_name_vi=producer.name_vi,
            producer_name_en=producer.name_en,
            created_by=link.created_by,
            language=producer.group_language,
        )
        await uow.commit()
        return result


async def unlink_group(uow: UnitOfWork, *, chat_id: int, bot_removed: bool = False) -> int | None:
    """Release the group; returns the producer it served, if any. Admins hear if the bot
    was removed (alerts will wait until a new group is linked)."""
    async with uow:
        producer = await uow.session.scalar(
            select(Producer).where(Producer.group_chat_id == chat_id)
        )
        if producer is None:
            return None
        producer.group_chat_id = None
        if bot_removed:
            outbox.to_admins(
                uow.session, AdminEvent.group_lost, producer_id=producer.id, chat_id=chat_id
            )
            uow.outbox_written()
        await uow.commit()
        return producer.id


async def move_group(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group upgraded to a supergroup gets a new id: its producer and alerts follow it."""
    await session.execute(
        update(Producer)
        .where(Producer.group_chat_id == old_chat_id)
        .values(group_chat_id=new_chat_id)
    )
    await session.execute(
        update(Order).where(Order.alert_chat_id == old_chat_id).values(alert_chat_id=new_chat_id)
    )


async def follow_group_migration(uow: UnitOfWork, *, old_chat_id: int, new_chat_id: int) -> None:
    async with uow:
        await move_group(uow.session, old_chat_id, new_chat_id)
        await uow.commit()


async def producer_for_chat(uow: UnitOfWork, chat_id: int) -> LinkedProducer | None:
    async with uow.reading():
        producer = await uow.session.scalar(
            select(Producer).where(Producer.group_chat_id == chat_id)
        )
        if producer is None:
            return None
        return LinkedProducer(
            producer.id, producer.code, producer.name_vi, producer.name_en, producer.group_language
        )


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


async def _order_for_staff(
    uow: UnitOfWork,
    order_id: int,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> Order:
    order = await uow.session.scalar(
        select(Order).where(Order.id == order_id).options(*EVERYTHING)
    )
    if order is None:
        raise OrderNotFound(order_id)
    # Only the producer's own group (or its staff on another channel, ``producer_id``),
    # or an admin, may see or move the producer's orders.
    in_group = chat_id is not None and order.producer.group_chat_id == chat_id
    own_staff = producer_id is not None and order.producer_id == producer_id
    if not (is_admin or in_group or own_staff):
        raise NotAllowed
    return order


async def get_order_for_staff(
    uow: UnitOfWork,
    *,
    order_id: int,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> OrderView:
    async with uow.reading():
        return order_view(await _order_for_staff(uow, order_id, chat_id, is_admin, producer_id))


async def change_order_status(
    uow: UnitOfWork,
    *,
    order_id: int,
    new_status: OrderStatus,
    actor_id: int | None,
    chat_id: int | None,
    is_admin: bool = False,
    reason: str = "",
    producer_id: int | None = None,
    zalo_actor: str | None = None,
    actor_name: str = "",
) -> OrderView:
    """Move an order along (accept, ship, deliver, cancel); the customer is told, and so are
    the producer's people on the other channel (Zalo staff for a Telegram press, and the
    Telegram group and the other Zalo staff for a Zalo command, ``zalo_actor``)."""
    async with uow:
        order = await _order_for_staff(uow, order_id, chat_id, is_admin, producer_id)
        current = order.status
        if not rules.may_become(current, new_status):
            raise InvalidTransition(current.value, new_status.value)
        moved = await uow.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == current)
            .values(status=new_status, updated_at=utcnow())
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise InvalidTransition(current.value, new_status.value)
        if new_status == OrderStatus.cancelled:
            await return_stock(uow, order, actor_id)
        uow.session.add(
            OrderStatusChange(
                order_id=order.id,
                old_status=current,
                new_status=new_status,
                actor_id=actor_id,
                zalo_actor=zalo_actor,
                reason=reason,
            )
        )
        outbox.to_user(
            uow.session,
            OutboxKind.status_notice,
            order.user_id,
            order_id=order.id,
            status=new_status.value,
            reason=reason,
        )
        told = {
            "order_id": order.id,
            "status": new_status.value,
            "reason": reason,
            "actor": actor_name[:100],
            "zalo_actor": zalo_actor,
        }
        outbox.to_zalo_staff(uow.session, OutboxKind.status_changed, order.producer_id, **told)
        # A Telegram group sees its own presses; one that is linked hears of Zalo's (one
        # linked later needs no news of orders moved before it).
        if zalo_actor is not None and order.producer.group_chat_id is not None:
            outbox.to_producer_group(
                uow.session, OutboxKind.status_changed, order.producer_id, **told
            )
        uow.outbox_written()
        await uow.session.refresh(order)
        view = order_view(order)
        await uow.commit()
        return view


async def open_orders_for_chat(uow: UnitOfWork, *, chat_id: int, page: int = 0) -> OrderPage:
    """The linked producer's orders that still need doing, oldest first."""
    async with uow.reading():
        producer_id = await uow.session.scalar(
            select(Producer.id).where(Producer.group_chat_id == chat_id)
        )
    if producer_id is None:
        return OrderPage((), 0, 1)
    return await open_orders_for_producer(uow, producer_id=producer_id, page=page)


async def open_orders_for_producer(
    uow: UnitOfWork, *, producer_id: int, page: int = 0, page_size: int = GROUP_PAGE_SIZE
) -> OrderPage:
    """The producer's orders that still need doing, oldest first."""
    async with uow.reading():
        where = (Order.producer_id == producer_id, Order.status.in_(OPEN_STATUSES))
        count = await uow.session.scalar(select(func.count()).select_from(Order).where(*where))
        pages = max(1, -(-(count or 0) // page_size))
        page = min(max(page, 0), pages - 1)
        orders = await uow.session.scalars(
            select(Order)
            .where(*where)
            .options(*EVERYTHING)
            .order_by(Order.id)
            .offset(page * page_size)
            .limit(page_size)
        )
        return OrderPage(tuple(order_view(order) for order in orders), page, pages)


async def remember_alert(uow: UnitOfWork, *, order_id: int, chat_id: int, message_id: int) -> None:
    """Which group message shows this order, so status changes can edit it."""
    async with uow:
        await uow.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(alert_chat_id=chat_id, alert_message_id=message_id)
        )
        await uow.commit()
