"""The checkout's first steps: the saved details offered again, the recipient, the phone."""

from __future__ import annotations

import secrets

from catalog.models import PaymentMethod
from catalog.phone import (
    InvalidPhone,
    PhoneProblem,
    find_phone,
    format_phone_display,
    normalize_phone,
)
from catalog.services import orders as order_service
from locales.translation import gettext as _
from storefront.checkout.address import ask_province, read_part
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import answers, phone_key, saved_choices, step
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
    suggestions = [Key(draft.recipient_name)] if draft.recipient_name else []
    text = step(1, _("Who receives the parcel? Type the recipient's full name."))
    await visit.out.send(Screen(text, keyboard=answers(suggestions)))


async def ask_phone(visit: Visit, draft: CheckoutDraft) -> None:
    rows = [(phone_key(),)]
    if draft.phone:
        rows.append((Key(format_phone_display(draft.phone)),))
    text = step(
        2,
        _(
            "A phone number for the delivery: press the button to share yours, "
            "or type one (for example 0912 345 678)."
        ),
    )
    await visit.out.send(Screen(text, keyboard=answers(*rows)))


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
    """ "Other details" under the saved ones, or "Edit" under the review: from the top."""
    await visit.out.answer()
    await visit.out.close()
    await visit.state.set_state(Checkout.name)
    await ask_name(visit, await load_draft(visit.state))


async def process_name(visit: Visit, typed: str) -> None:
    name = await read_part(visit, typed, MAX_NAME_LENGTH)
    if name is None:
        await ask_name(visit, await load_draft(visit.state))
        return
    draft = await change_draft(visit.state, recipient_name=name)
    await visit.state.set_state(Checkout.phone)
    await ask_phone(visit, draft)


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


async def process_phone(visit: Visit, typed: str, *, shared: bool) -> None:
    """A typed (or pasted) number, or (``shared``) one the channel's own button gave."""
    try:
        phone = normalize_phone(typed) if shared else find_phone(typed)
    except InvalidPhone as err:
        await visit.out.send(Screen(_phone_problem(err)))
        await ask_phone(visit, await load_draft(visit.state))
        return
    draft = await change_draft(visit.state, phone=phone)
    await visit.state.set_state(Checkout.province)
    await ask_province(visit, draft)
