import pytest

from catalog.errors import UnsupportedLanguage
from catalog.services import users
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
