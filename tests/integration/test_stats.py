"""The figures behind ``/stats`` against a real database: orders, cancellations, revenue and
best sellers per producer, and orders by source, over a period and for whom may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support.demo_lookups import product_id

from catalog.errors import NotAllowed
from catalog.links import LinkSource
from catalog.models import LinkVisit, Order, PaymentMethod, Producer, Product, utcnow
from catalog.services import cart, links, orders
from catalog.services.figures import BestSeller, ProducerStats, stats
from catalog.services.inventory import Actor
from catalog.services.links import SourceFigures, Visitor
from catalog.services.orders import DeliveryDetails, OrderView
from catalog.uow import UnitOfWork

ADMIN = Actor(user_id=1, is_admin=True)
# Every order here: delivered to An, paid in cash.
CASH_TO_AN = {
    "details": DeliveryDetails("An", "+84912345678", "Hà Nội", "Phường Hoàn Kiếm", "12 Hàng Gai"),
    "payment": PaymentMethod.cod,
}
OIL = "BABE-SA-10"
TURMERIC = "BABE-NGHE-500"
PILLS = "BABE-VIEN-250"
POMELO = "BABE-BUOI-10"
LOTUS = "QUANGVINH-SEN-AC"


async def seller(uow: UnitOfWork, sku: str, units: int) -> BestSeller:
    async with uow.reading():
        names = (
            await uow.session.execute(
                select(Product.name_vi, Product.name_en).where(Product.sku == sku)
            )
        ).one()
    return BestSeller(names.name_vi, names.name_en, units)


async def producer(uow: UnitOfWork, code: str) -> tuple[int, str, str]:
    async with uow.reading():
        row = (
            await uow.session.execute(
                select(Producer.id, Producer.name_vi, Producer.name_en).where(
                    Producer.code == code
                )
            )
        ).one()
    return row.id, row.name_vi, row.name_en


async def order(
    uow: UnitOfWork, customer: int, lines: dict[str, int], source: LinkSource | None = None
) -> OrderView:
    """One producer's order of ``lines`` (SKU: units) by ``customer``."""
    for sku, units in lines.items():
        await cart.add_to_cart(
            uow, user_id=customer, product_id=await product_id(uow, sku), quantity=units
        )
    key = f"{customer}-{'-'.join(lines)}"
    placed = await orders.place_order(
        uow, user_id=customer, idempotency_key=key, source=source, **CASH_TO_AN
    )
    (view,) = placed.orders
    return view


async def made_long_ago(uow: UnitOfWork, order_id: int) -> None:
    async with uow:
        await uow.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(created_at=utcnow() - timedelta(days=40))
        )
        await uow.commit()


async def test_orders_cancellations_revenue_and_best_sellers_per_producer(
    shop: UnitOfWork,
) -> None:
    mixed = await order(shop, 11, {OIL: 3, TURMERIC: 1, PILLS: 2, POMELO: 1})
    turmeric = await order(shop, 12, {TURMERIC: 3})
    cancelled = await order(shop, 13, {OIL: 5})
    await orders.cancel_order_by_customer(shop, user_id=13, order_id=cancelled.id)
    lotus = await order(shop, 14, {LOTUS: 1})
    old = await order(shop, 15, {POMELO: 9})
    await made_long_ago(shop, old.id)

    figures = await stats(shop, actor=ADMIN, since=utcnow() - timedelta(days=30))

    babe, quangvinh = await producer(shop, "BABE"), await producer(shop, "QUANGVINH")
    expected = [
        ProducerStats(
            *babe,
            orders=3,
            cancelled=1,
            revenue=mixed.total + turmeric.total,
            best_sellers=(
                await seller(shop, TURMERIC, 4),
                await seller(shop, OIL, 3),
                await seller(shop, PILLS, 2),
            ),
            # Cash on delivery, not delivered: still to come.
            outstanding=mixed.total + turmeric.total,
        ),
        ProducerStats(
            *quangvinh,
            orders=1,
            cancelled=0,
            revenue=lotus.total,
            best_sellers=(await seller(shop, LOTUS, 1),),
            outstanding=lotus.total,
        ),
    ]
    assert figures == sorted(expected, key=lambda row: row.name_vi)


async def test_a_manager_sees_only_their_producers_figures_and_a_customer_none(
    shop: UnitOfWork,
) -> None:
    await order(shop, 11, {OIL: 1})
    lotus = await order(shop, 12, {LOTUS: 2})
    quangvinh = await producer(shop, "QUANGVINH")
    since = utcnow() - timedelta(hours=1)

    figures = await stats(shop, actor=Actor(user_id=2, producer_id=quangvinh[0]), since=since)

    assert figures == [
        ProducerStats(
            *quangvinh,
            1,
            0,
            lotus.total,
            (await seller(shop, LOTUS, 2),),
            outstanding=lotus.total,
        )
    ]
    with pytest.raises(NotAllowed):
        await stats(shop, actor=Actor(user_id=3), since=since)


async def test_a_period_with_only_cancelled_orders_counts_them_without_revenue(
    shop: UnitOfWork,
) -> None:
    cancelled = await order(shop, 11, {OIL: 2})
    await orders.cancel_order_by_customer(shop, user_id=11, order_id=cancelled.id)
    since = utcnow() - timedelta(hours=1)

    assert await stats(shop, actor=ADMIN, since=since) == [
        ProducerStats(*await producer(shop, "BABE"), 1, 1, 0, ())
    ]
    assert await stats(shop, actor=ADMIN, since=utcnow() + timedelta(minutes=1)) == []


async def test_orders_and_links_opened_before_the_period_are_not_counted_by_source(
    shop: UnitOfWork,
) -> None:
    babe = await producer(shop, "BABE")
    for customer in (21, 22):
        await links.record_visit(
            shop,
            visitor=Visitor(customer, "Lan"),
            source=LinkSource.poster,
            producer_id=babe[0],
            product_id=await product_id(shop, OIL),
        )
    recent = await order(shop, 21, {OIL: 1}, source=LinkSource.poster)
    old = await order(shop, 22, {OIL: 2}, source=LinkSource.poster)
    await made_long_ago(shop, old.id)
    async with shop:
        await shop.session.execute(
            update(LinkVisit)
            .where(LinkVisit.user_id == 22)
            .values(created_at=utcnow() - timedelta(days=40))
        )
        await shop.commit()

    figures = await links.stats_by_source(shop, actor=ADMIN, since=utcnow() - timedelta(days=30))

    assert figures == [SourceFigures(LinkSource.poster, 1, recent.total, 1)]
