"""Producers' groups: whether the shop has been in a group before (for its greeting), and
a group that becomes a supergroup."""

from pathlib import Path

from support.ordering import place_orders

from catalog.demo.seed import seed_demo_catalog
from catalog.models import Order
from catalog.services import fulfilment, orders
from catalog.services.producers import link_group
from catalog.uow import UnitOfWork


async def test_a_group_linked_by_an_operator_is_new_to_the_shop(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    await link_group(uow, producer_code="QUANGVINH", chat_id=-200)
    assert await fulfilment.producer_for_chat(uow, -200) is not None
    assert await fulfilment.worked_in_group(uow, -200) is False


async def test_a_group_linked_with_a_code_has_seen_the_shop(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    await link_group(uow, producer_code="BABE", chat_id=-299)
    babe = await fulfilment.producer_for_chat(uow, -299)
    assert babe is not None
    code = await fulfilment.create_link_code(uow, producer_id=babe.id, created_by=1)
    await fulfilment.use_link_code(uow, code=code, chat_id=-300)
    assert await fulfilment.worked_in_group(uow, -300) is True
    assert await fulfilment.worked_in_group(uow, -301) is False


async def test_a_group_that_becomes_a_supergroup_keeps_its_producer_and_its_old_cards(
    shop: UnitOfWork, database_url: str
) -> None:
    await link_group(shop, producer_code="BABE", chat_id=-100)
    [order_id] = await place_orders(database_url, 9001, 1, "BABE-SA-10")
    await orders.remember_alert(shop, order_id=order_id, chat_id=-100, message_id=5)

    await fulfilment.follow_group_migration(shop, old_chat_id=-100, new_chat_id=-1001234)
    # Telegram says it twice (in the supergroup and in the group): the second changes nothing.
    await fulfilment.follow_group_migration(shop, old_chat_id=-100, new_chat_id=-1001234)

    # A press on a card posted before counts for the producer's group, as it is now.
    for chat_id in (-100, -1001234):
        group = await fulfilment.producer_for_chat(shop, chat_id)
        assert group is not None
        assert (group.code, group.chat_id) == ("BABE", -1001234)
    # The card stays recorded where it is: message 5 of the supergroup is another message.
    async with shop.reading():
        order = await shop.session.get(Order, order_id)
        assert order is not None
        assert (order.alert_chat_id, order.alert_message_id) == (-100, 5)
    # Released, the group is nobody's under either id.
    await fulfilment.unlink_group(shop, chat_id=-1001234)
    assert await fulfilment.producer_for_chat(shop, -100) is None
    assert await fulfilment.producer_for_chat(shop, -1001234) is None
