"""The schema itself refuses impossible data, on both databases."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalog.db import create_session_factory
from catalog.models import Category, Producer, ProducerKind, Product, User


def producer(code: str = "BATTRANG") -> Producer:
    return Producer(
        code=code,
        name_vi="HTX gốm Tân Thịnh",
        name_en="Tan Thinh pottery cooperative",
        kind=ProducerKind.cooperative,
        ward="Xã Bát Tràng",
        province="Hà Nội",
    )


def product(producer_id: int, category_id: int, **overrides: object) -> Product:
    values: dict[str, object] = {
        "sku": "TT-BINH-01",
        "producer_id": producer_id,
        "category_id": category_id,
        "name_vi": "Bình men Suối Ngọc",
        "name_en": "Suoi Ngoc glaze vase",
        "unit_vi": "chiếc",
        "unit_en": "piece",
        "price": 850_000,
        "stock": 5,
        "ocop_stars": 5,
        "ocop_granted": date(2024, 1, 1),
    }
    values.update(overrides)
    return Product(**values)


async def make_catalog(session: AsyncSession) -> tuple[int, int]:
    maker = producer()
    category = Category(code="crafts", name_vi="Thủ công mỹ nghệ", name_en="Handicrafts")
    session.add_all([maker, category])
    await session.flush()
    return maker.id, category.id


@pytest.mark.parametrize(
    "overrides",
    [{"price": 0}, {"price": -1}, {"stock": -1}, {"ocop_stars": 2}, {"ocop_stars": 6}],
)
async def test_impossible_products_are_refused(
    engine: AsyncEngine, overrides: dict[str, object]
) -> None:
    async with create_session_factory(engine)() as session:
        producer_id, category_id = await make_catalog(session)
        session.add(product(producer_id, category_id, **overrides))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_a_product_needs_an_existing_producer(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        _, category_id = await make_catalog(session)
        session.add(product(9999, category_id))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_duplicate_skus_are_refused(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        producer_id, category_id = await make_catalog(session)
        session.add(product(producer_id, category_id))
        await session.flush()
        session.add(product(producer_id, category_id, name_vi="Khác"))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_the_conditional_stock_update_never_goes_below_zero(engine: AsyncEngine) -> None:
    factory = create_session_factory(engine)
    async with factory() as session:
        producer_id, category_id = await make_catalog(session)
        item = product(producer_id, category_id, stock=3)
        session.add(item)
        await session.commit()
        take = update(Product).where(Product.id == item.id, Product.stock >= 2)
        first = await session.execute(take.values(stock=Product.stock - 2))
        second = await session.execute(take.values(stock=Product.stock - 2))
        await session.commit()
        assert (first.rowcount, second.rowcount) == (1, 0)  # type: ignore[attr-defined]
        assert await session.scalar(select(Product.stock).where(Product.id == item.id)) == 1


async def test_money_and_telegram_ids_keep_their_size(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        producer_id, category_id = await make_catalog(session)
        session.add(product(producer_id, category_id, price=8_000_000_000))
        session.add(User(id=7_999_999_999, first_name="An"))
        await session.commit()
        assert await session.scalar(select(Product.price)) == 8_000_000_000
        assert await session.scalar(select(User.id)) == 7_999_999_999


async def test_timestamps_come_back_as_utc_aware(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        session.add(User(id=1, first_name="An", created_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)))
        await session.commit()
    async with create_session_factory(engine)() as session:
        created = await session.scalar(select(User.created_at))
        assert created == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
        assert created is not None
        assert created.tzinfo is not None


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 15000
