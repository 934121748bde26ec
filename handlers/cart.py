"""The cart: lines grouped by producer, steppers, clear, and the way to checkout."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.errors import OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.services.cart import CartView
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.callbacks import CartAction, CartCb, NavCb, View
from handlers.checkout import start_checkout
from handlers.format import esc, language, money, shorten
from handlers.menu import MenuItem, menu_command, private_router
from handlers.screens import show_text


def cart_text(cart: CartView, snapshot: CatalogSnapshot) -> str:
    lang = language()
    if cart.is_empty:
        return _("🛒 Your cart is empty. Open the catalog to find something you like.")
    lines = [_("🛒 <b>Your cart</b>")]
    for group in cart.groups:
        producer = snapshot.producers.get(group.producer_id)
        lines.append("")
        if producer is not None:
            lines.append(f"🏡 <b>{esc(producer.name(lang))}</b>")
        for line in group.lines:
            lines.append(f"• {esc(line.name(lang))} × {line.quantity} — {money(line.line_total)}")
            if not line.active:
                lines.append(_("  ⛔ no longer sold"))
            elif line.quantity > line.stock:
                lines.append(_("  ⚠️ only {count} left").format(count=line.stock))
        lines.append(_("Subtotal: {amount}").format(amount=money(group.subtotal)))
    lines.append("")
    lines.append(_("<b>Total: {amount}</b>").format(amount=money(cart.total)))
    if len(cart.groups) > 1:
        lines.append(
            _("Each producer ships their part separately: you will get one order per producer.")
        )
    return "\n".join(lines)


def cart_kb(cart: CartView) -> InlineKeyboardMarkup:
    lang = language()
    builder = InlineKeyboardBuilder()
    for line in cart.lines:
        # The name on a row of its own: beside three buttons it is squeezed onto three lines
        # on a phone.
        builder.row(
            InlineKeyboardButton(
                text=f"{shorten(line.name(lang), 40)} × {line.quantity}",
                callback_data=CartCb(action=CartAction.show).pack(),
            )
        )
        builder.row(
            InlineKeyboardButton(
                text="➖", callback_data=CartCb(action=CartAction.less, id=line.product_id).pack()
            ),
            InlineKeyboardButton(
                text="➕", callback_data=CartCb(action=CartAction.more, id=line.product_id).pack()
            ),
            InlineKeyboardButton(
                text="🗑", callback_data=CartCb(action=CartAction.remove, id=line.product_id).pack()
            ),
        )
    if not cart.is_empty:
        builder.row(
            InlineKeyboardButton(
                text=_("🧹 Empty the cart"), callback_data=CartCb(action=CartAction.clear).pack()
            ),
            InlineKeyboardButton(
                text=_("✅ Checkout"), callback_data=CartCb(action=CartAction.checkout).pack()
            ),
        )
    builder.row(
        InlineKeyboardButton(text=_("🛍 Catalog"), callback_data=NavCb(view=View.home).pack())
    )
    return builder.as_markup()


async def cmd_cart(
    message: Message, uow: UnitOfWork, catalog_cache: CatalogCache, state: FSMContext
) -> None:
    await state.set_state(None)
    cart = await cart_service.get_cart(uow, user_id=message.chat.id)
    await message.answer(cart_text(cart, await catalog_cache.get()), reply_markup=cart_kb(cart))


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
    await show_text(query, cart_text(cart, await catalog_cache.get()), cart_kb(cart))


def create_router() -> Router:
    router = private_router(__name__)
    router.message.register(cmd_cart, menu_command(MenuItem.cart))
    router.callback_query.register(on_cart, CartCb.filter())
    return router
