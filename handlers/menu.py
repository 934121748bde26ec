"""Ready answers under the typing field, for the staff's tools: their labels are recognised in
every language (the customers' menu is the storefront's, storefront/menu.py)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message

from storefront.menu import Label


def label_button(label: Label) -> KeyboardButton:
    return KeyboardButton(text=label.text())


class LabelPressed(Filter):
    """Matches a ready answer in every language, so an old keyboard keeps working."""

    def __init__(self, label: Label) -> None:
        self.label = label

    async def __call__(self, message: Message, **_data: Any) -> bool:
        return self.label.matches(message.text)


def private_router(name: str) -> Router:
    """A router for conversations with one person: group chats' messages pass it by."""
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    return router
