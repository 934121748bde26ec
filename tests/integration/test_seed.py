"""The demo catalog loads once, completely, and never overwrites a shop's own changes."""

from pathlib import Path

from sqlalchemy import func, select, update

from catalog.demo.data import CATEGORIES, PRODUCERS, PRODUCTS
from catalog.demo.seed import seed_demo_catalog
from catalog.models import Category, Producer, Product
from catalog.text import fold
from catalog.uow import UnitOfWork


async def count(uow: UnitOfWork, model: type[object]) -> int:
    async with uow:
        return await uow.session.scalar(select(func.count()).select_from(model)) or 0


async def test_seeding_twice_loads_the_demo_catalog_once(uow: UnitOfWork, tmp_path: Path) -> None:
    first = await seed_demo_catalog(uow, tmp_path)
    assert (first.producers, first.categories, first.products) == (
        len(PRODUCERS),
        len(CATEGORIES),
        len(PRODUCTS),
    )
    again = await seed_demo_catalog(uow, tmp_path)
    assert (again.producers, again.categories, again.products) == (0, 0, 0)
    assert await count(uow, Product) == len(PRODUCTS) >= 40
    assert await count(uow, Producer) == 8
    assert await count(uow, Category) >= 5
    assert len(list((tmp_path / "products").glob("*.jpg"))) == len(PRODUCTS)


async def test_seeding_keeps_what_the_shop_changed(uow: UnitOfWork, media_dir: Path) -> None:
    await seed_demo_catalog(uow, media_dir)
    sku = PRODUCTS[0].sku
    async with uow:
        await uow.session.execute(update(Product).where(Product.sku == sku).values(stock=777))
        await uow.commit()
    await seed_demo_catalog(uow, media_dir)
    async with uow:
        assert await uow.session.scalar(select(Product.stock).where(Product.sku == sku)) == 777


async def test_only_if_empty_skips_a_shop_that_has_products(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    report = await seed_demo_catalog(uow, media_dir, only_if_empty=True)
    assert report.skipped


async def test_seeded_products_are_searchable_without_diacritics(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    async with uow:
        rows = (await uow.session.execute(select(Product.name_vi, Product.search_text))).all()
    assert all(fold(name) in text for name, text in rows)
    assert any("bat trang" in text for _, text in rows)
