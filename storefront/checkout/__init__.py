"""Checkout: the address (2025 units: province, then ward and street typed together), who
receives it (phone and name typed together), payment (and a note), review.

A new customer's checkout is built to cost few messages: a press turns the screen pressed into
the next question, and a typed answer gets one message, the next question.

Every step is a conversation state kept across restarts, so a restart of the bot leaves the
customer where they were; the answers so far are a typed draft (draft.py). Each step can be
shown again as it is (after a language switch, or after text where a button was expected).
Each button belongs to the steps it may be pressed in: pressed in another step (an old
message), it gets "this menu has expired".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict

from catalog import rules
from catalog.phone import is_dialable
from catalog.services import cart as cart_service
from catalog.services import orders as order_service
from locales.translation import gettext as _
from storefront.checkout.address import ask_province, ask_street, ask_ward
from storefront.checkout.draft import CheckoutDraft, load_draft, save_draft
from storefront.checkout.payment import ask_note, ask_payment
from storefront.checkout.phone import ask_phone
from storefront.checkout.recipient import ask_name, ask_saved
from storefront.checkout.review import ask_review, too_many_products
from storefront.screens import Screen
from storefront.states import Checkout
from storefront.visit import Visit

Ask = Callable[[Visit, CheckoutDraft], Awaitable[None]]

_QUESTIONS: dict[str | None, Ask] = {
    Checkout.saved: ask_saved,
    Checkout.name: ask_name,
    Checkout.phone: ask_phone,
    Checkout.province: ask_province,
    Checkout.ward: ask_ward,
    Checkout.street: ask_street,
    Checkout.note: ask_note,
    Checkout.payment: ask_payment,
}


async def _ask_province_in_place(visit: Visit, draft: CheckoutDraft) -> None:
    # In place of the cart whose Checkout was pressed: a press costs no new message.
    await ask_province(visit, draft, in_place=True)


async def start_checkout(visit: Visit) -> None:
    """From the cart's Checkout button."""
    cart = await cart_service.get_cart(visit.uow, user_id=visit.user_id)
    if cart.is_empty:
        await visit.out.answer(_("Your cart is empty."), alert=True)
        return
    if len(cart.lines) > rules.MAX_CART_LINES:
        await visit.out.answer(too_many_products(rules.MAX_CART_LINES), alert=True)
        return
    if any(not line.active or line.quantity > line.stock for line in cart.lines):
        await visit.out.answer(
            _("Some items are no longer available in that quantity: please adjust the cart."),
            alert=True,
        )
        return
    await visit.out.answer()
    banks = await order_service.producer_bank_details(
        visit.uow, [group.producer_id for group in cart.groups]
    )
    saved = await order_service.saved_details(visit.uow, user_id=visit.user_id)
    draft = CheckoutDraft(bank_ok=all(banks.values()), recipient_last=True)
    ask: Ask
    if saved is None:
        draft = draft.replace(recipient_name=visit.person.full_name)
        ask, step = _ask_province_in_place, Checkout.province
    elif is_dialable(saved.phone):
        draft = draft.replace(**asdict(saved))
        ask, step = ask_saved, Checkout.saved
    else:
        # Saved before numbers were checked against allocations: ask for one again.
        draft = draft.replace(**asdict(saved) | {"phone": ""})
        ask, step = ask_phone, Checkout.phone
    await visit.state.set_state(step)
    await save_draft(visit.state, draft)
    await ask(visit, draft)


async def resume_checkout(visit: Visit) -> bool:
    """Show the current checkout step again; False if no checkout is going on."""
    current = await visit.state.get_state()
    if current == Checkout.review:
        await ask_review(visit, await load_draft(visit.state))
        return True
    ask = _QUESTIONS.get(current)
    if ask is None:
        return False
    await ask(visit, await load_draft(visit.state))
    return True


async def on_unexpected_input(visit: Visit) -> None:
    """Text, a sticker, a photo… where a button or another kind of answer was expected."""
    await visit.out.send(Screen(_("Please answer with the buttons below.")))
    await resume_checkout(visit)
