"""Placing the order from the review: exactly once, whatever the taps; what the customer is
told after (the orders, a shortage, a changed cart) and the VietQR codes to pay by transfer."""

from __future__ import annotations

import secrets

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import CartChanged, EmptyCart, ItemsUnavailable, NotAllowed
from catalog.models import PaymentMethod
from catalog.services import links as link_service
from catalog.services import orders as order_service
from catalog.services.orders import OrderView, PlacedCheckout
from catalog.uow import UnitOfWork
from catalog.vietqr import build_payload, render_qr_png
from handlers.callbacks import CheckoutCb
from handlers.checkout.draft import load_draft
from handlers.checkout.review import ask_review, leave
from handlers.format import esc, language, money
from handlers.screens import chat_message
from handlers.states import Checkout


async def on_confirm(
    query: CallbackQuery, callback_data: CheckoutCb, state: FSMContext, uow: UnitOfWork, bot: Bot
) -> None:
    user_id = query.from_user.id
    message = chat_message(query)
    draft = await load_draft(state)
    key = f"{user_id}:{callback_data.token}"
    current_review = (
        await state.get_state() == Checkout.review.state and draft.token == callback_data.token
    )
    if not current_review or draft.payment is None:
        # A second tap, or an update delivered twice: the orders exist already, or never will.
        existing = await order_service.find_checkout(uow, user_id=user_id, key=key)
        if existing is not None:
            await query.answer(_("This order has already been placed."))
        else:
            await query.answer(
                _("This summary is out of date. Open the cart to order."), show_alert=True
            )
        return
    try:
        placed = await order_service.place_order(
            uow,
            user_id=user_id,
            details=draft.details(),
            payment=draft.payment,
            idempotency_key=key,
            locale=language(),
            reviewed=draft.reviewed,
            source=await link_service.order_source(uow, user_id=user_id),
        )
    except CartChanged:
        await _review_again(query, message, state, uow)
        return
    except ItemsUnavailable as err:
        await _tell_shortages(query, message, state, err)
        return
    except (EmptyCart, NotAllowed):
        await query.answer(_("Your cart is empty."), show_alert=True)
        await state.set_state(None)
        return
    await query.answer(_("Thank you! Your order is placed."))
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await leave(message, state, placed_text(placed))
        if placed.orders and placed.orders[0].payment_method == PaymentMethod.bank_transfer:
            await send_transfer_codes(bot, message.chat.id, placed.orders)


async def _review_again(
    query: CallbackQuery, message: Message | None, state: FSMContext, uow: UnitOfWork
) -> None:
    """The cart or a price changed after the summary was shown: show it again."""
    await query.answer(
        _("Your cart or a price has changed: please check the order again."), show_alert=True
    )
    if message is not None:
        draft = (await load_draft(state)).replace(token=secrets.token_hex(8))
        await message.edit_reply_markup(reply_markup=None)
        await ask_review(message, state, draft, uow)


async def _tell_shortages(
    query: CallbackQuery, message: Message | None, state: FSMContext, err: ItemsUnavailable
) -> None:
    await query.answer()
    lang = language()
    lines = [
        _(
            "Sorry, some items ran out while you were ordering. Nothing was ordered, "
            "and your cart is kept:"
        )
    ]
    for shortage in err.shortages:
        if shortage.available:
            lines.append(
                _("• {name}: only {available} left (you wanted {wanted})").format(
                    name=esc(shortage.name(lang)),
                    available=shortage.available,
                    wanted=shortage.requested,
                )
            )
        else:
            lines.append(_("• {name}: sold out").format(name=esc(shortage.name(lang))))
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await leave(message, state, "\n".join(lines))


def placed_text(placed: PlacedCheckout) -> str:
    lang = language()
    lines = [_("✅ <b>Thank you! Your order is placed.</b>")]
    for order in placed.orders:
        lines.append(f"📦 {order.number} — {esc(order.producer_name(lang))}: {money(order.total)}")
    if len(placed.orders) > 1:
        lines.append(_("<b>Total: {amount}</b>").format(amount=money(placed.total)))
    lines.append("")
    lines.append(_("Each producer will confirm their order here. Follow it in “My orders”."))
    return "\n".join(lines)


def transfer_purpose(order: OrderView) -> str:
    return rules.transfer_content(order.number)


async def send_transfer_codes(bot: Bot, chat_id: int, orders: tuple[OrderView, ...]) -> None:
    """One VietQR code per producer: each is paid to its own account."""
    for order in orders:
        if not (order.bank_bin and order.bank_account):
            continue
        payload = build_payload(
            bank_bin=order.bank_bin,
            account=order.bank_account,
            amount=order.total,
            purpose=transfer_purpose(order),
        )
        caption = _(
            "🏦 <b>Bank transfer for {number}</b>\n"
            "Scan with your banking app, or transfer by hand:\n"
            "Amount: <b>{amount}</b>\n"
            "Account: {account} ({holder}), bank code {bin}\n"
            "Content: <code>{purpose}</code>"
        ).format(
            number=order.number,
            amount=money(order.total),
            account=esc(order.bank_account),
            holder=esc(order.bank_account_name or ""),
            bin=order.bank_bin,
            purpose=transfer_purpose(order),
        )
        await bot.send_photo(
            chat_id,
            BufferedInputFile(render_qr_png(payload), filename=f"vietqr-{order.number}.png"),
            caption=caption,
        )
