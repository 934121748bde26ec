"""The main menu: its buttons, and a filter that recognises them in any language."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.i18n import N_


class MenuItem(StrEnum):
    catalog = "catalog"
    search = "search"
    cart = "cart"
    orders = "orders"
    language = "language"
    help = "help"


_LABELS: dict[MenuItem, tuple[str, str]] = {
    MenuItem.catalog: ("🛍", N_("Catalog")),
    MenuItem.search: ("🔎", N_("Search")),
    MenuItem.cart: ("🛒", N_("Cart")),
    MenuItem.orders: ("📦", N_("My orders")),
    MenuItem.language: ("🌐", N_("Language")),
    MenuItem.help: ("❓", N_("Help")),
}

_LAYOUT = (
    (MenuItem.catalog, MenuItem.search),
    (MenuItem.cart, MenuItem.orders),
    (MenuItem.language, MenuItem.help),
)


def menu_label(item: MenuItem, locale: str | None = None) -> str:
    icon, msgid = _LABELS[item]
    return f"{icon} {I18n.get_current(no_error=False).gettext(msgid, locale=locale)}"


def main_menu_kb() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=menu_label(item)) for item in row] for row in _LAYOUT],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose from the menu or type a product name"),
    )


class MenuButton(Filter):
    """Matches a main-menu button in every language, so an old keyboard keeps working."""

    def __init__(self, item: MenuItem) -> None:
        self.item = item
        self._labels: frozenset[str] | None = None

    async def __call__(self, message: Message, **_data: Any) -> bool:
        if message.text is None:
            return False
        if self._labels is None:
            i18n = I18n.get_current(no_error=False)
            self._labels = frozenset(
                menu_label(self.item, locale) for locale in i18n.available_locales
            )
        return message.text in self._labels
