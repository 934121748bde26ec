"""Changing a price against a real database: who may, within which bounds, and the trail it
leaves (the audit row, the product's history, the in-memory catalog)."""

from __future__ import annotations

import pytest
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.demo_lookups import producer_id, product_id

from catalog.db import create_session_factory
from catalog.errors import NotAllowed
from catalog.models import ChangeReason, Product, ProductChange
from catalog.services.inventory import (
    Actor,
    InvalidValue,
    ProductChangeView,
    UnknownSku,
    history,
    set_price,
)
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork

ADMIN = Actor(user_id=1, is_admin=True)
CUSTOMER = Actor(user_id=3)
# The dearest price the shop takes for one item, in đồng.
DEAREST = 1_000_000_000
OIL = "BABE-SA-10"
LOTUS = "QUANGVINH-SEN-AC"


async def manager_of(uow: UnitOfWork, code: str) -> Actor:
    return Actor(user_id=2, producer_id=await producer_id(uow, code))


async def product(uow: UnitOfWork, sku: str) -> Row[tuple[int, str, str, int]]:
    async with uow.reading():
        return (
            await uow.session.execute(
                select(Product.id, Product.name_vi, Product.name_en, Product.price).where(
                    Product.sku == sku
                )
            )
        ).one()


async def changes(uow: UnitOfWork) -> int:
    async with uow.reading():
        return int(await uow.session.scalar(select(func.count()).select_from(ProductChange)) or 0)


async def test_a_new_price_is_stored_and_written_to_the_audit_trail(shop: UnitOfWork) -> None:
    before = await product(shop, OIL)
    new_price = before.price + 15_000

    view = await set_price(shop, actor=ADMIN, sku=OIL, price=new_price)

    assert view == ProductChangeView(
        OIL, before.name_vi, before.name_en, "price", str(before.price), str(new_price)
    )
    assert (await product(shop, OIL)).price == new_price
    async with shop.reading():
        audit = (
            await shop.session.execute(
                select(
                    ProductChange.product_id,
                    ProductChange.actor_id,
                    ProductChange.field,
                    ProductChange.old_value,
                    ProductChange.new_value,
                    ProductChange.reason,
                )
            )
        ).all()
    assert [tuple(row) for row in audit] == [
        (
            before.id,
            ADMIN.user_id,
            "price",
            str(before.price),
            str(new_price),
            ChangeReason.command,
        )
    ]


async def test_the_history_lists_price_changes_newest_first(shop: UnitOfWork) -> None:
    first = (await product(shop, OIL)).price
    for price in (150_000, 160_000, 170_000):
        await set_price(shop, actor=ADMIN, sku=OIL, price=price)

    shown, entries = await history(shop, actor=ADMIN, sku=OIL)
    _, latest_two = await history(shop, actor=ADMIN, sku=OIL, limit=2)

    assert shown.sku == OIL
    assert [(e.field, e.old, e.new) for e in entries] == [
        ("price", "160000", "170000"),
        ("price", "150000", "160000"),
        ("price", str(first), "150000"),
    ]
    assert {(e.actor_id, e.reason) for e in entries} == {(ADMIN.user_id, ChangeReason.command)}
    assert latest_two == entries[:2]


@pytest.mark.parametrize("price", [0, -1, -150_000, DEAREST + 1])
async def test_a_price_out_of_bounds_is_refused_and_changes_nothing(
    shop: UnitOfWork, price: int
) -> None:
    before = await product(shop, OIL)

    with pytest.raises(InvalidValue) as refusal:
        await set_price(shop, actor=ADMIN, sku=OIL, price=price)

    assert (refusal.value.field, refusal.value.value) == ("price", price)
    assert (await product(shop, OIL)).price == before.price
    assert await changes(shop) == 0


@pytest.mark.parametrize("price", [1, DEAREST])
async def test_the_cheapest_and_the_dearest_prices_are_taken(shop: UnitOfWork, price: int) -> None:
    await set_price(shop, actor=ADMIN, sku=OIL, price=price)

    assert (await product(shop, OIL)).price == price
    assert await changes(shop) == 1


async def test_a_manager_prices_only_their_own_producers_products(shop: UnitOfWork) -> None:
    manager = await manager_of(shop, "BABE")
    lotus = await product(shop, LOTUS)

    await set_price(shop, actor=manager, sku=OIL, price=99_000)
    with pytest.raises(NotAllowed):
        await set_price(shop, actor=manager, sku=LOTUS, price=99_000)
    with pytest.raises(NotAllowed):
        await set_price(shop, actor=CUSTOMER, sku=OIL, price=1_000)

    assert (await product(shop, OIL)).price == 99_000
    assert (await product(shop, LOTUS)).price == lotus.price
    assert await changes(shop) == 1


async def test_an_unknown_sku_is_refused_with_the_closest_ones_the_actor_may_price(
    shop: UnitOfWork,
) -> None:
    manager = await manager_of(shop, "QUANGVINH")

    with pytest.raises(UnknownSku) as for_admin:
        await set_price(shop, actor=ADMIN, sku="BABE-SA-1", price=99_000)
    with pytest.raises(UnknownSku) as for_manager:
        await set_price(shop, actor=manager, sku="BABE-SA-1", price=99_000)

    assert for_admin.value.sku == "BABE-SA-1"
    assert OIL in for_admin.value.suggestions
    assert not [s for s in for_manager.value.suggestions if s.startswith("BABE-")]
    assert await changes(shop) == 0


async def test_a_new_price_shows_in_the_in_memory_catalog_once_committed(
    shop: UnitOfWork, engine: AsyncEngine
) -> None:
    factory = create_session_factory(engine)
    cache = CatalogCache(factory)
    with_cache = UnitOfWork(factory, cache)
    oil = (await cache.get()).products[await product_id(shop, OIL)]

    with pytest.raises(InvalidValue):
        await set_price(with_cache, actor=ADMIN, sku=OIL, price=0)
    assert (await cache.get()).products[oil.id].price == oil.price
    await set_price(with_cache, actor=ADMIN, sku=OIL, price=oil.price + 1)

    assert (await cache.get()).products[oil.id].price == oil.price + 1
