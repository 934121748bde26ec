"""Searching the catalog: the prompt, the typed query, the pages of results.

The query is kept in the conversation data under its own key, beside the checkout's draft,
so the pages of an earlier search still turn after a checkout was started.
"""

from __future__ import annotations

from catalog.snapshot import CatalogSnapshot
from locales.translation import gettext as _
from storefront.actions import Browse, View
from storefront.browse import back_row, product_list
from storefront.format import esc, language, shorten
from storefront.screens import Choice, Screen, columns
from storefront.states import SEARCH_QUERY
from storefront.visit import Visit

MAX_QUERY_LENGTH = 200
# This conversation's part of the conversation data.
KEY = "search"


def search_prompt() -> str:
    return _(
        "🔎 Type what you are looking for — a product, a village, a producer. "
        "Accents are optional: “bat trang” finds Bát Tràng."
    )


def search_screen(snapshot: CatalogSnapshot, text: str, page: int) -> Screen:
    lang = language()
    results = snapshot.search(text, lang)
    if not results:
        choices = [
            Choice(category.name(lang), Browse(view=View.category, id=category.id))
            for category in snapshot.category_list()
        ]
        return Screen(
            _(
                "Nothing found for “{query}”. Try fewer or other words, or browse the categories:"
            ).format(query=esc(shorten(text, 60))),
            columns(choices, 2),
        )
    header = _("🔎 Results for “{query}”: {count}").format(
        query=esc(shorten(text, 60)), count=len(results)
    )
    return product_list(snapshot, header, results, View.search, 0, page, View.home)


async def open_search(visit: Visit) -> None:
    await visit.state.set_state(SEARCH_QUERY)
    await visit.out.send(Screen(search_prompt()))


async def on_search_prompt(visit: Visit) -> None:
    await visit.state.set_state(SEARCH_QUERY)
    await visit.out.answer()
    await visit.out.show(Screen(search_prompt(), (back_row(),)))


async def process_search_query(visit: Visit, typed: str) -> None:
    text = typed.strip()[:MAX_QUERY_LENGTH]
    if not text:
        await visit.out.send(Screen(_("Please type a word to search for.")))
        return
    await visit.state.set_state(None)
    await visit.state.update_data({KEY: {"query": text}})
    await visit.out.send(search_screen(await visit.catalog.get(), text, 0))


async def on_search_page(visit: Visit, action: Browse) -> None:
    text = ((await visit.state.get_data()).get(KEY) or {}).get("query")
    if not text:
        await visit.out.answer(
            _("This menu has expired. Send /start for a fresh one."), alert=True
        )
        return
    await visit.out.answer()
    await visit.out.show(search_screen(await visit.catalog.get(), text, action.page))
