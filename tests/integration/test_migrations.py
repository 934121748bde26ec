"""Every Alembic revision goes up, down and up again, and the head matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from catalog import migrate
from catalog.db import create_engine
from catalog.models import Base


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
