"""The in-memory catalog follows the database: this process's commits at once, others' soon."""

import asyncio
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.models import Product
from catalog.services import cart
from catalog.services.inventory import Actor, ProductDraft, create_product, set_stock
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork

ADMIN = Actor(user_id=1, is_admin=True)


async def test_a_commit_through_the_unit_of_work_shows_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    cache = CatalogCache(sessions)
    snapshot = await cache.get()
    oil = next(p for p in snapshot.products.values() if p.sku == "BABE-SA-10")
    await set_stock(
        UnitOfWork(sessions, cache), actor=ADMIN, sku="BABE-SA-10", value=3, relative=False
    )
    assert (await cache.get()).products[oil.id].stock == 3
    await cart.add_to_cart(UnitOfWork(sessions, cache), user_id=9, product_id=oil.id)
    assert (await cache.get()).products[oil.id].stock == 3  # a cart takes nothing yet


async def test_changes_made_by_another_process_show_after_the_refresh_interval(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    cache = CatalogCache(sessions, max_age=0)  # every read is past the interval
    before = await cache.get()
    # "Another process": the same database, without this cache's unit of work.
    async with sessions() as session:
        await session.execute(
            update(Product).where(Product.sku == "BABE-SA-10").values(stock=0, price=99_000)
        )
        await session.commit()
    oil_id = next(p.id for p in before.products.values() if p.sku == "BABE-SA-10")
    refreshed = (await cache.get()).products[oil_id]
    assert (refreshed.stock, refreshed.price) == (0, 99_000)

    snapshot = await cache.get()
    category_id = next(iter(snapshot.categories))
    producer_id = next(iter(snapshot.producers))
    sku = await create_product(
        UnitOfWork(sessions),
        actor=ADMIN,
        draft=ProductDraft(
            name_vi="Bánh chưng Tranh Khúc",
            name_en="Tranh Khuc chung cake",
            price=90_000,
            unit_vi="chiếc",
            unit_en="piece",
            stock=4,
            ocop_stars=4,
            ocop_granted=date(2025, 9, 2),
            category_id=category_id,
            producer_id=producer_id,
            photo=None,
        ),
    )
    found = (await cache.get()).search("banh chung tranh khuc", "vi")
    assert [p.sku for p in found] == [sku]
    async with sessions() as session:
        assert await session.scalar(select(Product.stock).where(Product.sku == sku)) == 4


async def test_a_read_while_changed_products_reload_waits_for_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    cache = CatalogCache(sessions)
    oil = next(p for p in (await cache.get()).products.values() if p.sku == "BABE-SA-10")
    await set_stock(
        UnitOfWork(sessions, cache), actor=ADMIN, sku="BABE-SA-10", value=7, relative=False
    )

    # Two readers at once: the first reloads the changed product, the second comes while
    # that reload is under way (the stale mark already taken) and must not get the old view.
    async def stock_seen() -> int:
        return (await cache.get()).products[oil.id].stock  # as the reader sees it, then

    first = asyncio.create_task(stock_seen())
    await asyncio.sleep(0)
    second = asyncio.create_task(stock_seen())
    assert await asyncio.gather(first, second) == [7, 7]
