"""The product wizard's answers live under their own key of the FSM data: the other
conversations' data stays, and a wizard begun before the key existed goes on."""

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from handlers.states import AddProduct
from handlers.wizard_answers import answers, begin, drop_answers, save_answers

SEARCH = {"query": "bat trang"}


def context() -> FSMContext:
    return FSMContext(MemoryStorage(), StorageKey(bot_id=1, chat_id=2, user_id=2))


async def test_the_wizard_keeps_the_search_when_it_begins_and_when_it_leaves() -> None:
    state = context()
    await state.update_data(search=SEARCH)
    await begin(state, producer_id=3)
    await state.set_state(AddProduct.name_vi)
    await save_answers(state, name_vi="Bình gốm")
    assert await answers(state) == {"producer_id": 3, "name_vi": "Bình gốm"}
    assert (await state.get_data())["search"] == SEARCH

    await drop_answers(state)
    assert await state.get_state() is None
    assert await state.get_data() == {"search": SEARCH}


async def test_a_wizard_begun_with_its_answers_at_the_top_level_goes_on() -> None:
    state = context()
    await state.set_data({"search": SEARCH, "producer_id": 3, "photo": None, "name_vi": "Bình"})
    await save_answers(state, name_en="Vase")
    expected = {"producer_id": 3, "photo": None, "name_vi": "Bình", "name_en": "Vase"}
    assert await answers(state) == expected
    await drop_answers(state)
    assert await state.get_data() == {"search": SEARCH}


async def test_a_new_wizard_forgets_the_answers_of_an_earlier_one() -> None:
    state = context()
    await state.set_data({"search": SEARCH, "name_vi": "Old", "wizard": {"price": 5}})
    await begin(state)
    assert await answers(state) == {}
    assert (await state.get_data())["search"] == SEARCH
