"""The cart: lines grouped by producer, steppers, clear, and the way to checkout."""

from __future__ import annotations

from functools import partial

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.errors import OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.services.cart import CartPage, CartView, cart_page
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.callbacks import CartAction, CartCb, NavCb, View
from handlers.checkout import start_checkout
from handlers.format import fit_text, language, line_name, money, shorten
from handlers.menu import MenuItem, menu_command, private_router
from handlers.screens import page_row, show_text


def cart_text(page: CartPage, snapshot: CatalogSnapshot) -> str:
    """The page's lines under their producers; the total is always the whole cart's."""
    lang = language()
    cart = page.cart
    if cart.is_empty:
        return _("🛒 Your cart is empty. Open the catalog to find something you like.")
    head = [_("🛒 <b>Your cart</b>")]
    if page.pages > 1:
        head.append(
            ngettext(
                "{count} product · page {page}/{pages}",
                "{count} products · page {page}/{pages}",
                len(cart.lines),
            ).format(count=len(cart.lines), page=page.page + 1, pages=page.pages)
        )
    lines: list[str] = []
    for shown in page.groups:
        producer = snapshot.producers.get(shown.group.producer_id)
        lines.append("")
        if producer is not None:
            lines.append(f"🏡 <b>{line_name(producer.name(lang))}</b>")
        for line in shown.lines:
            lines.append(
                f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
            )
            if not line.active:
                lines.append(_("  ⛔ no longer sold"))
            elif line.quantity > line.stock:
                lines.append(_("  ⚠️ only {count} left").format(count=line.stock))
        lines.append(_("Subtotal: {amount}").format(amount=money(shown.group.subtotal)))
    tail = ["", _("<b>Total: {amount}</b>").format(amount=money(cart.total))]
    if len(cart.groups) > 1:
        tail.append(
            _("Each producer ships their part separately: you will get one order per producer.")
        )
    return fit_text(head, lines, tail)


def cart_kb(page: CartPage) -> InlineKeyboardMarkup:
    """A stepper for each line of the page, the pages, and the ways on (at most 27 buttons)."""
    lang = language()
    builder = InlineKeyboardBuilder()

    def cb(action: CartAction, product_id: int = 0, number: int = page.page) -> str:
        return CartCb(action=action, id=product_id, page=number).pack()

    for line in page.lines:
        # The name on a row of its own: beside three buttons it is squeezed onto three lines
        # on a phone.
        builder.row(
            InlineKeyboardButton(
                text=f"{shorten(line.name(lang), 40)} × {line.quantity}",
                callback_data=cb(CartAction.show),
            )
        )
        builder.row(
            InlineKeyboardButton(text="➖", callback_data=cb(CartAction.less, line.product_id)),
            InlineKeyboardButton(text="➕", callback_data=cb(CartAction.more, line.product_id)),
            InlineKeyboardButton(text="🗑", callback_data=cb(CartAction.remove, line.product_id)),
        )
    builder.row(
        *page_row(
            page.page,
            page.pages,
            partial(CartCb, action=CartAction.show),
            counter=True,
        )
    )
    if not page.cart.is_empty:
        builder.row(
            InlineKeyboardButton(text=_("🧹 Empty the cart"), callback_data=cb(CartAction.clear)),
            InlineKeyboardButton(text=_("✅ Checkout"), callback_data=cb(CartAction.checkout)),
        )
    builder.row(
        InlineKeyboardButton(text=_("🛍 Catalog"), callback_data=NavCb(view=View.home).pack())
    )
    return builder.as_markup()


def cart_screen(
    cart: CartView, snapshot: CatalogSnapshot, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    shown = cart_page(cart, page)
    return cart_text(shown, snapshot), cart_kb(shown)


async def cmd_cart(
    message: Message, uow: UnitOfWork, catalog_cache: CatalogCache, state: FSMContext
) -> None:
    await state.set_state(None)
    cart = await cart_service.get_cart(uow, user_id=message.chat.id)
    text, keyboard = cart_screen(cart, await catalog_cache.get())
    await message.answer(text, reply_markup=keyboard)


async def on_cart(
    query: CallbackQuery,
    callback_data: CartCb,
    uow: UnitOfWork,
    catalog_cache: CatalogCache,
    state: FSMContext,
) -> None:
    user_id = query.from_user.id
    action = callback_data.action
    try:
        if action in (CartAction.less, CartAction.more):
            delta = 1 if action == CartAction.more else -1
            await cart_service.change_quantity(
                uow, user_id=user_id, product_id=callback_data.id, delta=delta
            )
        elif action == CartAction.remove:
            await cart_service.remove_from_cart(uow, user_id=user_id, product_id=callback_data.id)
        elif action == CartAction.clear:
            await cart_service.clear_cart(uow, user_id=user_id)
    except ProductUnavailable:
        await query.answer(_("This item is no longer in your cart."))
    except OutOfStock as err:
        await query.answer(
            _("Only {count} in stock.").format(count=err.available), show_alert=True
        )
    else:
        if action == CartAction.checkout:
            await start_checkout(query, uow, state)
            return
        await query.answer()
    cart = await cart_service.get_cart(uow, user_id=user_id)
    await show_text(query, *cart_screen(cart, await catalog_cache.get(), callback_data.page))


def create_router() -> Router:
    router = private_router(__name__)
    router.message.register(cmd_cart, menu_command(MenuItem.cart))
    router.callback_query.register(on_cart, CartCb.filter())
    return router
