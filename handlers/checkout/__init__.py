"""Checkout: recipient, phone, address (2025 units: province, ward), note, payment, review.

Every step is a conversation state kept in the database, so a restart of the bot leaves the
customer where they were; the answers so far are a typed draft (draft.py). Each step can be
shown again as it is (after a language switch, or after text where a button was expected).
Each button has its own handler, matched by its action and the step it belongs to: a button
of another step, or on a message Telegram no longer gives, falls through to the catch-all
"this menu has expired".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.phone import is_dialable
from catalog.services import cart as cart_service
from catalog.services import orders as order_service
from catalog.uow import UnitOfWork
from handlers.callbacks import CheckoutAction, CheckoutCb, WardCb
from handlers.checkout.address import (
    ask_province,
    ask_street,
    ask_ward,
    on_province,
    on_province_page,
    on_ward_button,
    process_province_text,
    process_street,
    process_ward,
)
from handlers.checkout.confirm import on_confirm
from handlers.checkout.draft import CheckoutDraft, load_draft, save_draft
from handlers.checkout.keyboards import CANCEL
from handlers.checkout.payment import ask_note, ask_payment, on_payment, process_note
from handlers.checkout.recipient import (
    ask_name,
    ask_phone,
    ask_saved,
    on_new_details,
    on_use_saved,
    process_name,
    process_phone,
)
from handlers.checkout.review import (
    ask_review,
    on_cancel_button,
    on_cancel_text,
    too_many_products,
)
from handlers.menu import LabelPressed, private_router
from handlers.screens import OnChatMessage, chat_message
from handlers.states import Checkout

Ask = Callable[[Message, CheckoutDraft], Awaitable[None]]

_QUESTIONS: dict[str | None, Ask] = {
    Checkout.saved.state: ask_saved,
    Checkout.name.state: ask_name,
    Checkout.phone.state: ask_phone,
    Checkout.province.state: ask_province,
    Checkout.ward.state: ask_ward,
    Checkout.street.state: ask_street,
    Checkout.note.state: ask_note,
    Checkout.payment.state: ask_payment,
}


async def start_checkout(query: CallbackQuery, uow: UnitOfWork, state: FSMContext) -> None:
    """From the cart's Checkout button."""
    message = chat_message(query)
    cart = await cart_service.get_cart(uow, user_id=query.from_user.id)
    if cart.is_empty or message is None:
        await query.answer(_("Your cart is empty."), show_alert=True)
        return
    if len(cart.lines) > rules.MAX_CART_LINES:
        await query.answer(too_many_products(rules.MAX_CART_LINES), show_alert=True)
        return
    if any(not line.active or line.quantity > line.stock for line in cart.lines):
        await query.answer(
            _("Some items are no longer available in that quantity: please adjust the cart."),
            show_alert=True,
        )
        return
    await query.answer()
    banks = await order_service.producer_bank_details(
        uow, [group.producer_id for group in cart.groups]
    )
    saved = await order_service.saved_details(uow, user_id=query.from_user.id)
    draft = CheckoutDraft(bank_ok=all(banks.values()))
    if saved is None:
        draft = draft.replace(recipient_name=query.from_user.full_name)
        ask, step = ask_name, Checkout.name
    elif is_dialable(saved.phone):
        draft = draft.replace(**asdict(saved))
        ask, step = ask_saved, Checkout.saved
    else:
        # Saved before numbers were checked against allocations: ask for one again.
        draft = draft.replace(**asdict(saved) | {"phone": ""})
        ask, step = ask_phone, Checkout.phone
    await state.set_state(step)
    await save_draft(state, draft)
    await ask(message, draft)


async def resume_checkout(message: Message, state: FSMContext, uow: UnitOfWork) -> bool:
    """Show the current checkout step again; False if no checkout is going on."""
    current = await state.get_state()
    if current == Checkout.review.state:
        await ask_review(message, state, await load_draft(state), uow)
        return True
    ask = _QUESTIONS.get(current)
    if ask is None:
        return False
    await ask(message, await load_draft(state))
    return True


async def on_unexpected_input(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Text, a sticker, a photo… where a button or another kind of answer was expected."""
    await message.answer(_("Please answer with the buttons below."))
    await resume_checkout(message, state, uow)


def _button(action: CheckoutAction, *states: State) -> tuple[Filter, ...]:
    """A button's filters: its action, the steps it belongs to, a message still there."""
    return CheckoutCb.filter(F.action == action), StateFilter(*states), OnChatMessage()


def create_router() -> Router:
    router = private_router(__name__)
    # In any state: after leaving the checkout by a command its keyboard may still be shown.
    router.message.register(on_cancel_text, LabelPressed(CANCEL))
    router.message.register(process_name, Checkout.name, F.text)
    router.message.register(process_phone, Checkout.phone, F.contact | F.text)
    router.message.register(process_province_text, Checkout.province, F.text)
    router.message.register(process_ward, Checkout.ward, F.text)
    router.callback_query.register(on_ward_button, WardCb.filter(), OnChatMessage())
    router.message.register(process_street, Checkout.street, F.location | F.text)
    router.message.register(process_note, Checkout.note, F.text)
    router.message.register(on_unexpected_input, StateFilter(Checkout))
    # Any step: a second tap on Confirm, long after, still gets its answer.
    router.callback_query.register(
        on_confirm, CheckoutCb.filter(F.action == CheckoutAction.confirm)
    )
    buttons = router.callback_query
    buttons.register(
        on_cancel_button, *_button(CheckoutAction.cancel, Checkout.saved, Checkout.review)
    )
    buttons.register(on_use_saved, *_button(CheckoutAction.use_saved, Checkout.saved))
    buttons.register(on_new_details, *_button(CheckoutAction.new_details, Checkout.saved))
    buttons.register(on_new_details, *_button(CheckoutAction.edit, Checkout.review))
    buttons.register(on_province_page, *_button(CheckoutAction.province_page, Checkout.province))
    buttons.register(on_province, *_button(CheckoutAction.province, Checkout.province))
    buttons.register(on_payment, *_button(CheckoutAction.cash, Checkout.payment))
    buttons.register(on_payment, *_button(CheckoutAction.bank, Checkout.payment))
    return router
