"""The checkout's summary before the order is placed, and the ways out of the checkout."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog.services import cart as cart_service
from catalog.uow import UnitOfWork
from handlers.checkout.draft import CheckoutDraft, drop_draft, save_draft
from handlers.checkout.keyboards import review_kb
from handlers.format import delivery_text, fit_text, language, line_name, money, payment_label
from handlers.menu import main_menu_kb


async def ask_review(
    message: Message, state: FSMContext, draft: CheckoutDraft, uow: UnitOfWork
) -> None:
    """Show the order as it will be placed, and save ``draft`` with the cart it showed:
    placing the order refuses a cart that changed since (the customer sees it again)."""
    cart = await cart_service.get_cart(uow, user_id=message.chat.id)
    draft = await save_draft(state, draft.replace(reviewed=cart.fingerprint))
    assert draft.payment is not None, "the review comes after the payment step"
    lang = language()
    lines = []
    for group in cart.groups:
        lines.append("")
        for line in group.lines:
            lines.append(
                f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
            )
        lines.append(_("Subtotal: {amount}").format(amount=money(group.subtotal)))
    tail = [
        "",
        _("<b>Total: {amount}</b>").format(amount=money(cart.total)),
        "",
        delivery_text(draft.details()),
        f"💳 {payment_label(draft.payment)}",
    ]
    text = fit_text([_("🧾 <b>Your order</b>")], lines, tail)
    await message.answer(text, reply_markup=review_kb(draft.token))


def too_many_products(limit: int) -> str:
    """A cart filled before orders had a size: it cannot be ordered as it stands."""
    return _(
        "One order can hold at most {limit} different products: please take some out of "
        "the cart, and order them next time."
    ).format(limit=limit)


async def leave(message: Message, state: FSMContext, text: str) -> None:
    await drop_draft(state)
    await message.answer(text, reply_markup=main_menu_kb())


async def on_cancel_text(message: Message, state: FSMContext) -> None:
    await leave(message, state, _("Checkout cancelled. Your cart is kept."))


async def on_cancel_button(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await leave(message, state, _("Checkout cancelled. Your cart is kept."))
