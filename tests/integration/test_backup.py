"""Backups of an SQLite shop with ``ocop-bot db backup`` and ``db restore``, as an operator
runs them: taken while orders stream in, restored with every order committed before it
began (and nothing half-written); refused over a running shop; refused for PostgreSQL with
pg_dump's advice."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select
from support.botprocess import OCOP_BOT
from support.ordering import DETAILS

from bot.backup import ShopLock
from bot.config import Config
from bot.scheduled_backups import ScheduledBackups
from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.models import OutboxMessage, PaymentMethod, Product
from catalog.outbox import OutboxKind, OutboxSignal
from catalog.services import cart, orders
from catalog.services.warnings import Cause, State
from catalog.uow import UnitOfWork

SKUS = ("BABE-SA-10", "TAMHUNG-GAO-5KG", "HOANGLONG-NEM-20")


async def ocop_bot(database: Path, media: Path, *args: str) -> tuple[int, str, str]:
    """The command line, as its own process, on the shop in ``database``."""
    config = database.with_name("bot.toml")
    config.write_text(f'[shop]\nmedia_dir = "{media}"\n', encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        str(OCOP_BOT), "--config", str(config), *args,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def files_in(folder: Path) -> list[Path]:
    return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())


def read(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


class Stream:
    """Customers ordering one after another, each order's id noted once committed."""

    def __init__(self, database: Path) -> None:
        self.engine = create_engine(f"sqlite+aiosqlite:///{database}")
        self.factory = create_session_factory(self.engine)
        self.committed: list[int] = []
        self.stop = asyncio.Event()
        self._placed = asyncio.Event()

    async def reach(self, orders: int) -> None:
        """Until ``orders`` orders are committed."""
        while len(self.committed) < orders:
            self._placed.clear()
            await asyncio.wait_for(self._placed.wait(), 30)

    async def run(self) -> None:
        async with UnitOfWork(self.factory).reading() as uow:
            products = [
                await uow.session.scalar(
                    Product.__table__.select()
                    .with_only_columns(Product.id)
                    .where(Product.sku == s)
                )
                for s in SKUS
            ]
        customer = 90_000
        while not self.stop.is_set():
            customer += 1
            for product_id in products[: 1 + customer % 3]:
                assert product_id is not None
                await cart.add_to_cart(
                    UnitOfWork(self.factory), user_id=customer, product_id=product_id
                )
            placed = await orders.place_order(
                UnitOfWork(self.factory),
                user_id=customer,
                details=DETAILS,
                payment=PaymentMethod.cod,
                idempotency_key=f"stream-{customer}",
            )
            self.committed += [order.id for order in placed.orders]
            self._placed.set()
            await asyncio.sleep(0)


@pytest.fixture
async def shop(tmp_path: Path, media_dir: Path) -> tuple[Path, Path]:
    database = tmp_path / "live" / "shop.db"
    # Its own media folder: a restore replaces it.
    media = shutil.copytree(media_dir, tmp_path / "live" / "media")
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), media)
    finally:
        await engine.dispose()
    return database, media


async def test_a_backup_taken_while_orders_stream_in_restores_every_order_committed_before_it(
    tmp_path: Path, shop: tuple[Path, Path]
) -> None:
    database, media = shop
    with sqlite3.connect(database) as db:
        db.execute("UPDATE products SET stock = 1000000")  # the stream never runs out
    stock_before = dict(read(database, "SELECT id, stock FROM products"))
    stream = Stream(database)
    streaming = asyncio.create_task(stream.run())
    try:
        await stream.reach(20)
        before_backup = set(stream.committed)
        status, out, err = await ocop_bot(database, media, "db", "backup", str(tmp_path / "b"))
        assert status == 0, err
        count_after_backup = len(stream.committed)
        await stream.reach(count_after_backup + 10)
    finally:
        stream.stop.set()
        await streaming
        await stream.engine.dispose()
    everything = set(stream.committed)
    [archive] = (tmp_path / "b").glob("ocop-*.tar.gz")
    assert str(archive) in out

    # Restored where another shop would run: the orders as the backup saw them.
    elsewhere = tmp_path / "elsewhere" / "shop.db"
    elsewhere.parent.mkdir()
    restored_media = tmp_path / "elsewhere" / "media"
    status, out, err = await ocop_bot(elsewhere, restored_media, "db", "restore", str(archive))
    assert status == 0, err
    restored = {order_id for (order_id,) in read(elsewhere, "SELECT id FROM orders")}
    assert before_backup <= restored <= everything
    assert restored != everything  # taken mid-stream: the orders after it are not there
    # Nothing half-written: every order has its lines, and the stock taken is what they sold.
    assert read(elsewhere, "PRAGMA integrity_check") == [("ok",)]
    lineless = "SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)"
    assert read(elsewhere, lineless) == [(0,)]
    sold = dict(read(elsewhere, "SELECT product_id, sum(quantity) FROM order_lines GROUP BY 1"))
    for product_id, stock in read(elsewhere, "SELECT id, stock FROM products"):
        assert stock + sold.get(product_id, 0) == stock_before[product_id]
    assert files_in(restored_media) == files_in(media) != []


