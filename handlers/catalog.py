"""Browsing the catalog: by category, by producer, by OCOP stars.

Searching is in handlers/search.py, the product card in handlers/product_card.py; this
module's router takes their handlers too (see ``create_router``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.snapshot import CatalogCache, CatalogSnapshot
from handlers import search
from handlers.callbacks import NavCb, ProductCb, View
from handlers.format import esc, language, shorten, stars
from handlers.menu import MenuItem, menu_command, private_router
from handlers.product_card import on_product
from handlers.product_lists import BUTTON_TEXT, back_row, list_text, product_list_kb
from handlers.screens import page_row, paginate, show_text
from handlers.states import Search


def home_kb() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗂 By category"), callback_data=NavCb(view=View.categories))
    builder.button(text=_("🏡 By producer"), callback_data=NavCb(view=View.producers))
    builder.button(text=_("⭐ By OCOP stars"), callback_data=NavCb(view=View.star_levels))
    builder.button(text=_("🔎 Search"), callback_data=NavCb(view=View.search_prompt))
    builder.adjust(1)
    return builder.as_markup()


def home_text() -> str:
    return _(
        "🛍 <b>OCOP catalog</b>\nProducts of Hanoi's craft villages and cooperatives, "
        "rated 3 to 5 stars under the One Commune, One Product programme. Browse:"
    )


Screen = tuple[str, InlineKeyboardMarkup]


def _categories_screen(snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    lang = language()
    builder = InlineKeyboardBuilder()
    for category in snapshot.category_list():
        count = len(snapshot.products_in_category(category.id, lang))
        builder.button(
            text=f"{category.name(lang)} ({count})",
            callback_data=NavCb(view=View.category, id=category.id),
        )
    builder.adjust(1)
    builder.row(*back_row())
    return _("🗂 <b>Categories</b>"), builder.as_markup()


def _producers_screen(snapshot: CatalogSnapshot, _id: int, page: int) -> Screen:
    lang = language()
    builder = InlineKeyboardBuilder()
    chunk = paginate(snapshot.producer_list(lang), page)
    for producer in chunk.items:
        builder.row(
            InlineKeyboardButton(
                text=shorten(f"{producer.name(lang)} — {producer.ward}", BUTTON_TEXT),
                callback_data=NavCb(view=View.producer, id=producer.id).pack(),
            )
        )
    builder.row(
        *page_row(chunk.page, chunk.pages, partial(NavCb, view=View.producers), counter=True)
    )
    builder.row(*back_row())
    return _("🏡 <b>Producers</b>"), builder.as_markup()


def _star_levels_screen(snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    builder = InlineKeyboardBuilder()
    for level, count in snapshot.star_levels():
        builder.button(
            text=ngettext("{stars} {count} product", "{stars} {count} products", count).format(
                stars=stars(level), count=count
            ),
            callback_data=NavCb(view=View.stars, id=level),
        )
    builder.adjust(1)
    builder.row(*back_row())
    text = _(
        "⭐ <b>By OCOP stars</b>\n5 stars: national level; 4 and 3 stars: certified by the city."
    )
    return text, builder.as_markup()


def _category_screen(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    if (category := snapshot.categories.get(id_)) is None:
        return None
    lang = language()
    products = snapshot.products_in_category(id_, lang)
    text = list_text(f"🗂 <b>{esc(category.name(lang))}</b>", products, page)
    return text, product_list_kb(products, View.category, id_, page, View.categories)


def _producer_screen(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    if (producer := snapshot.producers.get(id_)) is None:
        return None
    lang = language()
    products = snapshot.products_of_producer(id_, lang)
    text = list_text(
        f"🏡 <b>{esc(producer.name(lang))}</b>\n📍 {esc(producer.place)}\n"
        f"{esc(shorten(producer.description(lang), 600))}",
        products,
        page,
    )
    return text, product_list_kb(products, View.producer, id_, page, View.producers)


def _stars_screen(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    products = snapshot.products_with_stars(id_, language())
    if not products:
        return None
    text = list_text(_("⭐ <b>{stars} products</b>").format(stars=stars(id_)), products, page)
    return text, product_list_kb(products, View.stars, id_, page, View.star_levels)


def _home_screen(_snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    return home_text(), home_kb()


_SCREENS: dict[View, Callable[[CatalogSnapshot, int, int], Screen | None]] = {
    View.home: _home_screen,
    View.categories: _categories_screen,
    View.producers: _producers_screen,
    View.star_levels: _star_levels_screen,
    View.category: _category_screen,
    View.producer: _producer_screen,
    View.stars: _stars_screen,
}


def list_screen(snapshot: CatalogSnapshot, view: View, id_: int, page: int) -> Screen | None:
    """The text and buttons of a catalog list, or None when it no longer exists."""
    build = _SCREENS.get(view)
    return build(snapshot, id_, page) if build else None


# -- handlers -------------------------------------------------------------------------------


async def cmd_catalog(message: Message, state: FSMContext) -> None:
    await state.set_state(None)
    await message.answer(home_text(), reply_markup=home_kb())


async def on_nav(query: CallbackQuery, callback_data: NavCb, catalog_cache: CatalogCache) -> None:
    screen = list_screen(
        await catalog_cache.get(), callback_data.view, callback_data.id, callback_data.page
    )
    if screen is None:
        await query.answer(_("This is no longer available."), show_alert=True)
        return
    await query.answer()
    await show_text(query, *screen)


def create_router() -> Router:
    """The catalog's router also takes the search's and the product card's handlers: the
    search's typed query must come after the menu's commands, its pages before ``on_nav``."""
    router = private_router(__name__)
    router.message.register(cmd_catalog, menu_command(MenuItem.catalog))
    router.message.register(search.cmd_search, menu_command(MenuItem.search))
    router.message.register(search.process_search_query, Search.query, F.text)
    router.callback_query.register(search.on_search_page, NavCb.filter(F.view == View.search))
    router.callback_query.register(
        search.on_search_prompt, NavCb.filter(F.view == View.search_prompt)
    )
    router.callback_query.register(on_nav, NavCb.filter())
    router.callback_query.register(on_product, ProductCb.filter())
    return router
