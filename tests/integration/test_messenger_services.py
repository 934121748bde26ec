"""Customers on Messenger in the database: an event handled once whichever worker gets it,
the 24-hour window read from the person's last event, news routed to the Messenger outbox
(never to Telegram's), news that waits for the customer's next message, and a restricted
Page told to the admins once and resolved once, its news held back meanwhile."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from support import ordering

from bot.messenger.graph import GraphError
from bot.messenger.troubles import Troubles
from catalog import outbox
from catalog.db import create_session_factory
from catalog.models import (
    MessengerInbound,
    MessengerOutboxMessage,
    OrderStatus,
    OutboxMessage,
    OutboxStatus,
    PaymentMethod,
    Product,
    utcnow,
)
from catalog.outbox import OutboxKind
from catalog.services import cart, delivery, messenger, orders, users
from catalog.services.backlog import outbox_backlog
from catalog.uow import UnitOfWork

PSID = "24023487654321"


async def messenger_order(shop: UnitOfWork) -> tuple[int, int]:
    """(customer, order) of a Messenger customer's order."""
    customer = await users.person_on_channel(shop, channel="messenger", external_id=PSID)
    async with shop.reading():
        tea = await shop.session.scalar(
            select(Product.id).where(Product.sku == "QUANGVINH-SEN-AC")
        )
    assert tea is not None
    await cart.add_to_cart(shop, user_id=customer, product_id=tea)
    placed = await orders.place_order(
        shop,
        user_id=customer,
        details=ordering.DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=f"{customer}:k",
        channel="messenger",
    )
    return customer, placed.orders[0].id


async def test_an_event_is_recorded_once_and_old_ones_are_forgotten(uow: UnitOfWork) -> None:
    customer = await users.person_on_channel(uow, channel="messenger", external_id=PSID)
    assert await messenger.first_time(uow, key="m_1", psid=PSID, user_id=customer)
    assert not await messenger.first_time(uow, key="m_1", psid=PSID, user_id=customer)
    async with uow:
        await uow.session.execute(
            update(MessengerInbound).values(received_at=utcnow() - timedelta(days=4))
        )
        await uow.commit()
    assert await messenger.first_time(uow, key="m_2", psid=PSID, user_id=customer, forget_old=True)
    async with uow.reading():
        keys = list(await uow.session.scalars(select(MessengerInbound.key)))
    assert keys == ["m_2"]


async def test_a_producers_step_on_a_messenger_order_goes_to_the_messenger_outbox(
    shop: UnitOfWork,
) -> None:
    customer, order = await messenger_order(shop)
    await orders.change_order_status(
        shop, order_id=order, new_status=OrderStatus.accepted, actor_id=1, chat_id=None,
        is_admin=True,
    )  # fmt: skip
    async with shop.reading():
        news = [
            (row.user_id, row.kind, row.payload["status"])
            for row in await shop.session.scalars(select(MessengerOutboxMessage))
        ]
        telegram = list(
            await shop.session.scalars(
                select(OutboxMessage).where(OutboxMessage.user_id == customer)
            )
        )
    assert news == [(customer, "status_notice", "accepted")]
    assert telegram == []  # the Telegram sender never writes to a Messenger person


async def test_the_window_is_read_from_the_last_event_and_waiting_news_is_woken_by_the_next(
    shop: UnitOfWork,
) -> None:
    customer, order = await messenger_order(shop)
    assert await messenger.first_time(shop, key="m_old", psid=PSID, user_id=customer)
    async with shop:
        await shop.session.execute(
            update(MessengerInbound).values(received_at=utcnow() - timedelta(hours=25))
        )
        await shop.commit()
    await orders.change_order_status(
        shop, order_id=order, new_status=OrderStatus.accepted, actor_id=1, chat_id=None,
        is_admin=True,
    )  # fmt: skip
    rows = await delivery.claim(shop, MessengerOutboxMessage, now=utcnow(), lease_seconds=30)
    about = await messenger.messenger_recipients(shop, rows)
    person = about.customers[customer]
    assert (person.psid, person.language) == (PSID, None)
    assert not person.window_open(utcnow())
    assert about.orders[order].channel == "messenger"

    await messenger.wait_for_next_message(shop, [row.id for row in rows])
    assert (
        await delivery.claim(
            shop, MessengerOutboxMessage, now=utcnow() + timedelta(days=1), lease_seconds=30
        )
        == []
    )
    # The customer writes: the window opens, and the news is due at once.
    assert await messenger.first_time(shop, key="m_new", psid=PSID, user_id=customer)
    due = await delivery.claim(shop, MessengerOutboxMessage, now=utcnow(), lease_seconds=30)
    assert [row.id for row in due] == [row.id for row in rows]
    about = await messenger.messenger_recipients(shop, due)
    assert about.customers[customer].window_open(utcnow())
    await delivery.mark_sent(shop, MessengerOutboxMessage, [row.id for row in due])
    async with shop.reading():
        statuses = list(await shop.session.scalars(select(MessengerOutboxMessage.status)))
    assert statuses == [OutboxStatus.sent]