async def test_a_restore_over_a_running_shop_is_refused_unless_forced(
    tmp_path: Path, shop: tuple[Path, Path]
) -> None:
    database, media = shop
    status, _out, err = await ocop_bot(database, media, "db", "backup", str(tmp_path / "b.tar.gz"))
    assert status == 0, err
    running = ShopLock(database)
    running.hold_shared()  # what `ocop-bot run` holds while it runs
    try:
        status, out, err = await ocop_bot(
            database, media, "db", "restore", str(tmp_path / "b.tar.gz")
        )
        assert status == 1
        assert "a shop is running on" in err
        assert not list(database.parent.glob("*.before-restore-*"))
        status, out, err = await ocop_bot(
            database, media, "db", "restore", "--force", str(tmp_path / "b.tar.gz")
        )
        assert status == 0, err
    finally:
        running.release()
    # What was replaced is kept beside it.
    kept = database.parent.glob("*.before-restore-*")
    assert sorted(path.name.split(".before-restore-")[0] for path in kept) == ["media", "shop.db"]
    # And with no shop running, no --force is needed.
    status, out, err = await ocop_bot(database, media, "db", "restore", str(tmp_path / "b.tar.gz"))
    assert status == 0, err
    assert "orders" in out


@pytest.mark.parametrize("command", [["db", "backup"], ["db", "restore", "x.tar.gz"]])
async def test_postgresql_shops_are_told_to_use_pg_dump_and_pg_restore(
    tmp_path: Path, command: list[str]
) -> None:
    process = await asyncio.create_subprocess_exec(
        str(OCOP_BOT), *command,
        cwd=tmp_path, env={**os.environ, "DATABASE_URL": "postgresql+asyncpg://ocop@db/ocop"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await process.communicate()
    assert process.returncode == 1
    assert "pg_dump" in err.decode()
    assert "pg_restore" in err.decode()


async def test_scheduled_backups_keep_the_newest_and_warn_once_while_they_fail(
    tmp_path: Path, shop: tuple[Path, Path]
) -> None:
    database, media = shop
    folder = tmp_path / "scheduled"
    folder.mkdir()
    for old in ("ocop-20260101-000000.tar.gz", "ocop-20260102-000000.tar.gz"):
        (folder / old).write_bytes(b"an older backup")
    url = f"sqlite+aiosqlite:///{database}"
    config = Config.model_validate(
        {
            "database": {"url": url},
            "shop": {"media_dir": str(media)},
            "backup": {"directory": str(folder), "every_hours": 6, "keep": 2},
        }
    )
    engine = create_engine(url)
    scheduled = ScheduledBackups(config, create_session_factory(engine), OutboxSignal())
    try:
        # The newest backup was just written: the next is due in six hours.
        assert 6 * 3600 - 5 < scheduled.due_in() <= 6 * 3600
        assert await scheduled.take()
        names = sorted(path.name for path in folder.iterdir())
        assert names[0] == "ocop-20260102-000000.tar.gz"
        assert len(names) == 2
        assert 6 * 3600 - 5 < scheduled.due_in() <= 6 * 3600

        folder.rename(tmp_path / "moved")
        folder.write_text("a file where the folder was")
        assert not await scheduled.take()
        assert not await scheduled.take()
        folder.unlink()
        (tmp_path / "moved").rename(folder)
        assert await scheduled.take()
        async with UnitOfWork(create_session_factory(engine)).reading() as uow:
            told = [
                payload["state"]
                for payload in await uow.session.scalars(
                    select(OutboxMessage.payload).where(
                        OutboxMessage.kind == OutboxKind.admin_notice
                    )
                )
                if payload.get("cause") == Cause.backup_failed
            ]
        assert told == [State.raised, State.resolved]
    finally:
        await engine.dispose()
