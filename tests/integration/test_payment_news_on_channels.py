"""Who hears of an order's money, and where, on SQLite and PostgreSQL: a customer on
Messenger is told of their transfers, reminder, expiry and refund on Messenger (never on
Telegram), as a Telegram customer is on Telegram, while the producer's group and Zalo staff
hear of it as always; and an order paid in full is counted once (the shop's "order paid"),
once committed, however it was paid."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support.payments_shop import BABE_ACCOUNT, BABE_SKU, notification, place, transfer

from catalog import events
from catalog.demo.seed import seed_demo_catalog
from catalog.events import ShopEvent
from catalog.models import (
    MessengerOutboxMessage,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    ZaloOutboxMessage,
    utcnow,
)
from catalog.outbox import OutboxKind
from catalog.services import orders, producers, users
from catalog.services.orders import OrderView
from catalog.services.payments import expiry, manual
from catalog.services.payments.applying import apply_many
from catalog.services.payments.notifications import producer_accounts, store_many
from catalog.uow import UnitOfWork

GROUP = -7102
PSID = "24023411112222"


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    await producers.link_group(uow, producer_code="BABE", chat_id=GROUP)
    return uow


@pytest.fixture
def paid() -> Iterator[list[int]]:
    """The orders paid in full, as the shop tells them (each telling's count)."""
    told: list[int] = []

    def listen(event: ShopEvent, count: int) -> None:
        if event == ShopEvent.order_paid:
            told.append(count)

    events.listen(listen)
    yield told
    events.unlisten(listen)


async def on_messenger(shop: UnitOfWork, **place_with: Any) -> OrderView:
    """A bank-transfer order of a customer who shops on Messenger."""
    customer = await users.person_on_channel(shop, channel="messenger", external_id=PSID)
    return await place(shop, customer=customer, channel="messenger", **place_with)


async def customer_news(shop: UnitOfWork, order: OrderView) -> dict[str, list[str]]:
    """What the customer was told of ``order``, by outbox (Telegram's, Messenger's): each
    row's payment event, or ``status:reason``."""

    def said(payload: dict[str, Any]) -> str:
        return str(payload.get("event") or f"{payload['status']}:{payload['reason']}")

    found: dict[str, list[str]] = {}
    async with shop.reading():
        for name, table in (("telegram", OutboxMessage), ("messenger", MessengerOutboxMessage)):
            rows = await shop.session.scalars(
                select(table).where(table.user_id == order.user_id).order_by(table.id)
            )
            about = [row.payload for row in rows if row.payload["order_id"] == order.id]
            found[name] = [said(payload) for payload in about]
    return found


async def producer_news(shop: UnitOfWork, order: OrderView) -> tuple[list[str], list[str]]:
    """The payment events the producer's group and its Zalo staff were told of ``order``."""
    async with shop.reading():
        told = []
        for table in (OutboxMessage, ZaloOutboxMessage):
            rows = await shop.session.scalars(
                select(table)
                .where(table.kind == OutboxKind.payment_alert, table.producer_id.is_not(None))
                .order_by(table.id)
            )
            told.append([r.payload["event"] for r in rows if r.payload["order_id"] == order.id])
    return told[0], told[1]


async def test_a_messenger_customer_hears_of_their_money_on_messenger_and_the_group_as_ever(
    shop: UnitOfWork,
) -> None:
    order = await on_messenger(shop)
    content = f"MBVCB.8765.OCOP.{order.number}.CT tu 0881000458723"

    await transfer(shop, BABE_ACCOUNT, order.total - 10_000, content)
    await transfer(shop, BABE_ACCOUNT, 15_000, content)
    await manual.record_refund(
        shop, order_id=order.id, amount=None, actor_id=1, actor_name="Lan", chat_id=GROUP,
        is_admin=False,
    )  # fmt: skip

    assert await customer_news(shop, order) == {
        "telegram": [],
        "messenger": ["part", "over", "refunded"],
    }
    assert await producer_news(shop, order) == (["part", "over", "refunded"],) * 2


async def test_a_telegram_customer_still_hears_of_it_on_telegram(shop: UnitOfWork) -> None:
    order = await place(shop)
    await transfer(shop, BABE_ACCOUNT, order.total, f"OCOP {order.number}")
    assert await customer_news(shop, order) == {"telegram": ["paid"], "messenger": []}


async def test_a_messenger_customer_is_reminded_then_told_of_the_expiry_on_messenger(
    shop: UnitOfWork,
) -> None:
    order = await on_messenger(shop, window=timedelta(hours=2))
    now = utcnow()

    assert (
        await expiry.remind_unpaid(
            shop, window=timedelta(hours=2), now=now + timedelta(hours=1, minutes=30)
        )
        == 1
    )
    assert await expiry.expire_unpaid(shop, now=now + timedelta(hours=3)) == [order.id]
    await transfer(shop, BABE_ACCOUNT, order.total, f"OCOP {order.number}")

    assert await customer_news(shop, order) == {
        "telegram": [],
        "messenger": ["reminder", "cancelled:unpaid", "late"],
    }
    assert await producer_news(shop, order) == (["expired", "late"],) * 2


async def test_an_order_paid_in_full_is_counted_once_however_it_was_paid(
    shop: UnitOfWork, paid: list[int]
) -> None:
    by_parts = await place(shop)
    await transfer(shop, BABE_ACCOUNT, by_parts.total - 1_000, f"OCOP {by_parts.number}")
    assert paid == []  # part-paid is not paid
    await transfer(shop, BABE_ACCOUNT, 1_000, f"OCOP {by_parts.number}")
    await transfer(shop, BABE_ACCOUNT, 5_000, f"OCOP {by_parts.number}")  # over-paid after
    assert paid == [1]

    by_hand = await place(shop)
    await manual.record_paid(
        shop, order_id=by_hand.id, amount=None, actor_id=1, actor_name="Lan", chat_id=GROUP,
        is_admin=False,
    )  # fmt: skip
    cash = await place(shop, payment=PaymentMethod.cod)
    for step in (OrderStatus.accepted, OrderStatus.shipped, OrderStatus.delivered):
        await orders.change_order_status(
            shop, order_id=cash.id, new_status=step, actor_id=1, chat_id=GROUP
        )
    assert paid == [1, 1, 1]

    # Two transfers applied in one transaction (a receiver under load): told together.
    first, second = await place(shop), await place(shop, BABE_SKU)
    owner = (await producer_accounts(shop))[BABE_ACCOUNT].producer_id
    stored = await store_many(
        shop,
        [
            (notification(BABE_ACCOUNT, first.total, f"OCOP {first.number}"), owner),
            (notification(BABE_ACCOUNT, second.total, f"OCOP {second.number}"), owner),
        ],
    )
    await apply_many(shop, [s.id for s in stored])
    assert paid == [1, 1, 1, 2]
