"""Link visits and sources against a real database: first contact, orders, figures."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from catalog.demo.seed import seed_demo_catalog
from catalog.errors import NotAllowed
from catalog.links import LinkSource
from catalog.models import (
    LinkVisit,
    Order,
    OrderStatus,
    PaymentMethod,
    Producer,
    Product,
    User,
    utcnow,
)
from catalog.services import cart, links, orders, users
from catalog.services.inventory import Actor
from catalog.services.links import SourceFigures, Visitor
from catalog.services.orders import DeliveryDetails
from catalog.uow import UnitOfWork

DETAILS = DeliveryDetails("An", "+84912345678", "Hà Nội", "Phường Hoàn Kiếm", "12 Hàng Gai")


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    return uow


async def ids(uow: UnitOfWork, sku: str) -> tuple[int, int]:
    async with uow:
        row = (
            await uow.session.execute(
                select(Product.id, Product.producer_id).where(Product.sku == sku)
            )
        ).one()
        return row[0], row[1]


async def visit(uow: UnitOfWork, user_id: int, source: LinkSource, sku: str) -> bool:
    product_id, producer_id = await ids(uow, sku)
    return await links.record_visit(
        uow,
        visitor=Visitor(user_id, "Lan", language_code="en-US"),
        source=source,
        producer_id=producer_id,
        product_id=product_id,
    )


async def order(uow: UnitOfWork, user_id: int, sku: str, key: str) -> tuple[int, int, str | None]:
    """Order one of ``sku``; the order's (id, total, source)."""
    product_id, _ = await ids(uow, sku)
    await cart.add_to_cart(uow, user_id=user_id, product_id=product_id, quantity=1)
    placed = await orders.place_order(
        uow,
        user_id=user_id,
        details=DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=key,
        source=await links.order_source(uow, user_id=user_id),
    )
    async with uow:
        found = await uow.session.get(Order, placed.orders[0].id)
        assert found is not None
        return found.id, found.total, found.source


async def test_a_link_that_brings_someone_new_is_their_first_contact(shop: UnitOfWork) -> None:
    assert await visit(shop, 7, LinkSource.poster, "BABE-SA-10") is True
    assert await visit(shop, 7, LinkSource.share, "BABE-SA-10") is False
    await users.register_user(shop, user_id=8, first_name="Minh")
    assert await visit(shop, 8, LinkSource.product, "BABE-SA-10") is False
    async with shop:
        lan = await shop.session.get(User, 7)
        minh = await shop.session.get(User, 8)
        assert lan is not None
        assert minh is not None
        assert (lan.first_name, lan.telegram_language, lan.source) == ("Lan", "en-US", "poster")
        assert minh.source is None
        firsts = await shop.session.scalars(select(LinkVisit.first_contact).order_by(LinkVisit.id))
        assert list(firsts) == [True, False, False]


async def test_an_order_counts_under_the_latest_link_of_the_week(shop: UnitOfWork) -> None:
    await users.register_user(shop, user_id=9, first_name="Hà")
    assert (await order(shop, 9, "BABE-SA-10", "k1"))[2] is None
    await visit(shop, 9, LinkSource.poster, "BABE-SA-10")
    await visit(shop, 9, LinkSource.share, "BABE-SA-10")
    assert (await order(shop, 9, "BABE-SA-10", "k2"))[2] == "share"
    # Eight days later the link no longer counts.
    async with shop:
        await shop.session.execute(
            update(LinkVisit).values(created_at=utcnow() - timedelta(days=8))
        )
        await shop.commit()
    assert (await order(shop, 9, "BABE-SA-10", "k3"))[2] is None


async def test_figures_by_source_for_admins_and_for_a_producers_manager(
    shop: UnitOfWork,
) -> None:
    await visit(shop, 10, LinkSource.poster, "BABE-SA-10")
    _, poster_total, _ = await order(shop, 10, "BABE-SA-10", "a")
    await visit(shop, 11, LinkSource.poster, "QUANGVINH-SEN-AC")
    await visit(shop, 11, LinkSource.share, "QUANGVINH-SEN-AC")
    _, shared_total, _ = await order(shop, 11, "QUANGVINH-SEN-AC", "b")
    await users.register_user(shop, user_id=12, first_name="Khách")
    direct_id, _, _ = await order(shop, 12, "BABE-SA-10", "c")
    async with shop:
        await shop.session.execute(
            update(Order).where(Order.id == direct_id).values(status=OrderStatus.cancelled)
        )
        await shop.commit()
    since = utcnow() - timedelta(hours=1)

    admin = await links.stats_by_source(shop, actor=Actor(1, is_admin=True), since=since)
    assert admin == [
        SourceFigures(LinkSource.poster, 1, poster_total, 2),
        SourceFigures(LinkSource.share, 1, shared_total, 1),
        SourceFigures(None, 1, 0, 0),
    ]
    async with shop:
        babe = await shop.session.scalar(select(Producer.id).where(Producer.code == "BABE"))
    manager = await links.stats_by_source(shop, actor=Actor(2, producer_id=babe), since=since)
    assert manager == [
        SourceFigures(LinkSource.poster, 1, poster_total, 1),
        SourceFigures(None, 1, 0, 0),
    ]
    with pytest.raises(NotAllowed):
        await links.stats_by_source(shop, actor=Actor(3), since=since)
