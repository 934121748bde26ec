"""Every Alembic revision goes up, down and up again, and the head matches the models."""

from datetime import date
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from support import ordering

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.models import Base
from catalog.services import cart
from catalog.uow import UnitOfWork


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_every_revision_upgrades_downgrades_and_upgrades_again(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        revisions = migrate.revisions()
        assert revisions, "no migrations found"
        assert await migrate.current_revision(engine) is None
        previous: str = "base"
        for revision in revisions:
            await migrate.upgrade(engine, revision)
            assert await migrate.current_revision(engine) == revision
            await migrate.downgrade(engine, previous)
            assert await migrate.current_revision(engine) == (
                None if previous == "base" else previous
            )
            await migrate.upgrade(engine, revision)
            previous = revision
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()
    assert {"products", "orders", "outbox", "users"} <= await table_names(database_url)


async def test_the_newest_migration_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)

        def differences(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_downgrading_to_base_leaves_no_table_behind(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        await migrate.downgrade(engine, "base")
    finally:
        await engine.dispose()
    assert await table_names(database_url) <= {"alembic_version"}


async def test_grant_dates_go_down_to_years_and_years_come_up_as_first_of_january(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        factory = create_session_factory(engine)
        await seed_demo_catalog(UnitOfWork(factory), tmp_path)
        # Cart and order lines refer to the products whose table the migration rebuilds.
        await ordering.place_orders(database_url, 1, 1, "BABE-NGHE-500")
        await cart.add_to_cart(UnitOfWork(factory), user_id=2, product_id=1)
        granted = {"BABE-NGHE-500": "2023-05-10", "BABE-SA-10": "2020-02-29"}
        async with engine.begin() as connection:
            for sku, day in granted.items():
                await connection.execute(
                    text("UPDATE products SET ocop_granted = :day WHERE sku = :sku"),
                    {"day": date.fromisoformat(day), "sku": sku},
                )
            before = await rows(connection, "SELECT count(*) FROM cart_lines")

        await migrate.downgrade(engine, "0006")
        async with engine.begin() as connection:
            years = dict(await rows(connection, "SELECT sku, ocop_year FROM products"))
            await connection.execute(
                text("UPDATE products SET ocop_year = 2021 WHERE sku = 'BABE-SA-10'")
            )
        assert (years["BABE-NGHE-500"], years["BABE-SA-10"]) == (2023, 2020)
        await migrate.upgrade(engine, "0007")

        async with engine.connect() as connection:
            stored = await rows(connection, "SELECT sku, ocop_granted FROM products")
            # SQLite gives the text it stores, PostgreSQL a date.
            dates = {sku: date.fromisoformat(str(day)) for sku, day in stored}
            assert await rows(connection, "SELECT count(*) FROM cart_lines") == before
        assert dates["BABE-NGHE-500"] == date(2023, 1, 1)
        assert dates["BABE-SA-10"] == date(2021, 1, 1)
        assert {day.timetuple()[1:3] for day in dates.values()} == {(1, 1)}
        assert {sku: day.year for sku, day in dates.items()} == {**years, "BABE-SA-10": 2021}
    finally:
        await engine.dispose()


async def rows(connection: AsyncConnection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await connection.execute(text(sql))]


async def test_orders_placed_before_payments_keep_their_channel_and_get_a_payment_status(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), tmp_path)
        cod, shipped, waiting = await ordering.place_orders(database_url, 1, 3, "BABE-NGHE-500")
        async with engine.begin() as connection:
            for order in (shipped, waiting):
                await connection.execute(
                    text(
                        "UPDATE orders SET payment_method = 'bank_transfer', "
                        "channel = 'messenger' WHERE id = :order"
                    ),
                    {"order": order},
                )
            await connection.execute(
                text("UPDATE orders SET status = 'shipped' WHERE id = :order"), {"order": shipped}
            )

        # Down to the customers on channels (0010), and up through payments (0011) again.
        await migrate.downgrade(engine, "0010")
        await migrate.upgrade(engine, "0011")

        async with engine.connect() as connection:
            found = {
                order: (channel, status, paid == total, due)
                for order, channel, status, paid, total, due in await rows(
                    connection,
                    "SELECT id, channel, payment_status, amount_paid, total, payment_due_at "
                    "FROM orders",
                )
            }
    finally:
        await engine.dispose()
    assert found == {
        cod: ("telegram", "on_delivery", False, None),
        # The producer checked the bank before shipping, as the alert asked: paid.
        shipped: ("messenger", "paid", True, None),
        # Awaiting its transfer, and never expiring: nobody set it a time to pay.
        waiting: ("messenger", "awaiting", False, None),
    }
