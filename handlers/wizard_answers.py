"""Where the product wizard keeps its answers: one key of the FSM data (``data["wizard"]``),
so the other conversations' data (the search) stays beside it and survives the wizard."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext

KEY = "wizard"
# What the wizard asks, as ProductDraft names it; the photo comes on its own.
DRAFT_FIELDS = (
    "name_vi",
    "name_en",
    "price",
    "unit_vi",
    "unit_en",
    "stock",
    "ocop_stars",
    "ocop_granted",  # ISO text (2024-03-15): the answers are kept as JSON
    "category_id",
    "producer_id",
)
# A wizard begun before its answers had their own key kept them at the top level.
_OLD_KEYS = ("photo", *DRAFT_FIELDS)


async def answers(state: FSMContext) -> dict[str, Any]:
    data = await state.get_data()
    if KEY in data:
        return dict(data[KEY])
    return {key: data[key] for key in _OLD_KEYS if key in data}


async def save_answers(state: FSMContext, **values: Any) -> None:
    await state.update_data({KEY: await answers(state) | values})


async def begin(state: FSMContext, **values: Any) -> None:
    """A fresh wizard: earlier answers go, whatever else is kept stays."""
    await _drop(state)
    await state.update_data({KEY: values})


async def drop_answers(state: FSMContext) -> None:
    """Leave the wizard: its step and answers go, the other conversations' data stays."""
    await state.set_state(None)
    await _drop(state)


async def _drop(state: FSMContext) -> None:
    data = await state.get_data()
    for key in (KEY, *_OLD_KEYS):
        data.pop(key, None)
    await state.set_data(data)
