"""Moving orders along: every step the transitions allow, the ones they refuse, who may, and
the notices written in the same transaction."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from support.ordering import DETAILS

from catalog.demo.seed import seed_demo_catalog
from catalog.errors import InvalidTransition, NotAllowed
from catalog.models import (
    OrderStatus,
    OrderStatusChange,
    OutboxMessage,
    PaymentMethod,
    Product,
    ZaloOutboxMessage,
)
from catalog.outbox import OutboxKind
from catalog.rules import ORDER_STEPS
from catalog.services import cart, orders, producers
from catalog.services.orders import OrderView
from catalog.uow import UnitOfWork

SKU = "BABE-SA-10"
GROUP = -7001
CUSTOMER = 42
# A way from a new order to each status.
PATH = {
    OrderStatus.new: [],
    OrderStatus.accepted: [OrderStatus.accepted],
    OrderStatus.shipped: [OrderStatus.accepted, OrderStatus.shipped],
    OrderStatus.delivered: [OrderStatus.accepted, OrderStatus.shipped, OrderStatus.delivered],
    OrderStatus.cancelled: [OrderStatus.cancelled],
}
ALLOWED = [(old, new) for old, targets in ORDER_STEPS.items() for new in sorted(targets)]


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    await producers.link_group(uow, producer_code="BABE", chat_id=GROUP)
    return uow


async def stock(uow: UnitOfWork) -> int:
    async with uow.reading():
        return await uow.session.scalar(select(Product.stock).where(Product.sku == SKU)) or 0


async def place(uow: UnitOfWork, key: str) -> OrderView:
    async with uow.reading():
        product_id = await uow.session.scalar(select(Product.id).where(Product.sku == SKU))
    assert product_id is not None
    await cart.add_to_cart(uow, user_id=CUSTOMER, product_id=product_id, quantity=2)
    placed = await orders.place_order(
        uow, user_id=CUSTOMER, details=DETAILS, payment=PaymentMethod.cod, idempotency_key=key
    )
    [order] = placed.orders
    return order


async def move(uow: UnitOfWork, order_id: int, status: OrderStatus, **kw: object) -> OrderView:
    return await orders.change_order_status(
        uow,
        order_id=order_id,
        new_status=status,
        actor_id=kw.pop("actor_id", 7),  # type: ignore[arg-type]
        chat_id=kw.pop("chat_id", GROUP),  # type: ignore[arg-type]
        actor_name="Vinh",
        **kw,  # type: ignore[arg-type]
    )


Row = tuple[str, str, object, object]


async def outbox_rows(uow: UnitOfWork, order_id: int) -> list[Row]:
    """(table, kind, recipient, status) of every message about the order, in order."""
    async with uow.reading():
        telegram = [
            ("telegram", row.kind, row.user_id or row.producer_id, row.payload.get("status"))
            for row in await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if row.payload.get("order_id") == order_id
        ]
        zalo = [
            ("zalo", row.kind, row.producer_id, row.payload.get("status"))
            for row in await uow.session.scalars(
                select(ZaloOutboxMessage).order_by(ZaloOutboxMessage.id)
            )
            if row.payload.get("order_id") == order_id
        ]
        return telegram + zalo


def added(before: list[Row], after: list[Row]) -> list[Row]:
    """The rows in ``after`` that were not in ``before`` (both lists in id order)."""
    return list((Counter(after) - Counter(before)).elements())


async def history(uow: UnitOfWork, order_id: int) -> list[tuple[str | None, str, int | None]]:
    async with uow.reading():
        changes = await uow.session.scalars(
            select(OrderStatusChange)
            .where(OrderStatusChange.order_id == order_id)
            .order_by(OrderStatusChange.id)
        )
        return [(c.old_status, c.new_status, c.actor_id) for c in changes]


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{o}-{n}" for o, n in ALLOWED])
async def test_every_step_the_transitions_allow_is_taken_and_told(
    shop: UnitOfWork, old: OrderStatus, new: OrderStatus
) -> None:
    order = await place(shop, f"allowed-{old}-{new}")
    for step in PATH[old]:
        await move(shop, order.id, step)
    before = await outbox_rows(shop, order.id)
    stock_before = await stock(shop)

    moved = await move(shop, order.id, new, reason="out_of_stock", actor_id=9)

    assert moved.status == new
    assert (await history(shop, order.id))[-1] == (old, new, 9)
    # In the same transaction: the customer's notice, and the producer's Zalo staff told.
    assert added(before, await outbox_rows(shop, order.id)) == [
        ("telegram", OutboxKind.status_notice, CUSTOMER, new.value),
        ("zalo", OutboxKind.status_changed, order.producer_id, new.value),
    ]
    returned = 2 if new == OrderStatus.cancelled else 0
    assert await stock(shop) == stock_before + returned


async def test_every_step_the_transitions_do_not_allow_is_refused_and_changes_nothing(
    shop: UnitOfWork,
) -> None:
    for old, path in PATH.items():
        order = await place(shop, f"refused-{old}")
        for step in path:
            await move(shop, order.id, step)
        before = (await outbox_rows(shop, order.id), await history(shop, order.id))
        for new in OrderStatus:
            if new in ORDER_STEPS[old]:
                continue
            with pytest.raises(InvalidTransition) as refused:
                await move(shop, order.id, new)
            assert (refused.value.current, refused.value.wanted) == (old.value, new.value)
        assert (await outbox_rows(shop, order.id), await history(shop, order.id)) == before
        assert (await orders.get_order(shop, user_id=CUSTOMER, order_id=order.id)).status == old


async def test_only_the_producers_group_its_staff_or_an_admin_may_move_an_order(
    shop: UnitOfWork,
) -> None:
    order = await place(shop, "who")
    with pytest.raises(NotAllowed):
        await move(shop, order.id, OrderStatus.accepted, chat_id=-999)
    with pytest.raises(NotAllowed):
        await move(shop, order.id, OrderStatus.accepted, chat_id=None, producer_id=-1)
    assert await history(shop, order.id) == [(None, OrderStatus.new, None)]
    staff = await move(
        shop, order.id, OrderStatus.accepted, chat_id=None, producer_id=order.producer_id
    )
    assert staff.status == OrderStatus.accepted
    admin = await move(shop, order.id, OrderStatus.shipped, chat_id=None, is_admin=True)
    assert admin.status == OrderStatus.shipped


async def test_a_step_taken_on_zalo_is_told_to_the_telegram_group_too(shop: UnitOfWork) -> None:
    order = await place(shop, "zalo")
    before = await outbox_rows(shop, order.id)
    await move(shop, order.id, OrderStatus.accepted, chat_id=None, producer_id=order.producer_id,
               zalo_actor="zalo-lan")  # fmt: skip
    assert added(before, await outbox_rows(shop, order.id)) == [
        ("telegram", OutboxKind.status_notice, CUSTOMER, "accepted"),
        ("telegram", OutboxKind.status_changed, order.producer_id, "accepted"),
        ("zalo", OutboxKind.status_changed, order.producer_id, "accepted"),
    ]


async def test_a_customer_cancels_a_new_order_and_the_producer_is_told(shop: UnitOfWork) -> None:
    order = await place(shop, "customer")
    stock_before = await stock(shop)
    cancelled = await orders.cancel_order_by_customer(shop, user_id=CUSTOMER, order_id=order.id)
    assert cancelled.status == OrderStatus.cancelled
    assert await stock(shop) == stock_before + 2
    assert (await history(shop, order.id))[-1] == (
        OrderStatus.new, OrderStatus.cancelled, CUSTOMER
    )  # fmt: skip
    rows = await outbox_rows(shop, order.id)
    assert [row[:2] for row in rows if row[1] == OutboxKind.order_cancelled] == [
        ("telegram", OutboxKind.order_cancelled),
        ("zalo", OutboxKind.order_cancelled),
    ]
    accepted = await place(shop, "customer-late")
    await move(shop, accepted.id, OrderStatus.accepted)
    with pytest.raises(InvalidTransition):
        await orders.cancel_order_by_customer(shop, user_id=CUSTOMER, order_id=accepted.id)


async def test_a_refused_step_says_where_the_order_is_and_who_took_it_there(
    shop: UnitOfWork,
) -> None:
    order = await place(shop, "refused-who")
    with pytest.raises(InvalidTransition) as early:
        await move(shop, order.id, OrderStatus.delivered)  # nobody has accepted it yet
    assert (early.value.current, early.value.by, early.value.by_customer) == ("new", "", False)
    await move(shop, order.id, OrderStatus.accepted)  # by Vinh
    with pytest.raises(InvalidTransition) as twice:
        await move(shop, order.id, OrderStatus.accepted, actor_id=8)
    assert (twice.value.current, twice.value.by, twice.value.by_customer) == (
        "accepted", "Vinh", False
    )  # fmt: skip

    taken_back = await place(shop, "refused-customer")
    await orders.cancel_order_by_customer(shop, user_id=CUSTOMER, order_id=taken_back.id)
    with pytest.raises(InvalidTransition) as late:
        await move(shop, taken_back.id, OrderStatus.accepted)
    assert (late.value.current, late.value.by, late.value.by_customer) == (
        "cancelled", "", True
    )  # fmt: skip
