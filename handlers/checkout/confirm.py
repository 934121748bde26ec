"""Placing the order from the review: exactly once, whatever the taps; what the customer is
told after (the orders, a shortage, a changed cart) and the VietQR codes to pay by transfer."""

from __future__ import annotations

import secrets

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import CartChanged, CartFull, EmptyCart, ItemsUnavailable, NotAllowed
from catalog.models import PaymentMethod
from catalog.services import links as link_service
from catalog.services import orders as order_service
from catalog.services.orders import OrderView, PlacedCheckout
from catalog.uow import UnitOfWork
from catalog.vietqr import build_payload, render_qr_png
from handlers.callbacks import CheckoutCb
from handlers.checkout.draft import CheckoutDraft, drop_draft, load_draft, save_draft
from handlers.checkout.review import ask_review, leave, too_many_products
from handlers.format import esc, fit_text, language, line_name, money
from handlers.menu import main_menu_kb
from handlers.screens import chat_message, remove_buttons
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
    # The review is still current until the customer has been told everything, so this
    # also finishes what a worker that died half-way left: the key finds its orders again.
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
    except CartFull as err:
        await query.answer(too_many_products(err.limit), show_alert=True)
        return
    except (EmptyCart, NotAllowed):
        await query.answer(_("Your cart is empty."), show_alert=True)
        await state.set_state(None)
        return
    await query.answer(_("Thank you! Your order is placed."))
    if message is not None:
        await remove_buttons(message)
    await _tell_placed(bot, user_id, state, draft, placed)


async def _tell_placed(
    bot: Bot, chat_id: int, state: FSMContext, draft: CheckoutDraft, placed: PlacedCheckout
) -> None:
    """The order numbers, then each order's VietQR code for a bank transfer; each noted in
    the draft once sent, and the checkout left when all is said."""
    if not draft.told:
        await bot.send_message(chat_id, placed_text(placed), reply_markup=main_menu_kb())
        draft = await save_draft(state, draft.replace(told=True))
    for order in placed.orders:
        if (
            order.payment_method == PaymentMethod.bank_transfer
            and order.id not in draft.codes_sent
        ):
            await send_transfer_code(bot, chat_id, order)
            draft = await save_draft(
                state, draft.replace(codes_sent=(*draft.codes_sent, order.id))
            )
    await drop_draft(state)


async def _review_again(
    query: CallbackQuery, message: Message | None, state: FSMContext, uow: UnitOfWork
) -> None:
    """The cart or a price changed after the summary was shown: show it again."""
    await query.answer(
        _("Your cart or a price has changed: please check the order again."), show_alert=True
    )
    if message is not None:
        draft = (await load_draft(state)).replace(token=secrets.token_hex(8))
        await remove_buttons(message)
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
        await remove_buttons(message)
        await leave(message, state, "\n".join(lines))


def placed_text(placed: PlacedCheckout) -> str:
    lang = language()
    orders = [
        f"📦 {order.number} — {line_name(order.producer_name(lang))}: {money(order.total)}"
        for order in placed.orders
    ]
    tail = []
    if len(placed.orders) > 1:
        tail.append(_("<b>Total: {amount}</b>").format(amount=money(placed.total)))
    tail.append("")
    tail.append(_("Each producer will confirm their order here. Follow it in “My orders”."))
    return fit_text([_("✅ <b>Thank you! Your order is placed.</b>")], orders, tail)


def transfer_purpose(order: OrderView) -> str:
    return rules.transfer_content(order.number)


async def send_transfer_code(bot: Bot, chat_id: int, order: OrderView) -> None:
    """The order's VietQR code: each producer is paid to its own account."""
    if not (order.bank_bin and order.bank_account):
        return
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
