"""Unpaid orders and missed notifications end to end, on SQLite and PostgreSQL: an order
nobody pays is reminded, then cancelled with its stock back once, and a transfer after that
is owed back; a transfer whose webhook never came is found by ``ocop-bot payments
reconcile`` and counted once, however often it runs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from support.botprocess import OCOP_BOT, BotProcess, Shop, link_group_through_the_bot
from support.journeys import greeted
from support.payments_shop import (
    Providers,
    postgres_shop,
    query,
    transfer_order,
    watch_accounts,
)
from support.postgres import _free_port

from catalog.money import format_vnd
from emulators.payments import Mangle, PaymentsEmulator
from emulators.telegram import Emulator, Group, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = """
[outbox]
poll_seconds = 0.5
[payments]
check_seconds = 0.5
reconcile_minutes = 0
"""
# Orders placed here are due this soon: the reminder comes at half of it.
WINDOW = timedelta(seconds=8)
WAIT = 15.0


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def database(
    request: pytest.FixtureRequest, shop: Shop, demo_template: tuple[Path, Path]
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield shop.database_url
        return
    async with postgres_shop(request.getfixturevalue("postgres_server"), demo_template[1]) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def payments(database: str) -> AsyncIterator[PaymentsEmulator]:
    emulator = PaymentsEmulator(allow_private_webhooks=True, response_timeout=10.0)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture(scope="module")
def providers(payments: PaymentsEmulator) -> Providers:
    # BABE's SePay company has no webhook: every transfer to it is missed.
    return watch_accounts(payments, _free_port(), sepay_webhook=False)


@pytest.fixture(scope="module")
def bot_env(providers: Providers, database: str) -> dict[str, str]:
    return {**providers.environment(), "DATABASE_URL": database}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def potters(
    emulator: Emulator, bot_process: BotProcess, admin: Person
) -> tuple[Person, Group]:
    staff = emulator.person("Thợ gốm", language_code="vi")
    group = emulator.group("Gốm Tân Thịnh")
    await link_group_through_the_bot(
        emulator, admin, group, staff, "Tan Thinh Pottery Cooperative"
    )
    return staff, group


async def stock(database: str, sku: str) -> int:
    [row] = await query(database, "SELECT stock FROM products WHERE sku = :s", s=sku)
    return int(row[0])


async def payment_of(database: str, order_id: int) -> tuple[str, str, int]:
    [row] = await query(
        database,
        "SELECT status, payment_status, amount_paid FROM orders WHERE id = :o",
        o=order_id,
    )
    return str(row[0]), str(row[1]), int(row[2])


async def test_an_unpaid_order_is_reminded_then_expires_and_a_late_transfer_is_owed_back(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    potters: tuple[Person, Group],
    database: str,
) -> None:
    staff, group = potters
    lan = await greeted(emulator, "Lan", "vi")
    sku = "TANTHINH-SN-TOI25"
    before = await stock(database, sku)
    order_id, total = await transfer_order(database, lan.user.id, sku, 2, window=WINDOW)
    number = f"DH{order_id:05d}"
    assert await stock(database, sku) == before - 2

    reminder = await lan.wait_for(lambda m: "đang chờ bạn chuyển khoản" in m.text, WAIT)
    assert number in reminder.text
    assert format_vnd(total, "vi") in reminder.text
    cancelled = await lan.wait_for(lambda m: "đã hủy đơn" in m.text and number in m.text, WAIT)
    assert "Không thanh toán đúng hạn" in cancelled.text
    await staff.wait_for(lambda m: "⌛" in m.text and number in m.text, WAIT, chat=group)
    assert await stock(database, sku) == before
    assert (await payment_of(database, order_id))[0] == "cancelled"

    await payments.transfer(
        providers.accounts["TANTHINH"], total, f"OCOP {number}", mangling=Mangle.MBVCB
    )

    late = await lan.wait_for(lambda m: "đã bị hủy" in m.text and "hoàn lại" in m.text, WAIT)
    assert number in late.text
    owed = await staff.wait_for(lambda m: f"/refunded {number}" in m.text, WAIT, chat=group)
    assert format_vnd(total, "vi") in owed.text
    assert await payment_of(database, order_id) == ("cancelled", "refund_owed", total)
    assert await stock(database, sku) == before
    reminders = await query(
        database,
        "SELECT count(*) FROM outbox WHERE kind = 'payment_notice' AND user_id = :u",
        u=lan.user.id,
    )
    assert reminders[0][0] == 2  # the reminder, and the late transfer


async def reconcile(shop: Shop, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(OCOP_BOT), "--config", str(shop.config), "payments", "reconcile",
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, output.decode()


async def test_a_missed_webhook_is_found_by_payments_reconcile_and_counted_once(
    emulator: Emulator,
    bot_process: BotProcess,
    payments: PaymentsEmulator,
    providers: Providers,
    shop: Shop,
    bot_env: dict[str, str],
    database: str,
) -> None:
    minh = await greeted(emulator, "Minh", "vi")
    order_id, total = await transfer_order(database, minh.user.id, "BABE-NGHE-250")
    number = f"DH{order_id:05d}"
    await payments.pay("1500205012345", total, f"OCOP {number}")
    assert payments.deliveries("sepay") == [] or all(
        "1500205012345" not in d.body.decode() for d in payments.deliveries("sepay")
    )
    assert (await payment_of(database, order_id))[1:] == ("awaiting", 0)

    status, output = await reconcile(shop, bot_env)
    assert status == 0, output
    assert f"paid: {number}" in output
    await minh.wait_for(lambda m: "Đã nhận thanh toán" in m.text and number in m.text, WAIT)
    assert (await payment_of(database, order_id))[1:] == ("paid", total)
    status, output = await reconcile(shop, bot_env)
    assert status == 0, output
    assert f"paid: {number}" not in output
    assert (await payment_of(database, order_id))[1:] == ("paid", total)
