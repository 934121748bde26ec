"""Payments of a customer who shops on Messenger, end to end (``pytest -k "payment and
messenger"``): ``ocop-bot run`` with its receiver, the Messenger emulator and the payment
emulators. The bank's notification reaches the customer on Messenger — part of the money,
then all of it — within 2 s, as plain text inside the 24-hour window; an order nobody pays
is reminded and cancelled there too. Nothing of it goes to Telegram."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from support.botprocess import BotProcess, Shop
from support.messenger_shop import connect_page, free_port, messenger_env, running_meta
from support.payments_shop import Providers, transfer_order, watch_accounts
from support.postgres import _free_port

from catalog.money import format_vnd
from emulators.messenger import MessengerEmulator, MessengerPerson
from emulators.payments import Mangle, PaymentsEmulator

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = """
[outbox]
poll_seconds = 0.5
[payments]
check_seconds = 0.5
reconcile_minutes = 0
"""
TOLD_WITHIN = 2.0  # seconds: the promise to customers
SKU = "BABE-SA-10"  # BABE's: its account is watched by SePay


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meta() -> AsyncIterator[MessengerEmulator]:
    async for emulator in running_meta():
        yield emulator


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def payments() -> AsyncIterator[PaymentsEmulator]:
    emulator = PaymentsEmulator(allow_private_webhooks=True, response_timeout=10.0)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture(scope="module")
def providers(payments: PaymentsEmulator) -> Providers:
    return watch_accounts(payments, _free_port())


@pytest.fixture(scope="module")
def webhook_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot_env(providers: Providers, meta: MessengerEmulator, webhook_port: int) -> dict[str, str]:
    return {**providers.environment(), **messenger_env(meta, webhook_port)}


@pytest_asyncio.fixture(scope="module", loop_scope="module", autouse=True)
async def page_connected(
    meta: MessengerEmulator, bot_process: BotProcess, webhook_port: int
) -> None:
    await connect_page(meta, webhook_port)


def rows(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


async def on_messenger(
    meta: MessengerEmulator, shop: Shop, name: str
) -> tuple[MessengerPerson, int]:
    """Someone who pressed Get Started on the Page; the shop's id for them."""
    person = meta.person(name, locale="vi_VN")
    await person.get_started()
    await person.next_message()
    [(user_id,)] = rows(shop, "SELECT id FROM users WHERE external_id = ?", person.psid)
    return person, int(str(user_id))


async def test_a_messenger_customer_is_told_of_each_transfer_on_messenger(
    meta: MessengerEmulator,
    payments: PaymentsEmulator,
    providers: Providers,
    shop: Shop,
) -> None:
    lan, user_id = await on_messenger(meta, shop, "Lan")
    order_id, total = await transfer_order(shop.database_url, user_id, SKU, channel="messenger")
    number = f"DH{order_id:05d}"

    await payments.transfer(
        providers.accounts["BABE"], total - 10_000, f"OCOP {number}", mangling=Mangle.MBVCB
    )
    part = await lan.wait_for(lambda m: "còn thiếu" in (m.text or ""), TOLD_WITHIN)
    assert number in (part.text or "")
    assert format_vnd(10_000, "vi") in (part.text or "")
    await payments.transfer(providers.accounts["BABE"], 10_000, f"OCOP {number}")
    paid = await lan.wait_for(lambda m: "Đã nhận thanh toán" in (m.text or ""), TOLD_WITHIN)

    assert number in (paid.text or "")
    assert paid.messaging_type == "UPDATE"  # inside the 24-hour window
    assert "<b>" not in (paid.text or "")
    # Messenger's outbox sent both (marked so once Graph took them); Telegram's has nothing.
    sent = "SELECT count(*) FROM messenger_outbox WHERE user_id = ? AND status = 'sent'"
    assert await meta.wait_until(lambda: rows(shop, sent, user_id) == [(2,)] or None, 5)
    assert rows(shop, "SELECT count(*) FROM outbox WHERE user_id = ?", user_id) == [(0,)]


async def test_a_messenger_order_nobody_pays_is_reminded_then_cancelled_on_messenger(
    meta: MessengerEmulator, shop: Shop
) -> None:
    hoa, user_id = await on_messenger(meta, shop, "Hoa")
    order_id, _total = await transfer_order(
        shop.database_url, user_id, SKU, window=timedelta(seconds=4), channel="messenger"
    )
    number = f"DH{order_id:05d}"

    reminder = await hoa.wait_for(lambda m: "đang chờ bạn chuyển khoản" in (m.text or ""), 10)
    assert number in (reminder.text or "")
    cancelled = await hoa.wait_for(lambda m: "Không thanh toán đúng hạn" in (m.text or ""), 15)
    assert number in (cancelled.text or "")
