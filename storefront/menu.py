"""The main menu, and answers offered as ready-made text, recognised in every language."""

from __future__ import annotations

from catalog.text import N_
from locales import translation
from storefront.actions import MenuItem
from storefront.screens import Key, Keyboard, KeyKind


class Label:
    """A ready answer's text: an icon and a translated word."""

    def __init__(self, icon: str, msgid: str) -> None:
        self.icon = icon
        self.msgid = msgid

    def text(self, language: str | None = None) -> str:
        return f"{self.icon} {translation.gettext(self.msgid, language_code=language)}"

    def key(self, kind: KeyKind = KeyKind.text) -> Key:
        return Key(self.text(), kind)

    def matches(self, text: str | None) -> bool:
        """True for this label in any language: a keyboard sent before a language switch
        keeps working."""
        languages = translation.languages()
        return text is not None and any(text == self.text(code) for code in languages)


MENU: dict[MenuItem, Label] = {
    MenuItem.catalog: Label("🛍", N_("Catalog")),
    MenuItem.search: Label("🔎", N_("Search")),
    MenuItem.cart: Label("🛒", N_("Cart")),
    MenuItem.orders: Label("📦", N_("My orders")),
    MenuItem.language: Label("🌐", N_("Language")),
    MenuItem.help: Label("❓", N_("Help")),
}

LAYOUT = (
    (MenuItem.catalog, MenuItem.search),
    (MenuItem.cart, MenuItem.orders),
    (MenuItem.language, MenuItem.help),
)

MAIN_MENU = Keyboard(menu=True)


def menu_keys() -> tuple[tuple[Key, ...], ...]:
    """The main menu's buttons, in the language being written."""
    return tuple(tuple(MENU[item].key() for item in row) for row in LAYOUT)


def menu_placeholder() -> str:
    return translation.gettext("Choose from the menu or type a product name")


def menu_item_of(text: str | None) -> MenuItem | None:
    """The menu item a text asks for: its command (``/cart``, ``/cart@bot``) or its label."""
    if not text:
        return None
    if text.startswith("/"):
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0] if len(text) > 1 else ""
        return MenuItem(command) if command in MenuItem.__members__ else None
    for item, label in MENU.items():
        if label.matches(text):
            return item
    return None
