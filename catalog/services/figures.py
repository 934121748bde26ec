"""What staff look at: the recent orders (or the unpaid ones), page by page, and the figures
(orders, revenue, money received and outstanding, best sellers) per producer over a day, a
week or a month of the shop's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from catalog import rules
from catalog.errors import NotAllowed
from catalog.models import Order, OrderLine, OrderStatus, Producer
from catalog.services.inventory import Actor
from catalog.services.orders import OrderPage, order_page
from catalog.text import Named
from catalog.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class BestSeller(Named):
    name_vi: str
    name_en: str
    units: int


@dataclass(frozen=True, slots=True)
class ProducerStats(Named):
    producer_id: int
    name_vi: str
    name_en: str
    orders: int
    cancelled: int
    revenue: int
    best_sellers: tuple[BestSeller, ...]
    # Money: received (less refunds), still to come, and owed back to customers.
    received: int = 0
    outstanding: int = 0
    owed_back: int = 0


STAFF_PAGE_SIZE = 8


async def staff_orders(
    uow: UnitOfWork,
    *,
    actor: Actor,
    status: OrderStatus | None,
    page: int = 0,
    unpaid: bool = False,
) -> OrderPage:
    """Recent orders, newest first: all for admins, their producer's for managers;
    ``unpaid``: those still waiting for (some of) their transfer."""
    if not actor.is_staff:
        raise NotAllowed
    async with uow.reading():
        where = []
        if status is not None:
            where.append(Order.status == status)
        if unpaid:
            where += [
                Order.payment_status.in_(rules.UNPAID),
                Order.status != OrderStatus.cancelled,
            ]
        if not actor.is_admin:
            where.append(Order.producer_id == actor.producer_id)
        return await order_page(
            uow, where, [Order.id.desc()], page=page, page_size=STAFF_PAGE_SIZE
        )


async def stats(uow: UnitOfWork, *, actor: Actor, since: datetime) -> list[ProducerStats]:
    """Orders, revenue (cancelled orders excluded) and the three best sellers per producer."""
    if not actor.is_staff:
        raise NotAllowed
    async with uow.reading():
        where = [Order.created_at >= since]
        if not actor.is_admin:
            where.append(Order.producer_id == actor.producer_id)
        kept = Order.status != OrderStatus.cancelled
        owed = case(
            (Order.status == OrderStatus.cancelled, Order.amount_paid - Order.amount_refunded),
            (
                Order.amount_paid > Order.total,
                Order.amount_paid - Order.total - Order.amount_refunded,
            ),
            else_=0,
        )
        missing = case((Order.amount_paid < Order.total, Order.total - Order.amount_paid), else_=0)
        rows = await uow.session.execute(
            select(
                Producer.id,
                Producer.name_vi,
                Producer.name_en,
                func.count(Order.id),
                func.sum(func.coalesce(Order.total, 0)).filter(kept),
                func.count(Order.id).filter(Order.status == OrderStatus.cancelled),
                func.sum(Order.amount_paid - Order.amount_refunded),
                func.sum(missing).filter(kept),
                func.sum(owed),
            )
            .join(Order, Order.producer_id == Producer.id)
            .where(*where)
            .group_by(Producer.id, Producer.name_vi, Producer.name_en)
            .order_by(Producer.name_vi)
        )
        sellers = await uow.session.execute(
            select(
                Order.producer_id,
                OrderLine.name_vi,
                OrderLine.name_en,
                func.sum(OrderLine.quantity).label("units"),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(*where, kept)
            .group_by(Order.producer_id, OrderLine.sku, OrderLine.name_vi, OrderLine.name_en)
            .order_by(func.sum(OrderLine.quantity).desc(), OrderLine.name_vi)
        )
        best: dict[int, list[BestSeller]] = {}
        for producer_id, name_vi, name_en, units in sellers:
            picks = best.setdefault(producer_id, [])
            if len(picks) < 3:
                picks.append(BestSeller(name_vi, name_en, int(units)))
        return [_producer_stats(row, best) for row in rows]


def _producer_stats(row: Any, best: dict[int, list[BestSeller]]) -> ProducerStats:
    pid, name_vi, name_en, orders, revenue, cancelled, received, outstanding, owed = row
    return ProducerStats(
        producer_id=pid,
        name_vi=name_vi,
        name_en=name_en,
        orders=orders,
        cancelled=cancelled,
        revenue=int(revenue or 0),
        best_sellers=tuple(best.get(pid, [])),
        received=int(received or 0),
        outstanding=int(outstanding or 0),
        owed_back=max(0, int(owed or 0)),
    )


def period_start(period: str, now: datetime) -> datetime:
    """The start of today, this week or this month in the shop's time zone, as UTC."""
    local = now.astimezone(rules.SHOP_TIMEZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        local -= timedelta(days=local.weekday())
    elif period == "month":
        local = local.replace(day=1)
    return local.astimezone(UTC)
