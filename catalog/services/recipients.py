"""What a sender needs to render the rows it claimed: the orders they are about, the
producers, and the language each recipient reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from catalog.models import AdminWarning, Order, Producer, User, ZaloStaff
from catalog.services.delivery import Claimed
from catalog.services.orders.views import EVERYTHING, OrderView, order_view
from catalog.services.users import preferred_language
from catalog.services.warnings import Cause
from catalog.text import Named
from catalog.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProducerCard(Named):
    id: int
    name_vi: str
    name_en: str
    group_chat_id: int | None
    group_language: str
    # The admins were warned that its group refuses the bot (catalog.services.warnings):
    # a message getting through resolves that.
    admins_told_it_waits: bool = False


@dataclass(frozen=True, slots=True)
class TelegramRecipients:
    orders: dict[int, OrderView]
    # The group message that shows each order, (chat, message), where there is one.
    alerts: dict[int, tuple[int, int]]
    producers: dict[int, ProducerCard]
    languages: dict[int, str]  # the people (customers, admins) who chose or have one


@dataclass(frozen=True, slots=True)
class ZaloRecipients:
    orders: dict[int, OrderView]
    languages: dict[str, str]


def _order_ids(rows: Iterable[Claimed]) -> set[int]:
    return {row.payload["order_id"] for row in rows if "order_id" in row.payload}


async def _orders(uow: UnitOfWork, order_ids: set[int]) -> dict[int, OrderView]:
    orders = await uow.session.scalars(
        select(Order).where(Order.id.in_(order_ids)).options(*EVERYTHING)
    )
    return {order.id: order_view(order) for order in orders}


async def telegram_recipients(
    uow: UnitOfWork, rows: Sequence[Claimed], admin_ids: Iterable[int], default_language: str
) -> TelegramRecipients:
    order_ids = _order_ids(rows)
    producer_ids = {row.producer_id for row in rows if row.producer_id} | {
        row.payload["producer_id"] for row in rows if "producer_id" in row.payload
    }
    people = {row.user_id for row in rows if row.user_id} | set(admin_ids)
    async with uow.reading():
        alerts = {
            order_id: (chat_id, message_id)
            for order_id, chat_id, message_id in await uow.session.execute(
                select(Order.id, Order.alert_chat_id, Order.alert_message_id).where(
                    Order.id.in_(order_ids), Order.alert_message_id.is_not(None)
                )
            )
            if chat_id is not None and message_id is not None
        }
        warned = set(
            await uow.session.scalars(
                select(AdminWarning.subject).where(
                    AdminWarning.cause == Cause.group_unreachable,
                    AdminWarning.subject.in_([str(producer) for producer in producer_ids]),
                    AdminWarning.resolved_at.is_(None),
                )
            )
        )
        producers = {
            p.id: ProducerCard(
                p.id,
                p.name_vi,
                p.name_en,
                p.group_chat_id,
                p.group_language,
                admins_told_it_waits=str(p.id) in warned,
            )
            for p in await uow.session.scalars(
                select(Producer).where(Producer.id.in_(producer_ids))
            )
        }
        languages = await _languages(uow, people, default_language)
        return TelegramRecipients(await _orders(uow, order_ids), alerts, producers, languages)


async def _languages(uow: UnitOfWork, people: set[int], default: str) -> dict[int, str]:
    return {
        user_id: preferred_language(chosen, telegram, default)
        for user_id, chosen, telegram in await uow.session.execute(
            select(User.id, User.language, User.telegram_language).where(User.id.in_(people))
        )
        if chosen or telegram
    }


async def languages_of(uow: UnitOfWork, people: Iterable[int], default: str) -> dict[int, str]:
    """The language each of ``people`` reads, for those who chose or have one."""
    async with uow.reading():
        return await _languages(uow, set(people), default)


async def zalo_recipients(uow: UnitOfWork, rows: Sequence[Claimed]) -> ZaloRecipients:
    async with uow.reading():
        languages = {
            zalo_id: language
            for zalo_id, language in await uow.session.execute(
                select(ZaloStaff.zalo_id, ZaloStaff.language).where(
                    ZaloStaff.zalo_id.in_({row.zalo_id for row in rows})
                )
            )
        }
        return ZaloRecipients(await _orders(uow, _order_ids(rows)), languages)
