"""The checkout's saved details offered again, and the recipient: their phone and name."""

from __future__ import annotations

import secrets

from catalog.models import PaymentMethod
from catalog.phone import (
    InvalidPhone,
    PhoneProblem,
    format_phone_display,
    normalize_phone,
    split_phone,
)
from catalog.services import orders as order_service
from locales.translation import gettext as _
from storefront.checkout.address import ask_province, read_part
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import answers, saved_choices
from storefront.checkout.payment import ask_payment
from storefront.checkout.phone import ask_phone
from storefront.checkout.review import ask_review
from storefront.format import delivery_text, esc
from storefront.screens import Key, Screen
from storefront.states import Checkout
from storefront.visit import Visit

MAX_NAME_LENGTH = 100


async def ask_saved(visit: Visit, draft: CheckoutDraft) -> None:
    text = _("Deliver to the same place as last time?") + "\n\n" + delivery_text(draft.details())
    # In place of the cart whose Checkout was pressed: one tap more and it is the review.
    await visit.out.show(Screen(text, saved_choices()))


async def ask_name(visit: Visit, draft: CheckoutDraft) -> None:
    """Asked only of a checkout begun before the name came with the phone."""
    suggestions = [Key(draft.recipient_name)] if draft.recipient_name else []
    text = _("Who receives the parcel? Type the recipient's full name.")
    await visit.out.send(Screen(text, keyboard=answers(suggestions)))


async def on_use_saved(visit: Visit) -> None:
    """Straight to the review, paying as last time when that is still possible (Edit goes
    through every step: the note, another way to pay)."""
    await visit.out.answer()
    draft = await load_draft(visit.state)
    last = await order_service.last_payment_method(visit.uow, user_id=visit.user_id)
    method = last if last == PaymentMethod.bank_transfer and draft.bank_ok else PaymentMethod.cod
    await visit.state.set_state(Checkout.review)
    draft = draft.replace(payment=method, note="", token=secrets.token_hex(8))
    await ask_review(visit, draft, in_place=True)


async def on_new_details(visit: Visit) -> None:
    """ "Other details" under the saved ones, or "Edit" under the review: from the top, in
    place of the screen pressed (the answers so far are offered again where they can be)."""
    await visit.out.answer()
    await visit.state.set_state(Checkout.province)
    await ask_province(visit, await load_draft(visit.state), in_place=True)


async def process_name(visit: Visit, typed: str) -> None:
    name = await read_part(visit, typed, MAX_NAME_LENGTH)
    if name is None:
        await ask_name(visit, await load_draft(visit.state))
        return
    draft = await change_draft(visit.state, recipient_name=name)
    await visit.state.set_state(Checkout.province)
    await ask_province(visit, draft)


def _phone_problem(err: InvalidPhone) -> str:
    if err.reason == PhoneProblem.FOREIGN:
        return _(
            "That is not a Vietnamese number. We deliver in Vietnam: please give a "
            "Vietnamese phone number."
        )
    return _(
        "“{text}” is not a phone number we can call. A mobile number has 10 digits and "
        "starts with 03, 05, 07, 08 or 09 (like 0912 345 678 or +84 912 345 678); a landline "
        "starts with its area code (like 024 3826 1234 in Hà Nội)."
    ).format(text=esc(err.text[:40]))


async def _ask_again(visit: Visit, problem: str) -> None:
    await visit.out.send(Screen(problem))
    await visit.state.set_state(Checkout.phone)
    await ask_phone(visit, await load_draft(visit.state))


async def process_recipient_again(visit: Visit, typed: str) -> bool:
    """Text at the payment or the review: when it holds a number, the recipient typed again
    (their name read wrong, say) and the payment is asked again; False otherwise."""
    try:
        phone, name = split_phone(typed)
    except InvalidPhone:
        return False
    await _recipient_given(visit, phone, name)
    return True


async def process_phone(visit: Visit, typed: str, *, shared: bool, name: str = "") -> None:
    """A number typed (or pasted) with or without the recipient's name, or (``shared``) one
    the channel's own button gave with the name it gave (the person's own when none)."""
    try:
        if shared:
            phone, name = normalize_phone(typed), name or visit.person.full_name
        else:
            phone, name = split_phone(typed)
    except InvalidPhone as err:
        await _ask_again(visit, _phone_problem(err))
        return
    await _recipient_given(visit, phone, name)


async def _recipient_given(visit: Visit, phone: str, name: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        problem = _("That name is too long: at most {count} characters, please.")
        await _ask_again(visit, problem.format(count=MAX_NAME_LENGTH))
        return
    draft = await load_draft(visit.state)
    name = name or draft.recipient_name or visit.person.full_name
    if not name:
        await _ask_again(visit, _("Please type the recipient's name with the number."))
        return
    draft = await change_draft(visit.state, phone=phone, recipient_name=name)
    if not (draft.province and draft.ward and draft.street):
        # A checkout begun when the phone came before the address.
        await visit.state.set_state(Checkout.province)
        await ask_province(visit, draft)
        return
    await visit.state.set_state(Checkout.payment)
    # What was read out of the typed text, shown back before the last question.
    who = f"👤 {esc(draft.recipient_name)} · 📞 {format_phone_display(draft.phone)}"
    await ask_payment(visit, draft, above=who + "\n")
