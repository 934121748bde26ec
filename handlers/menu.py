"""The main menu and reply-keyboard labels, recognised in any language."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, or_f
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from catalog.text import N_


class Label:
    """A reply-keyboard button's text: an icon and a translated word."""

    def __init__(self, icon: str, msgid: str) -> None:
        self.icon = icon
        self.msgid = msgid

    def text(self, locale: str | None = None) -> str:
        return f"{self.icon} {I18n.get_current(no_error=False).gettext(self.msgid, locale=locale)}"

    def button(self) -> KeyboardButton:
        return KeyboardButton(text=self.text())


class LabelPressed(Filter):
    """Matches a reply-keyboard button in every language, so an old keyboard keeps working."""

    def __init__(self, label: Label) -> None:
        self.label = label
        self._texts: frozenset[str] | None = None

    async def __call__(self, message: Message, **_data: Any) -> bool:
        if message.text is None:
            return False
        if self._texts is None:
            locales = I18n.get_current(no_error=False).available_locales
            self._texts = frozenset(self.label.text(locale) for locale in locales)
        return message.text in self._texts


class MenuItem(StrEnum):
    catalog = "catalog"
    search = "search"
    cart = "cart"
    orders = "orders"
    language = "language"
    help = "help"


MENU: dict[MenuItem, Label] = {
    MenuItem.catalog: Label("🛍", N_("Catalog")),
    MenuItem.search: Label("🔎", N_("Search")),
    MenuItem.cart: Label("🛒", N_("Cart")),
    MenuItem.orders: Label("📦", N_("My orders")),
    MenuItem.language: Label("🌐", N_("Language")),
    MenuItem.help: Label("❓", N_("Help")),
}

_LAYOUT = (
    (MenuItem.catalog, MenuItem.search),
    (MenuItem.cart, MenuItem.orders),
    (MenuItem.language, MenuItem.help),
)


def main_menu_kb() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[MENU[item].button() for item in row] for row in _LAYOUT],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose from the menu or type a product name"),
    )


def menu_button(item: MenuItem) -> LabelPressed:
    return LabelPressed(MENU[item])


def private_router(name: str) -> Router:
    """A router for conversations with one customer: group chats' messages pass it by."""
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    return router


def menu_command(item: MenuItem) -> Filter:
    """The item's command (``/cart``) or its menu button: the same thing, asked two ways."""
    return or_f(Command(item.value), menu_button(item))
