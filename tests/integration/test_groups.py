"""Producers' groups: whether the shop has been in a group before (for its greeting)."""

from pathlib import Path

from catalog.demo.seed import seed_demo_catalog
from catalog.services import fulfilment
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
