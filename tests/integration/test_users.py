from pathlib import Path

import pytest

from catalog.demo.seed import seed_demo_catalog
from catalog.errors import UnsupportedLanguage
from catalog.services import fulfilment, users
from catalog.services.producers import link_group
from catalog.uow import UnitOfWork


async def test_register_user_creates_then_refreshes_the_name(uow: UnitOfWork) -> None:
    first = await users.register_user(uow, user_id=42, first_name="An <Bát Tràng> & 🏺")
    assert first.first_name == "An <Bát Tràng> & 🏺"
    assert first.language is None
    again = await users.register_user(uow, user_id=42, first_name="Bình", username="binh")
    assert again.first_name == "Bình"


async def test_a_chosen_language_is_remembered(uow: UnitOfWork) -> None:
    assert await users.get_language(uow, 7) is None
    await users.set_language(uow, user_id=7, language="en", first_name="Lan")
    assert await users.get_language(uow, 7) == "en"
    await users.register_user(uow, user_id=7, first_name="Lan")
    assert await users.get_language(uow, 7) == "en"


async def test_an_unsupported_language_is_refused(uow: UnitOfWork) -> None:
    with pytest.raises(UnsupportedLanguage):
        await users.set_language(uow, user_id=7, language="fr")
    assert await users.get_language(uow, 7) is None


async def test_a_group_that_becomes_a_supergroup_keeps_its_producer(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    await link_group(uow, producer_code="BABE", chat_id=-100)
    await fulfilment.follow_group_migration(uow, old_chat_id=-100, new_chat_id=-1001234)
    assert await fulfilment.producer_for_chat(uow, -100) is None
    moved = await fulfilment.producer_for_chat(uow, -1001234)
    assert moved is not None
    assert moved.code == "BABE"
