"""Payments through the shop's services, on SQLite and PostgreSQL: a notification stored once
and applied once, matched as banks mangle the content, to the producer whose account got
the money only; part- and over-payments, expiry with its stock back once, a late transfer
owed back, money recorded by hand, and who is told of each."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from support.payments_shop import (
    BABE_ACCOUNT,
    BABE_SKU,
    CUSTOMER,
    QV_SKU,
    place,
    transfer,
)

from catalog.demo.seed import seed_demo_catalog
from catalog.errors import NothingToRecord, PaymentMissing, TransferUnavailable
from catalog.models import (
    NotificationState,
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentChange,
    PaymentMethod,
    PaymentNotification,
    PaymentProvider,
    PaymentStatus,
    Producer,
    Product,
    ZaloOutboxMessage,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.payments.incoming import Incoming
from catalog.services import figures, orders, producers
from catalog.services.inventory import Actor
from catalog.services.payments import expiry, manual
from catalog.services.payments.applying import apply, apply_many
from catalog.services.payments.notifications import (
    Outcome,
    producer_accounts,
    store,
    store_many,
)
from catalog.uow import UnitOfWork

GROUP = -7101


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    await producers.link_group(uow, producer_code="BABE", chat_id=GROUP)
    return uow


async def order_row(uow: UnitOfWork, order_id: int) -> Order:
    async with uow.reading():
        order = await uow.session.get(Order, order_id)
        assert order is not None
        uow.session.expunge(order)  # read after the transaction ends
        return order


async def fetch(uow: UnitOfWork, statement: Any) -> list[Any]:
    """Rows read in a transaction of their own, usable after it."""
    async with uow.reading():
        found = list(await uow.session.scalars(statement))
        uow.session.expunge_all()
        return found


async def news(uow: UnitOfWork, order_id: int, kind: str) -> list[dict[str, object]]:
    """The payloads of the Telegram outbox rows of ``kind`` about the order, in order."""
    async with uow.reading():
        rows = await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return [row.payload for row in rows if row.payload.get("order_id") == order_id]


async def stock(uow: UnitOfWork, sku: str = BABE_SKU) -> int:
    async with uow.reading():
        return await uow.session.scalar(select(Product.stock).where(Product.sku == sku)) or 0


async def test_a_transfer_naming_the_order_pays_it_and_everyone_is_told_once(
    shop: UnitOfWork,
) -> None:
    order = await place(shop)
    assert order.payment_status == PaymentStatus.awaiting
    assert order.payment_due_at is not None

    outcome = await transfer(shop, BABE_ACCOUNT, order.total, f"OCOP {order.number}")

    assert outcome == Outcome("paid", order.id)
    row = await order_row(shop, order.id)
    assert (row.payment_status, row.amount_paid) == (PaymentStatus.paid, order.total)
    [notice] = await news(shop, order.id, OutboxKind.payment_notice)
    assert notice["event"] == "paid"
    assert notice["amount"] == order.total
    [alert] = await news(shop, order.id, OutboxKind.payment_alert)
    assert alert["event"] == "paid"
    [zalo] = await fetch(
        shop, select(func.count()).where(ZaloOutboxMessage.kind == OutboxKind.payment_alert)
    )
    [change] = await fetch(shop, select(PaymentChange).where(PaymentChange.order_id == order.id))
    assert zalo == 1
    assert (change.old_status, change.new_status, change.amount, change.reason) == (
        PaymentStatus.awaiting, PaymentStatus.paid, order.total, "transfer",
    )  # fmt: skip
    assert change.notification_id is not None


async def test_a_repeated_notification_changes_nothing(shop: UnitOfWork) -> None:
    order = await place(shop)
    first = await transfer(shop, BABE_ACCOUNT, order.total, order.number, transaction_id="id:7")
    again = await transfer(shop, BABE_ACCOUNT, order.total, order.number, transaction_id="id:7")

    assert (first.result, again.result) == ("paid", "duplicate")
    assert (await order_row(shop, order.id)).amount_paid == order.total
    assert len(await news(shop, order.id, OutboxKind.payment_notice)) == 1


async def test_one_notification_applied_by_several_workers_at_once_counts_once(
    shop: UnitOfWork,
) -> None:
    order = await place(shop)
    incoming = Incoming(
        PaymentProvider.sepay, "id:race", BABE_ACCOUNT, True, order.total, order.number
    )
    stored = await store(shop, incoming, (await producer_accounts(shop))[BABE_ACCOUNT].producer_id)
    factory = shop._session_factory
    outcomes = await asyncio.gather(*(apply(UnitOfWork(factory), stored.id) for _ in range(5)))

    assert sorted(o.result for o in outcomes) == ["done"] * 4 + ["paid"]
    assert (await order_row(shop, order.id)).amount_paid == order.total


@pytest.mark.parametrize(
    "content",
    [
        "MBVCB.8765.OCOP.{n}.CT tu 0881000458723 NGUYEN VAN A",
        "OCOP {n_broken}",
        "MBVCB.8765.OCOP.{n_broken}.CT tu 0881000458723 NGUYEN VAN A",
        "ocop {n_lower} cam on",
        "IBFT OCOP{n}0881000458723",
    ],
)
async def test_the_content_matches_however_the_bank_mangled_it(
    shop: UnitOfWork, content: str
) -> None:
    order = await place(shop)
    number = order.number
    text = content.format(n=number, n_broken=f"{number[:5]} {number[5:]}", n_lower=number.lower())

    assert (await transfer(shop, BABE_ACCOUNT, order.total, text)).result == "paid"


async def test_a_transfer_to_one_producer_naming_anothers_order_pays_nothing(
    shop: UnitOfWork,
) -> None:
    babe = await place(shop)
    potter = await place(shop, QV_SKU, customer=CUSTOMER + 1)

    outcome = await transfer(shop, BABE_ACCOUNT, potter.total, f"OCOP {potter.number}")

    assert outcome.result == "unmatched"
    assert potter.number in outcome.note
    assert (await order_row(shop, potter.id)).amount_paid == 0
    assert (await order_row(shop, babe.id)).amount_paid == 0
    [waiting] = await fetch(
        shop, select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.transfer_unmatched)
    )
    assert waiting.producer_id == babe.producer_id
    assert waiting.payload["amount"] == potter.total
    assert waiting.payload["content"] == f"OCOP {potter.number}"


async def test_a_transfer_without_an_order_number_or_to_an_unknown_account_waits_for_a_person(
    shop: UnitOfWork,
) -> None:
    assert (await transfer(shop, BABE_ACCOUNT, 50_000, "chuyen tien")).result == "unmatched"
    assert (await transfer(shop, "999000111", 50_000, "OCOP DH00001")).result == "unmatched"
    notices = await fetch(
        shop, select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.admin_notice)
    )
    states = set(await fetch(shop, select(PaymentNotification.state)))
    assert [n.payload["event"] for n in notices] == [AdminEvent.transfer_unmatched]
    assert states == {NotificationState.unmatched}


async def test_two_orders_named_are_told_apart_by_the_amount_or_left_to_a_person(
    shop: UnitOfWork,
) -> None:
    one = await place(shop)
    two = await place(shop, quantity=2, customer=CUSTOMER + 1)
    both = f"OCOP {one.number} {two.number}"

    assert (await transfer(shop, BABE_ACCOUNT, two.total, both)) == Outcome("paid", two.id)
    assert (await transfer(shop, BABE_ACCOUNT, 1_000, both)).result == "unmatched"


async def test_a_part_payment_then_the_rest_then_too_much(shop: UnitOfWork) -> None:
    order = await place(shop)
    part = order.total - 40_000

    assert (await transfer(shop, BABE_ACCOUNT, part, order.number)).result == "part"
    row = await order_row(shop, order.id)
    assert (row.payment_status, row.amount_paid) == (PaymentStatus.part_paid, part)
    assert (await transfer(shop, BABE_ACCOUNT, 40_000, order.number)).result == "paid"
    assert (await transfer(shop, BABE_ACCOUNT, 15_000, order.number)).result == "over"

    notices = await news(shop, order.id, OutboxKind.payment_notice)
    assert [(n["event"], n["missing"], n["owed_back"]) for n in notices] == [
        ("part", 40_000, 0), ("paid", 0, 0), ("over", 0, 15_000),
    ]  # fmt: skip
    assert (await order_row(shop, order.id)).payment_status == PaymentStatus.over_paid


async def test_a_bank_transfer_order_is_not_shipped_unpaid_unless_the_producer_says_so(
    shop: UnitOfWork,
) -> None:
    order = await place(shop)
    step = {"actor_id": 7, "chat_id": GROUP, "actor_name": "Vinh"}
    await orders.change_order_status(
        shop, order_id=order.id, new_status=OrderStatus.accepted, **step
    )
    with pytest.raises(PaymentMissing) as refused:
        await orders.change_order_status(
            shop, order_id=order.id, new_status=OrderStatus.shipped, **step
        )
    assert refused.value.missing == order.total
    assert (await order_row(shop, order.id)).status == OrderStatus.accepted

    shipped = await orders.change_order_status(
        shop, order_id=order.id, new_status=OrderStatus.shipped, ship_unpaid=True, **step
    )
    assert shipped.status == OrderStatus.shipped


async def test_cash_on_delivery_is_pay_on_delivery_until_delivered(shop: UnitOfWork) -> None:
    order = await place(shop, payment=PaymentMethod.cod)
    assert (order.payment_status, order.payment_due_at) == (PaymentStatus.on_delivery, None)
    step = {"actor_id": 7, "chat_id": GROUP, "actor_name": "Vinh"}
    for status in (OrderStatus.accepted, OrderStatus.shipped, OrderStatus.delivered):
        view = await orders.change_order_status(shop, order_id=order.id, new_status=status, **step)
    assert (view.payment_status, view.amount_paid) == (PaymentStatus.paid, order.total)


async def test_an_unpaid_order_is_reminded_once_then_expires_with_its_stock_back_once(
    shop: UnitOfWork,
) -> None:
    before = await stock(shop)
    order = await place(shop, quantity=3, window=timedelta(hours=24))
    assert order.payment_due_at is not None
    due = order.payment_due_at

    assert (
        await expiry.remind_unpaid(shop, window=timedelta(hours=24), now=due - timedelta(hours=13))
        == 0
    )
    for _ in range(2):
        reminded = await expiry.remind_unpaid(
            shop, window=timedelta(hours=24), now=due - timedelta(hours=11)
        )
    assert [n["event"] for n in await news(shop, order.id, OutboxKind.payment_notice)] == [
        "reminder"
    ]
    assert reminded == 0
    assert await expiry.expire_unpaid(shop, now=due - timedelta(seconds=1)) == []

    assert await expiry.expire_unpaid(shop, now=due) == [order.id]
    assert await expiry.expire_unpaid(shop, now=due + timedelta(hours=1)) == []

    row = await order_row(shop, order.id)
    assert row.status == OrderStatus.cancelled
    assert await stock(shop) == before
    [cancelled] = await news(shop, order.id, OutboxKind.status_notice)
    assert cancelled == {"order_id": order.id, "status": "cancelled", "reason": "unpaid"}
    [alert] = await news(shop, order.id, OutboxKind.payment_alert)
    assert alert["event"] == "expired"

    late = await transfer(shop, BABE_ACCOUNT, order.total, f"OCOP {order.number}")

    assert late.result == "late"
    row = await order_row(shop, order.id)
    assert (row.status, row.payment_status) == (OrderStatus.cancelled, PaymentStatus.refund_owed)
    assert await stock(shop) == before
    assert [n["event"] for n in await news(shop, order.id, OutboxKind.payment_alert)] == [
        "expired", "late",
    ]  # fmt: skip


async def test_an_order_with_money_on_it_does_not_expire(shop: UnitOfWork) -> None:
    order = await place(shop)
    await transfer(shop, BABE_ACCOUNT, 10_000, order.number)
    assert order.payment_due_at is not None

    assert await expiry.expire_unpaid(shop, now=order.payment_due_at + timedelta(days=1)) == []
    assert (await order_row(shop, order.id)).status == OrderStatus.new


async def test_money_recorded_by_hand_is_audited_and_told(shop: UnitOfWork) -> None:
    order = await place(shop)
    staff = {"actor_id": 77, "actor_name": "Vinh", "chat_id": GROUP, "is_admin": False}

    paid = await manual.record_paid(shop, order_id=order.id, amount=None, **staff)
    assert (paid.payment_status, paid.amount_paid) == (PaymentStatus.paid, order.total)
    with pytest.raises(NothingToRecord):
        await manual.record_paid(shop, order_id=order.id, amount=None, **staff)
    await manual.record_paid(shop, order_id=order.id, amount=20_000, **staff)
    refunded = await manual.record_refund(shop, order_id=order.id, amount=None, **staff)

    assert (refunded.payment_status, refunded.amount_refunded) == (PaymentStatus.paid, 20_000)
    changes = await fetch(
        shop,
        select(PaymentChange).where(PaymentChange.order_id == order.id).order_by(PaymentChange.id),
    )
    assert [(c.reason, c.amount, c.actor_id, c.new_status) for c in changes] == [
        ("by_hand", order.total, 77, PaymentStatus.paid),
        ("by_hand", 20_000, 77, PaymentStatus.over_paid),
        ("refund", -20_000, 77, PaymentStatus.paid),
    ]
    events = [n["event"] for n in await news(shop, order.id, OutboxKind.payment_alert)]
    assert events == ["paid", "over", "refunded"]


async def test_a_transfer_order_is_refused_when_a_producer_lost_its_bank_meanwhile(
    shop: UnitOfWork,
) -> None:
    async with shop:
        await shop.session.execute(
            update(Producer).where(Producer.code == "BABE").values(bank_account=None)
        )
        await shop.commit()
    with pytest.raises(TransferUnavailable):
        await place(shop)


async def test_staff_see_the_unpaid_orders_and_the_money_per_producer(shop: UnitOfWork) -> None:
    paid = await place(shop)
    await transfer(shop, BABE_ACCOUNT, paid.total, paid.number)
    unpaid = await place(shop, customer=CUSTOMER + 1)
    part = await place(shop, customer=CUSTOMER + 2)
    await transfer(shop, BABE_ACCOUNT, 5_000, part.number)
    admin = Actor(user_id=1, is_admin=True)

    page = await figures.staff_orders(shop, actor=admin, status=None, unpaid=True)
    assert [o.id for o in page.orders] == [part.id, unpaid.id]

    [babe] = await figures.stats(shop, actor=admin, since=utcnow() - timedelta(hours=1))
    assert babe.received == paid.total + 5_000
    assert babe.outstanding == unpaid.total + part.total - 5_000
    assert babe.owed_back == 0


async def test_notifications_applied_together_count_each_transfer_in_turn(
    shop: UnitOfWork,
) -> None:
    order = await place(shop)
    account = (await producer_accounts(shop))[BABE_ACCOUNT]
    amounts = [30_000, order.total - 30_000, 10_000]
    incoming = [
        Incoming(PaymentProvider.sepay, f"id:b{n}", BABE_ACCOUNT, True, amount, order.number)
        for n, amount in enumerate(amounts)
    ]
    # The same transfer twice in one batch is stored once.
    stored = await store_many(shop, [(i, account.producer_id) for i in [*incoming, incoming[0]]])
    assert [s.new for s in stored] == [True, True, True, False]
    assert stored[0].id == stored[3].id

    outcomes = await apply_many(shop, [s.id for s in stored[:3]])

    assert [o.result for o in outcomes] == ["part", "paid", "over"]
    changes = await fetch(
        shop,
        select(PaymentChange).where(PaymentChange.order_id == order.id).order_by(PaymentChange.id),
    )
    assert [(c.old_status, c.new_status, c.paid_after) for c in changes] == [
        (PaymentStatus.awaiting, PaymentStatus.part_paid, 30_000),
        (PaymentStatus.part_paid, PaymentStatus.paid, order.total),
        (PaymentStatus.paid, PaymentStatus.over_paid, order.total + 10_000),
    ]
    row = await order_row(shop, order.id)
    assert (row.payment_status, row.amount_paid) == (PaymentStatus.over_paid, order.total + 10_000)
