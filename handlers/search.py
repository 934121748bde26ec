"""Searching the catalog: the prompt, the typed query, the pages of results.

The query is kept in the conversation data under its own key, beside the checkout's draft,
so the pages of an earlier search still turn after a checkout was started.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.snapshot import CatalogCache, CatalogSnapshot
from handlers.callbacks import NavCb, View
from handlers.format import esc, language, shorten
from handlers.product_lists import back_row, list_text, product_list_kb
from handlers.screens import show_text
from handlers.states import Search

MAX_QUERY_LENGTH = 200
# This conversation's part of the FSM data.
KEY = "search"


def search_prompt() -> str:
    return _(
        "🔎 Type what you are looking for — a product, a village, a producer. "
        "Accents are optional: “bat trang” finds Bát Tràng."
    )


async def cmd_search(message: Message, state: FSMContext) -> None:
    await state.set_state(Search.query)
    await message.answer(search_prompt())


async def on_search_prompt(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Search.query)
    await query.answer()
    await show_text(query, search_prompt(), InlineKeyboardMarkup(inline_keyboard=[back_row()]))


def search_screen(
    snapshot: CatalogSnapshot, text: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    lang = language()
    results = snapshot.search(text, lang)
    if not results:
        builder = InlineKeyboardBuilder()
        for category in snapshot.category_list():
            builder.button(
                text=category.name(lang), callback_data=NavCb(view=View.category, id=category.id)
            )
        builder.adjust(2)
        return (
            _(
                "Nothing found for “{query}”. Try fewer or other words, or browse the categories:"
            ).format(query=esc(shorten(text, 60))),
            builder.as_markup(),
        )
    header = _("🔎 Results for “{query}”: {count}").format(
        query=esc(shorten(text, 60)), count=len(results)
    )
    return list_text(header, results, page), product_list_kb(
        results, View.search, 0, page, View.home
    )


async def process_search_query(
    message: Message, state: FSMContext, catalog_cache: CatalogCache
) -> None:
    text = (message.text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        await message.answer(_("Please type a word to search for."))
        return
    await state.set_state(None)
    await state.update_data({KEY: {"query": text}})
    screen, keyboard = search_screen(await catalog_cache.get(), text, 0)
    await message.answer(screen, reply_markup=keyboard)


async def on_search_page(
    query: CallbackQuery, callback_data: NavCb, catalog_cache: CatalogCache, state: FSMContext
) -> None:
    text = ((await state.get_data()).get(KEY) or {}).get("query")
    if not text:
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
        )
        return
    await query.answer()
    await show_text(query, *search_screen(await catalog_cache.get(), text, callback_data.page))
