"""Comments on the Facebook Page in the database: posts tied to products by an admin, a comment
claimed once for its private reply whichever worker gets it (and remembered as long as Meta
lets it be answered), and the comment as the source of the orders that follow, in /stats."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support import ordering

from catalog.errors import NotAllowed
from catalog.links import LinkSource
from catalog.models import MessengerInbound, PaymentMethod, Product, User, utcnow
from catalog.services import cart, links, messenger, orders, posts, users
from catalog.services.delivery import Claimed
from catalog.services.inventory import Actor, UnknownSku
from catalog.services.links import SourceFigures, Visitor
from catalog.services.posts import TooManyProducts
from catalog.uow import UnitOfWork

ADMIN = Actor(user_id=1, is_admin=True)
POST = "101010101010101_2233445566"


async def product_ids(uow: UnitOfWork, *skus: str) -> list[int]:
    async with uow.reading():
        rows = dict(
            (sku, product_id)
            for sku, product_id in await uow.session.execute(
                select(Product.sku, Product.id).where(Product.sku.in_(skus))
            )
        )
    return [rows[sku] for sku in skus]


async def test_a_post_is_tied_to_products_in_the_order_named_and_tied_again_anew(
    shop: UnitOfWork,
) -> None:
    tea, vase = await product_ids(shop, "QUANGVINH-SEN-AC", "BABE-NGHE-500")
    tied = await posts.tie_post(
        shop, actor=ADMIN, post_id=POST,
        skus=["babe-nghe-500", "QUANGVINH-SEN-AC", "BABE-NGHE-500"],
    )  # fmt: skip
    assert tied.product_ids == (vase, tea)
    assert await posts.products_of_post(shop, POST) == [vase, tea]
    await posts.tie_post(shop, actor=ADMIN, post_id=POST, skus=["QUANGVINH-SEN-AC"])
    assert await posts.products_of_post(shop, POST) == [tea]
    other = "101010101010101_99887766"
    await posts.tie_post(shop, actor=ADMIN, post_id=other, skus=["BABE-NGHE-500"])
    listed = await posts.tied_posts(shop, actor=ADMIN)
    assert [(p.post_id, p.product_ids) for p in listed] == [(other, (vase,)), (POST, (tea,))]
    assert await posts.untie_post(shop, actor=ADMIN, post_id=POST)
    assert not await posts.untie_post(shop, actor=ADMIN, post_id=POST)
    assert await posts.products_of_post(shop, POST) == []


async def test_an_unknown_sku_too_many_products_or_a_manager_change_nothing(
    shop: UnitOfWork,
) -> None:
    await posts.tie_post(shop, actor=ADMIN, post_id=POST, skus=["BABE-NGHE-500"])
    with pytest.raises(UnknownSku) as unknown:
        await posts.tie_post(
            shop, actor=ADMIN, post_id=POST, skus=["QUANGVINH-SEN-AC", "BABE-NGHE-50"]
        )
    assert unknown.value.sku == "BABE-NGHE-50"
    assert "BABE-NGHE-500" in unknown.value.suggestions
    async with shop.reading():
        every = list(await shop.session.scalars(select(Product.sku).order_by(Product.id)))
    with pytest.raises(TooManyProducts):
        await posts.tie_post(shop, actor=ADMIN, post_id=POST, skus=every[:11])
    manager = Actor(user_id=2, producer_id=1)
    with pytest.raises(NotAllowed):
        await posts.tie_post(shop, actor=manager, post_id=POST, skus=["QUANGVINH-SEN-AC"])
    with pytest.raises(NotAllowed):
        await posts.untie_post(shop, actor=manager, post_id=POST)
    with pytest.raises(NotAllowed):
        await posts.tied_posts(shop, actor=manager)
    assert await posts.products_of_post(shop, POST) == await product_ids(shop, "BABE-NGHE-500")


async def test_a_comment_is_claimed_once_and_kept_as_long_as_it_may_be_answered(
    uow: UnitOfWork,
) -> None:
    assert await messenger.first_comment(uow, "22_33")
    assert not await messenger.first_comment(uow, "22_33")
    psid = "24023487654321"
    customer = await users.person_on_channel(uow, channel="messenger", external_id=psid)
    assert await messenger.first_time(uow, key="m_1", psid=psid, user_id=customer)

    async def aged(days: int) -> None:
        async with uow:
            await uow.session.execute(
                update(MessengerInbound).values(received_at=utcnow() - timedelta(days=days))
            )
            await uow.commit()

    # Four days on, the messages are forgotten; the comment is not (Meta allows 7 days).
    await aged(4)
    assert await messenger.first_time(uow, key="m_2", psid=psid, user_id=customer, forget_old=True)
    async with uow.reading():
        keys = set(await uow.session.scalars(select(MessengerInbound.key)))
    assert keys == {"comment:22_33", "m_2"}
    assert not await messenger.first_comment(uow, "22_33")
    await aged(9)
    assert await messenger.first_time(uow, key="m_3", psid=psid, user_id=customer, forget_old=True)
    async with uow.reading():
        keys = set(await uow.session.scalars(select(MessengerInbound.key)))
    assert keys == {"m_3"}


async def test_a_comment_answered_opens_no_window_for_news(uow: UnitOfWork) -> None:
    psid = "24023487654321"
    customer, new = await users.arriving_on_channel(uow, channel="messenger", external_id=psid)
    assert await messenger.first_comment(uow, "22_34")
    await links.record_visit(
        uow, visitor=Visitor(customer, "", new=new), source=LinkSource.comment, producer_id=None
    )
    news = Claimed(id=1, kind="order_status", payload={}, user_id=customer)
    found = await messenger.messenger_recipients(uow, [news])
    assert found.customers[customer].last_message is None
    assert not found.customers[customer].window_open(utcnow())
    # Their first message opens it.
    assert await messenger.first_time(uow, key="m_1", psid=psid, user_id=customer)
    found = await messenger.messenger_recipients(uow, [news])
    assert found.customers[customer].window_open(utcnow())


async def test_orders_after_a_comment_count_under_comments_with_its_answers(
    shop: UnitOfWork,
) -> None:
    [tea] = await product_ids(shop, "QUANGVINH-SEN-AC")
    async with shop.reading():
        producer = await shop.session.scalar(select(Product.producer_id).where(Product.id == tea))
    # One comment answered with the tea set; one with the welcome (no producer).
    buyer, new = await users.arriving_on_channel(shop, channel="messenger", external_id="111")
    assert new
    assert await links.record_visit(
        shop, visitor=Visitor(buyer, "", new=new), source=LinkSource.comment,
        producer_id=producer, product_id=tea,
    )  # fmt: skip
    browser, new = await users.arriving_on_channel(shop, channel="messenger", external_id="222")
    await links.record_visit(
        shop, visitor=Visitor(browser, "", new=new), source=LinkSource.comment,
        producer_id=None,
    )  # fmt: skip
    async with shop.reading():
        first = await shop.session.scalar(select(User.source).where(User.id == buyer))
    assert first == "comment"
    await cart.add_to_cart(shop, user_id=buyer, product_id=tea)
    placed = await orders.place_order(
        shop, user_id=buyer, details=ordering.DETAILS, payment=PaymentMethod.cod,
        idempotency_key="comment-1", channel="messenger",
        source=await links.order_source(shop, user_id=buyer),
    )  # fmt: skip
    [order] = placed.orders
    since = utcnow() - timedelta(hours=1)
    figures = await links.stats_by_source(shop, actor=ADMIN, since=since)
    assert figures == [SourceFigures(LinkSource.comment, 1, order.total, 2)]
    # The producer's manager sees the answer that offered their product, not the welcome.
    manager = Actor(user_id=5, producer_id=producer)
    figures = await links.stats_by_source(shop, actor=manager, since=since)
    assert figures == [SourceFigures(LinkSource.comment, 1, order.total, 1)]
