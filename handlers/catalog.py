"""Browsing the catalog (by category, producer, OCOP stars), searching it, product cards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.errors import InvalidQuantity, OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.snapshot import CatalogCache, CatalogSnapshot, ProductView
from catalog.uow import UnitOfWork
from handlers.callbacks import CartAction, CartCb, NavCb, ProductAction, ProductCb, View
from handlers.format import VIETNAM, esc, language, money, shorten, stars
from handlers.menu import MenuItem, menu_button
from handlers.screens import PhotoCache, paginate, show_photo, show_text
from handlers.settings import Settings
from handlers.states import Search

MAX_QUERY_LENGTH = 200
CAPTION_LIMIT = 1024
BUTTON_TEXT = 48


# -- keyboards ------------------------------------------------------------------------------


def _pager(builder: InlineKeyboardBuilder, view: View, id_: int, page: int, pages: int) -> None:
    if pages <= 1:
        return
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(
                text="◀️", callback_data=NavCb(view=view, id=id_, page=page - 1).pack()
            )
        )
    row.append(
        InlineKeyboardButton(
            text=_("Page {page}/{pages}").format(page=page + 1, pages=pages),
            callback_data=NavCb(view=view, id=id_, page=page).pack(),
        )
    )
    if page < pages - 1:
        row.append(
            InlineKeyboardButton(
                text="▶️", callback_data=NavCb(view=view, id=id_, page=page + 1).pack()
            )
        )
    builder.row(*row)


def _back(builder: InlineKeyboardBuilder, view: View, id_: int = 0, page: int = 0) -> None:
    builder.row(
        InlineKeyboardButton(
            text=_("⬅️ Back"), callback_data=NavCb(view=view, id=id_, page=page).pack()
        )
    )


def home_kb() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗂 By category"), callback_data=NavCb(view=View.categories))
    builder.button(text=_("🏡 By producer"), callback_data=NavCb(view=View.producers))
    builder.button(text=_("⭐ By OCOP stars"), callback_data=NavCb(view=View.star_levels))
    builder.button(text=_("🔎 Search"), callback_data=NavCb(view=View.search_prompt))
    builder.adjust(1)
    return builder.as_markup()


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
    _pager(builder, view, id_, chunk.page, chunk.pages)
    _back(builder, back)
    return builder.as_markup()


# -- screens --------------------------------------------------------------------------------


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
    _back(builder, View.home)
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
    _pager(builder, View.producers, 0, chunk.page, chunk.pages)
    _back(builder, View.home)
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
    _back(builder, View.home)
    text = _(
        "⭐ <b>By OCOP stars</b>\n5 stars: national level; 4 and 3 stars: certified by the city."
    )
    return text, builder.as_markup()


def _category_screen(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    category = snapshot.categories.get(id_)
    if category is None:
        return None
    lang = language()
    products = snapshot.products_in_category(id_, lang)
    text = list_text(f"🗂 <b>{esc(category.name(lang))}</b>", products, page)
    return text, product_list_kb(products, View.category, id_, page, View.categories)


def _producer_screen(snapshot: CatalogSnapshot, id_: int, page: int) -> Screen | None:
    producer = snapshot.producers.get(id_)
    if producer is None:
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


def product_caption(snapshot: CatalogSnapshot, product: ProductView, today: date) -> str:
    lang = language()
    producer = snapshot.producers[product.producer_id]
    lines = [
        f"<b>{esc(product.name(lang))}</b>",
        f"💰 {money(product.price)} / {esc(product.unit(lang))}",
        _("{stars} OCOP {count} stars, {year}").format(
            stars=stars(product.ocop_stars), count=product.ocop_stars, year=product.ocop_year
        ),
    ]
    if product.certificate_lapsed(today):
        lines.append(_("⚠️ Certificate lapsed: OCOP ratings are valid for 36 months"))
    lines.append(f"🏡 {esc(producer.name(lang))} — {esc(producer.place)}")
    if product.in_stock:
        stock = _("✅ In stock: {count}").format(count=product.stock)
    else:
        stock = _("⛔ Out of stock: none left for now. Check back later.")
    head = "\n".join(lines)
    # A photo caption holds 1,024 characters: the description gets what the rest leaves.
    room = CAPTION_LIMIT - len(head) - len(stock) - 4
    return "\n".join((head, "", esc(shorten(product.description(lang), max(room, 0))), "", stock))


def product_kb(product: ProductView, callback: ProductCb) -> InlineKeyboardMarkup:
    def cb(action: ProductAction, qty: int) -> str:
        return callback.model_copy(update={"action": action, "qty": qty}).pack()

    builder = InlineKeyboardBuilder()
    if product.in_stock:
        qty = min(max(callback.qty, 1), product.stock)
        builder.row(
            InlineKeyboardButton(text="➖", callback_data=cb(ProductAction.less, qty)),
            InlineKeyboardButton(text=str(qty), callback_data=cb(ProductAction.quantity, qty)),
            InlineKeyboardButton(text="➕", callback_data=cb(ProductAction.more, qty)),
        )
        builder.row(
            InlineKeyboardButton(
                text=_("🛒 Add {count} to cart").format(count=qty),
                callback_data=cb(ProductAction.add, qty),
            )
        )
    builder.row(
        InlineKeyboardButton(
            text=_("📤 Share"), callback_data=cb(ProductAction.share, max(callback.qty, 1))
        )
    )
    builder.row(
        InlineKeyboardButton(
            text=_("⬅️ Back"),
            callback_data=NavCb(
                view=callback.back, id=callback.back_id, page=callback.back_page
            ).pack(),
        ),
        InlineKeyboardButton(
            text=_("🛒 Cart"), callback_data=CartCb(action=CartAction.show).pack()
        ),
    )
    return builder.as_markup()


async def _show_product(
    query: CallbackQuery,
    snapshot: CatalogSnapshot,
    product: ProductView,
    callback: ProductCb,
    photos: PhotoCache,
    media_dir: Path,
    *,
    same_photo: bool,
) -> None:
    caption = product_caption(snapshot, product, datetime.now(VIETNAM).date())
    keyboard = product_kb(product, callback)
    path = media_dir / product.photo if product.photo else None
    if path is not None and photos.exists(str(path)):
        await show_photo(query, photos, str(path), caption, keyboard, same_photo=same_photo)
    else:
        await show_text(query, caption, keyboard)


# -- handlers -------------------------------------------------------------------------------


async def cmd_catalog(message: Message, state: FSMContext) -> None:
    await state.set_state(None)
    await message.answer(home_text(), reply_markup=home_kb())


async def on_nav(
    query: CallbackQuery,
    callback_data: NavCb,
    catalog_cache: CatalogCache,
    state: FSMContext,
) -> None:
    if callback_data.view == View.search:
        await _show_search_page(query, callback_data, catalog_cache, state)
        return
    if callback_data.view == View.search_prompt:
        await state.set_state(Search.query)
        await query.answer()
        builder = InlineKeyboardBuilder()
        _back(builder, View.home)
        await show_text(query, search_prompt(), builder.as_markup())
        return
    screen = list_screen(
        await catalog_cache.get(), callback_data.view, callback_data.id, callback_data.page
    )
    if screen is None:
        await query.answer(_("This is no longer available."), show_alert=True)
        return
    await query.answer()
    await show_text(query, *screen)


async def on_product(
    query: CallbackQuery,
    callback_data: ProductCb,
    catalog_cache: CatalogCache,
    photos: PhotoCache,
    settings: Settings,
    uow: UnitOfWork,
) -> None:
    snapshot = await catalog_cache.get()
    product = snapshot.products.get(callback_data.id)
    if product is None or not product.active:
        await query.answer(_("This product is no longer available."), show_alert=True)
        return
    if callback_data.qty < 1:
        await query.answer(_("That is not allowed."), show_alert=True)
        return
    action = callback_data.action
    qty = min(callback_data.qty, max(product.stock, 1))
    if action == ProductAction.quantity:
        await query.answer()
        return
    if action == ProductAction.add:
        # The card stays as it is: the answer says what happened.
        await _add_to_cart(query, uow, product, qty)
        return
    if action == ProductAction.more:
        if qty >= product.stock:
            await query.answer(_("Only {count} in stock.").format(count=product.stock))
            return
        qty += 1
    elif action == ProductAction.less:
        if qty <= 1:
            await query.answer(_("At least one."))
            return
        qty -= 1
    await query.answer()
    callback = callback_data.model_copy(update={"qty": qty, "action": ProductAction.show})
    await _show_product(
        query,
        snapshot,
        product,
        callback,
        photos,
        settings.media_dir,
        same_photo=action != ProductAction.show,
    )


async def _add_to_cart(
    query: CallbackQuery, uow: UnitOfWork, product: ProductView, qty: int
) -> None:
    try:
        in_cart = await cart_service.add_to_cart(
            uow, user_id=query.from_user.id, product_id=product.id, quantity=qty
        )
    except ProductUnavailable:
        await query.answer(_("This product is no longer available."), show_alert=True)
    except OutOfStock as err:
        if err.available == 0:
            text = _("Sorry, no more units are available — your cart has all that is left.")
        else:
            text = _("Only {count} more can be added.").format(count=err.available)
        await query.answer(text, show_alert=True)
    except InvalidQuantity:
        await query.answer(_("That is not allowed."), show_alert=True)
    else:
        await query.answer(
            _("Added to cart. You have {count} of this product in your cart.").format(
                count=in_cart
            )
        )


# -- search ---------------------------------------------------------------------------------


def search_prompt() -> str:
    return _(
        "🔎 Type what you are looking for — a product, a village, a producer. "
        "Accents are optional: “bat trang” finds Bát Tràng."
    )


async def cmd_search(message: Message, state: FSMContext) -> None:
    await state.set_state(Search.query)
    await message.answer(search_prompt())


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
    await state.update_data(search_query=text)
    screen, keyboard = search_screen(await catalog_cache.get(), text, 0)
    await message.answer(screen, reply_markup=keyboard)


async def _show_search_page(
    query: CallbackQuery, callback_data: NavCb, catalog_cache: CatalogCache, state: FSMContext
) -> None:
    text = (await state.get_data()).get("search_query")
    if not text:
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
        )
        return
    await query.answer()
    await show_text(query, *search_screen(await catalog_cache.get(), text, callback_data.page))


async def on_free_text(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    """Text typed at the main menu is taken as a search: the quickest way to a product."""
    await process_search_query(message, state, catalog_cache)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_catalog, Command("catalog"))
    router.message.register(cmd_catalog, menu_button(MenuItem.catalog))
    router.message.register(cmd_search, Command("search"))
    router.message.register(cmd_search, menu_button(MenuItem.search))
    router.message.register(process_search_query, Search.query, F.text)
    router.callback_query.register(on_nav, NavCb.filter())
    router.callback_query.register(on_product, ProductCb.filter())
    return router