RESTRICTED = GraphError(
    400, 10, "(#10) This Page is temporarily restricted from sending messages.", 1893063
)


async def warnings_told(uow: UnitOfWork) -> list[tuple[str, str]]:
    async with uow.reading():
        payloads = await uow.session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == OutboxKind.admin_notice)
            .order_by(OutboxMessage.id)
        )
        return [(p["cause"], p["state"]) for p in payloads]


async def test_a_restricted_page_is_told_once_and_the_first_message_through_resolves_it(
    shop: UnitOfWork, engine: AsyncEngine
) -> None:
    customer, order = await messenger_order(shop)
    await orders.change_order_status(
        shop, order_id=order, new_status=OrderStatus.accepted, actor_id=1, chat_id=None,
        is_admin=True,
    )  # fmt: skip
    [held] = await delivery.claim(shop, MessengerOutboxMessage, now=utcnow(), lease_seconds=30)
    # The sender holds the news back while the Page is restricted; other news of the same
    # customer waits for their next message (the window is closed).
    await delivery.postpone(
        shop, MessengerOutboxMessage, [held.id], utcnow() + messenger.RESTRICTED_WAIT
    )
    async with shop:
        outbox.to_customer(
            shop, OutboxKind.status_notice, customer, "messenger", order_id=order,
            status=OrderStatus.shipped.value, reason="",
        )  # fmt: skip
        await shop.commit()
    [waiting] = await delivery.claim(shop, MessengerOutboxMessage, now=utcnow(), lease_seconds=30)
    await messenger.wait_for_next_message(shop, [waiting.id])

    def fresh() -> UnitOfWork:
        return UnitOfWork(create_session_factory(engine))

    worker, other = Troubles(fresh), Troubles(fresh)
    for _ in range(3):  # every refused message says so
        worker.note(RESTRICTED, PSID)
    await worker.settled()
    await other.look_up()  # another worker, or this one after a restart
    other.note(RESTRICTED, PSID)
    await other.settled()
    assert await warnings_told(fresh()) == [("messenger_restricted", "raised")]
    # The admins were told: the news held back is not a stuck outbox.
    assert "messenger" not in await outbox_backlog(fresh(), utcnow() + timedelta(minutes=30))

    worker.got_through()
    worker.got_through()
    await worker.settled()
    other.got_through()
    await other.settled()
    assert await warnings_told(fresh()) == [
        ("messenger_restricted", "raised"),
        ("messenger_restricted", "resolved"),
    ]
    # The news held back is due at once; the news waiting for the customer waits on.
    due = await delivery.claim(shop, MessengerOutboxMessage, now=utcnow(), lease_seconds=30)
    assert [row.id for row in due] == [held.id]
    backlog = await outbox_backlog(fresh(), utcnow())
    assert backlog["messenger"].waiting == 1


async def test_a_worker_started_after_the_restriction_resolves_it_when_through(
    engine: AsyncEngine,
) -> None:
    def fresh() -> UnitOfWork:
        return UnitOfWork(create_session_factory(engine))

    assert await messenger.page_restricted(fresh(), "(#10) restricted")
    assert not await messenger.page_restricted(fresh(), "(#10) restricted")
    started = Troubles(fresh)
    started.got_through()  # knows nothing yet: asks nothing of the database
    await started.settled()
    assert await warnings_told(fresh()) == [("messenger_restricted", "raised")]
    await started.look_up()
    started.got_through()
    await started.settled()
    assert await warnings_told(fresh()) == [
        ("messenger_restricted", "raised"),
        ("messenger_restricted", "resolved"),
    ]
    assert not await messenger.page_sends_again(fresh())
