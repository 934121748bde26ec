"""A customer is a person on a channel: Messenger's people get the shop's own ids, apart from
Telegram's, and their orders remember the channel their news goes to."""

import asyncio
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from support import ordering

from catalog.db import create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.models import Order, PaymentMethod, Product, User
from catalog.services import cart, orders, users
from catalog.uow import UnitOfWork


async def test_a_messenger_person_is_numbered_once_and_apart_from_telegram(
    uow: UnitOfWork,
) -> None:
    await users.register_user(uow, user_id=5_000_000_001, first_name="Telegram Lan")
    first = await users.person_on_channel(
        uow, channel="messenger", external_id="24023487654321", first_name="Lan"
    )
    again = await users.person_on_channel(uow, channel="messenger", external_id="24023487654321")
    other = await users.person_on_channel(uow, channel="messenger", external_id="24023400000000")
    assert first == again == -1
    assert other == -2
    async with uow.reading():
        rows = (
            await uow.session.execute(
                select(User.id, User.channel, User.external_id, User.first_name).order_by(User.id)
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (-2, "messenger", "24023400000000", ""),
        (-1, "messenger", "24023487654321", "Lan"),
        (5_000_000_001, "telegram", None, "Telegram Lan"),
    ]


async def test_people_arriving_at_once_each_get_their_own_number(engine: AsyncEngine) -> None:
    def worker() -> UnitOfWork:
        return UnitOfWork(create_session_factory(engine))

    ids = await asyncio.gather(
        *(
            users.person_on_channel(worker(), channel="messenger", external_id=f"psid-{n}")
            for n in range(12)
        )
    )
    assert len(set(ids)) == 12
    same = await asyncio.gather(
        *(
            users.person_on_channel(worker(), channel="messenger", external_id="psid-3")
            for _ in range(5)
        )
    )
    assert set(same) == {ids[3]}


async def test_an_order_remembers_the_channel_it_was_placed_on(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    customer = await users.person_on_channel(uow, channel="messenger", external_id="psid-order")
    async with uow.reading():
        tea = await uow.session.scalar(
            select(Product.id).where(Product.sku == "THANGLONG-PHUC-20")
        )
    assert tea is not None
    await cart.add_to_cart(uow, user_id=customer, product_id=tea, quantity=1)
    placed = await orders.place_order(
        uow,
        user_id=customer,
        details=ordering.DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=f"{customer}:k",
        channel="messenger",
    )
    assert [order.channel for order in placed.orders] == ["messenger"]
    async with uow.reading():
        stored = await uow.session.scalar(select(Order.channel).where(Order.user_id == customer))
    assert stored == "messenger"
