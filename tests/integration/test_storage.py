"""Conversation state outlives the process that wrote it."""

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import DatabaseStorage
from catalog.db import create_session_factory


class Checkout(StatesGroup):
    phone = State()


KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def test_state_and_data_survive_a_new_storage_instance(engine: AsyncEngine) -> None:
    factory = create_session_factory(engine)
    before = DatabaseStorage(factory)
    await before.set_state(KEY, Checkout.phone)
    await before.update_data(KEY, {"name": "An <3", "items": [1, 2]})

    after = DatabaseStorage(factory)
    assert await after.get_state(KEY) == "Checkout:phone"
    assert await after.get_data(KEY) == {"name": "An <3", "items": [1, 2]}
    other = StorageKey(bot_id=1, chat_id=43, user_id=43)
    assert await after.get_state(other) is None


async def test_clearing_removes_the_row(engine: AsyncEngine) -> None:
    factory = create_session_factory(engine)
    storage = DatabaseStorage(factory)
    await storage.set_state(KEY, Checkout.phone)
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await DatabaseStorage(factory).get_state(KEY) is None
    assert await DatabaseStorage(factory).get_data(KEY) == {}


async def test_returned_data_is_a_copy(engine: AsyncEngine) -> None:
    storage = DatabaseStorage(create_session_factory(engine))
    await storage.set_data(KEY, {"items": [1]})
    data = await storage.get_data(KEY)
    data["items"].append(2)
    assert await storage.get_data(KEY) == {"items": [1]}
