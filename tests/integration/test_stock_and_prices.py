"""Stock and prices through the services, against a real database: one cap for imports and
commands, prices within the shop's limits, every change audited and shown in the catalog."""

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

from catalog import rules
from catalog.demo.seed import seed_demo_catalog
from catalog.errors import NotAllowed
from catalog.models import ChangeReason, Producer, Product, ProductChange
from catalog.services.catalog_io import export_catalog, import_spreadsheet
from catalog.services.inventory import Actor, InvalidValue, UnknownSku, set_price, set_stock
from catalog.spreadsheet import Problem, RowError, SpreadsheetRejected, write_catalog
from catalog.uow import UnitOfWork

OIL = "BABE-SA-10"
ADMIN = Actor(user_id=1, is_admin=True)


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    return uow


async def import_stock(uow: UnitOfWork, media_dir: Path, sku: str, stock: int) -> None:
    """Import a file that changes nothing about ``sku`` but its stock."""
    (row,) = [row for row in await export_catalog(uow) if row.sku == sku]
    data = write_catalog([replace(row, line=2, stock=stock, photo=None)], "catalog.csv")
    await import_spreadsheet(uow, data, "catalog.csv", actor_id=1, media_dir=media_dir)


async def stored(uow: UnitOfWork, sku: str) -> tuple[int, int]:
    async with uow.reading():
        row = (
            await uow.session.execute(
                select(Product.stock, Product.price).where(Product.sku == sku)
            )
        ).one()
        return row.stock, row.price


async def audit(uow: UnitOfWork, sku: str) -> list[tuple[str, str, str, ChangeReason]]:
    async with uow.reading():
        rows = await uow.session.execute(
            select(
                ProductChange.field,
                ProductChange.old_value,
                ProductChange.new_value,
                ProductChange.reason,
            )
            .join(Product, Product.id == ProductChange.product_id)
            .where(Product.sku == sku)
            .order_by(ProductChange.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def manager_of(uow: UnitOfWork, code: str) -> Actor:
    async with uow.reading():
        producer_id = await uow.session.scalar(select(Producer.id).where(Producer.code == code))
    assert producer_id is not None
    return Actor(user_id=7, producer_id=producer_id)


async def test_a_product_imported_at_the_stock_cap_takes_a_command_that_sells_three(
    shop: UnitOfWork, media_dir: Path
) -> None:
    await import_stock(shop, media_dir, OIL, rules.MAX_STOCK)
    change = await set_stock(shop, actor=ADMIN, sku=OIL, value=-3, relative=True)
    assert (change.old, change.new) == (str(rules.MAX_STOCK), str(rules.MAX_STOCK - 3))
    assert (await stored(shop, OIL))[0] == rules.MAX_STOCK - 3
    assert (await audit(shop, OIL))[-1] == (
        "stock",
        str(rules.MAX_STOCK),
        str(rules.MAX_STOCK - 3),
        ChangeReason.command,
    )


async def test_the_import_and_the_command_refuse_the_same_stock(
    shop: UnitOfWork, media_dir: Path
) -> None:
    before = await stored(shop, OIL)
    with pytest.raises(SpreadsheetRejected) as refused:
        await import_stock(shop, media_dir, OIL, rules.MAX_STOCK + 1)
    assert refused.value.errors == [
        RowError(2, "stock", Problem.bad_stock, str(rules.MAX_STOCK + 1))
    ]
    with pytest.raises(InvalidValue) as invalid:
        await set_stock(shop, actor=ADMIN, sku=OIL, value=rules.MAX_STOCK + 1, relative=False)
    assert (invalid.value.field, invalid.value.value) == ("stock", rules.MAX_STOCK + 1)
    assert await stored(shop, OIL) == before


async def test_a_stock_above_the_cap_from_before_may_only_come_down(shop: UnitOfWork) -> None:
    # Imports once allowed up to 2,147,483,647.
    async with shop:
        await shop.session.execute(
            update(Product).where(Product.sku == OIL).values(stock=5_000_000)
        )
        await shop.commit()
    await set_stock(shop, actor=ADMIN, sku=OIL, value=-3, relative=True)
    assert (await stored(shop, OIL))[0] == 4_999_997
    with pytest.raises(InvalidValue):
        await set_stock(shop, actor=ADMIN, sku=OIL, value=+4, relative=True)
    assert (await stored(shop, OIL))[0] == 4_999_997


async def test_stock_never_goes_below_zero(shop: UnitOfWork) -> None:
    stock, _price = await stored(shop, OIL)
    with pytest.raises(InvalidValue) as invalid:
        await set_stock(shop, actor=ADMIN, sku=OIL, value=-(stock + 1), relative=True)
    assert invalid.value.value == -1
    assert (await stored(shop, OIL))[0] == stock


async def test_a_manager_sets_their_products_price_and_the_change_is_audited(
    shop: UnitOfWork,
) -> None:
    _stock, old = await stored(shop, OIL)
    manager = await manager_of(shop, "BABE")
    change = await set_price(shop, actor=manager, sku=OIL, price=99_000)
    assert (change.sku, change.field, change.old, change.new) == (OIL, "price", str(old), "99000")
    assert (await stored(shop, OIL))[1] == 99_000
    assert (await audit(shop, OIL))[-1] == ("price", str(old), "99000", ChangeReason.command)


@pytest.mark.parametrize("price", [0, -1, rules.MAX_PRICE + 1, rules.TOO_LARGE])
async def test_a_price_outside_the_limits_changes_nothing(shop: UnitOfWork, price: int) -> None:
    before = await stored(shop, OIL)
    with pytest.raises(InvalidValue) as invalid:
        await set_price(shop, actor=ADMIN, sku=OIL, price=price)
    assert (invalid.value.field, invalid.value.value) == ("price", price)
    assert await stored(shop, OIL) == before
    assert [row for row in await audit(shop, OIL) if row[0] == "price"] == []


async def test_the_highest_price_is_allowed(shop: UnitOfWork) -> None:
    await set_price(shop, actor=ADMIN, sku=OIL, price=rules.MAX_PRICE)
    assert (await stored(shop, OIL))[1] == rules.MAX_PRICE


async def test_a_manager_cannot_price_another_producers_product(shop: UnitOfWork) -> None:
    before = await stored(shop, OIL)
    other = await manager_of(shop, "QUANGVINH")
    with pytest.raises(NotAllowed):
        await set_price(shop, actor=other, sku=OIL, price=99_000)
    with pytest.raises(NotAllowed):
        await set_price(shop, actor=Actor(user_id=9), sku=OIL, price=99_000)
    assert await stored(shop, OIL) == before


async def test_an_unknown_sku_comes_back_with_the_closest_ones(shop: UnitOfWork) -> None:
    with pytest.raises(UnknownSku) as unknown:
        await set_price(shop, actor=ADMIN, sku="BABE-SA-1O", price=99_000)
    assert unknown.value.sku == "BABE-SA-1O"
    assert OIL in unknown.value.suggestions
