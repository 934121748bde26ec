"""The language keyboard of a producer's group (customers choose theirs in the storefront)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from storefront.language import language_marks


def language_kb(
    to: Callable[..., CallbackData], current: str | None = None
) -> InlineKeyboardMarkup:
    """A button per language, each pressing ``to(code=...)``; ✓ marks the ``current`` one."""
    buttons = [
        InlineKeyboardButton(text=label, callback_data=to(code=code).pack())
        for code, label in language_marks(current)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])
