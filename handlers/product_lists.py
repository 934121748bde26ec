"""Lists of products as buttons, a page at a time, with their page and back buttons.

Shared by the catalog's lists and the search's results.
"""

from __future__ import annotations

from functools import partial

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.snapshot import ProductView
from handlers.callbacks import NavCb, ProductAction, ProductCb, View
from handlers.format import language, money, shorten
from handlers.screens import page_row, paginate

BUTTON_TEXT = 48


def back_row(view: View = View.home) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=_("⬅️ Back"), callback_data=NavCb(view=view).pack())]


def list_text(title: str, products: list[ProductView], page: int) -> str:
    """A list's text; when its page has products marked ⛔, a line says what the mark means."""
    if all(product.in_stock for product in paginate(products, page).items):
        return title
    return title + "\n\n" + _("⛔ = out of stock for now")


def product_list_kb(
    products: list[ProductView], view: View, id_: int, page: int, back: View
) -> InlineKeyboardMarkup:
    lang = language()
    chunk = paginate(products, page)
    builder = InlineKeyboardBuilder()
    for product in chunk.items:
        mark = "" if product.in_stock else "⛔ "
        label = f"{mark}{shorten(product.name(lang), BUTTON_TEXT - 16)} · {money(product.price)}"
        builder.row(
            InlineKeyboardButton(
                text=label,
                callback_data=ProductCb(
                    action=ProductAction.show,
                    id=product.id,
                    back=view,
                    back_id=id_,
                    back_page=chunk.page,
                ).pack(),
            )
        )
    to = partial(NavCb, view=view, id=id_)
    builder.row(*page_row(chunk.page, chunk.pages, to, counter=True))
    builder.row(*back_row(back))
    return builder.as_markup()
