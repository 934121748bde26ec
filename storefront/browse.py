"""Browsing the catalog: by category, by producer, by OCOP stars — lists of products a page
at a time. Searching is in storefront/search.py, the product card in storefront/card.py."""

from __future__ import annotations

from collections.abc import Callable

from catalog.paging import paginate
from catalog.snapshot import CatalogSnapshot, ProductView
from locales.translation import gettext as _
from locales.translation import ngettext
from storefront.actions import Browse, OpenProduct, ProductAction, View
from storefront.format import esc, language, money, shorten, stars
from storefront.paging import page_row
from storefront.screens import Choice, Item, Row, Screen, columns, rows
from storefront.visit import Visit

# A list entry's button text; Telegram shows about this much on a phone.
BUTTON_TEXT = 48


def back_row(view: View = View.home) -> Row:
    return (Choice(_("⬅️ Back"), Browse(view=view)),)


def home_screen() -> Screen:
    text = _(
        "🛍 <b>OCOP catalog</b>\nProducts of Hanoi's craft villages and cooperatives, "
        "rated 3 to 5 stars under the One Commune, One Product programme. Browse:"
    )
    choices = [
        Choice(_("🗂 By category"), Browse(view=View.categories)),
        Choice(_("🏡 By producer"), Browse(view=View.producers)),
        Choice(_("⭐ By OCOP stars"), Browse(view=View.star_levels)),
        Choice(_("🔎 Search"), Browse(view=View.search_prompt)),
    ]
    return Screen(text, columns(choices, 1))


def list_text(title: str, products: list[ProductView], page: int) -> str:
    """A list's text; when its page has products marked ⛔, a line says what the mark means."""
    if all(product.in_stock for product in paginate(products, page).items):
        return title
    return title + "\n\n" + _("⛔ = out of stock for now")


def product_items(
    snapshot: CatalogSnapshot, products: list[ProductView], view: View, id_: int, page: int
) -> tuple[tuple[Item, ...], int, int]:
    """The page's products as list entries (each opens its card, which leads back here),
    with the page shown and the number of pages."""
    lang = language()
    chunk = paginate(products, page)
    items = []
    for product in chunk.items:
        mark = "" if product.in_stock else "⛔ "
        producer = snapshot.producers.get(product.producer_id)
        items.append(
            Item(
                label=f"{mark}{shorten(product.name(lang), BUTTON_TEXT - 16)} · "
                f"{money(product.price)}",
                action=OpenProduct(
                    action=ProductAction.show,
                    id=product.id,
                    back=view,
                    back_id=id_,
                    back_page=chunk.page,
                ),
                title=f"{mark}{product.name(lang)}",
                subtitle=f"{money(product.price)} · {stars(product.ocop_stars)}"
                + (f" · {producer.name(lang)}" if producer else ""),
                picture=product.photo,
            )
        )
    return tuple(items), chunk.page, chunk.pages


def product_list(
    snapshot: CatalogSnapshot,
    title: str,
    products: list[ProductView],
    view: View,
    id_: int,
    page: int,
    back: View,
) -> Screen:
    items, page, pages = product_items(snapshot, products, view, id_, page)
    paging = page_row(page, pages, lambda n: Browse(view=view, id=id_, page=n), counter=True)
    return Screen(list_text(title, products, page), rows(paging, back_row(back)), items)


def _categories(snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    lang = language()
    choices = [
        Choice(
            f"{category.name(lang)} ({len(snapshot.products_in_category(category.id, lang))})",
            Browse(view=View.category, id=category.id),
        )
        for category in snapshot.category_list()
    ]
    return Screen(_("🗂 <b>Categories</b>"), (*columns(choices, 1), back_row()))


def _producers(snapshot: CatalogSnapshot, _id: int, page: int) -> Screen:
    lang = language()
    chunk = paginate(snapshot.producer_list(lang), page)
    choices = [
        Choice(
            shorten(f"{producer.name(lang)} — {producer.ward}", BUTTON_TEXT),
            Browse(view=View.producer, id=producer.id),
        )
        for producer in chunk.items
    ]
    paging = page_row(
        chunk.page, chunk.pages, lambda n: Browse(view=View.producers, page=n), counter=True
    )
    return Screen(_("🏡 <b>Producers</b>"), (*columns(choices, 1), *rows(paging, back_row())))


def _star_levels(snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    choices = [
        Choice(
            ngettext("{stars} {count} product", "{stars} {count} products", count).format(
                stars=stars(level), count=count
            ),
            Browse(view=View.stars, id=level),
        )
        for level, count in snapshot.star_levels()
    ]
    text = _(
        "⭐ <b>By OCOP stars</b>\n5 stars: national level; 4 and 3 stars: certified by the city."
    )
    return Screen(text, (*columns(choices, 1), back_row()))


def _category(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    if (category := snapshot.categories.get(id_)) is None:
        return None
    lang = language()
    products = snapshot.products_in_category(id_, lang)
    title = f"🗂 <b>{esc(category.name(lang))}</b>"
    return product_list(snapshot, title, products, View.category, id_, page, View.categories)


def _producer(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    if (producer := snapshot.producers.get(id_)) is None:
        return None
    lang = language()
    products = snapshot.products_of_producer(id_, lang)
    title = (
        f"🏡 <b>{esc(producer.name(lang))}</b>\n📍 {esc(producer.place)}\n"
        f"{esc(shorten(producer.description(lang), 600))}"
    )
    return product_list(snapshot, title, products, View.producer, id_, page, View.producers)


def _stars(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    products = snapshot.products_with_stars(id_, language())
    if not products:
        return None
    title = _("⭐ <b>{stars} products</b>").format(stars=stars(id_))
    return product_list(snapshot, title, products, View.stars, id_, page, View.star_levels)


def _home(_snapshot: CatalogSnapshot, _id: int, _page: int) -> Screen:
    return home_screen()


_SCREENS: dict[View, Callable[[CatalogSnapshot, int, int], Screen | None]] = {
    View.home: _home,
    View.categories: _categories,
    View.producers: _producers,
    View.star_levels: _star_levels,
    View.category: _category,
    View.producer: _producer,
    View.stars: _stars,
}


def list_screen(snapshot: CatalogSnapshot, view: View, id_: int, page: int) -> Screen | None:
    """A catalog list, or None when it no longer exists."""
    build = _SCREENS.get(view)
    return build(snapshot, id_, page) if build else None


# -- what the person does ---------------------------------------------------------------------


async def open_catalog(visit: Visit) -> None:
    await visit.state.set_state(None)
    await visit.out.send(home_screen())


async def on_browse(visit: Visit, action: Browse) -> None:
    screen = list_screen(await visit.catalog.get(), action.view, action.id, action.page)
    if screen is None:
        await visit.out.answer(_("This is no longer available."), alert=True)
        return
    await visit.out.answer()
    await visit.out.show(screen)
