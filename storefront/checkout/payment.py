"""The checkout's last questions: a note for the producer, and how the customer pays."""

from __future__ import annotations

import secrets

from catalog.models import PaymentMethod
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.actions import CheckoutAction
from storefront.card import not_allowed
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import SKIP_NOTE, answers, payment_choices, step
from storefront.checkout.review import ask_review
from storefront.format import esc
from storefront.screens import NO_KEYBOARD, Screen
from storefront.states import Checkout
from storefront.visit import Visit

MAX_NOTE_LENGTH = 500


async def ask_note(visit: Visit, draft: CheckoutDraft) -> None:
    text = step(
        6,
        _(
            "A note for the producer? (a delivery time, a gift message…) "
            "Type it, or press “No note”."
        ),
    )
    await visit.out.send(Screen(text, keyboard=answers([SKIP_NOTE.key()])))


async def ask_payment(visit: Visit, draft: CheckoutDraft) -> None:
    await visit.out.send(Screen(step(7, _("How will you pay?")), payment_choices(draft.bank_ok)))


async def process_note(visit: Visit, typed: str) -> None:
    note = "" if SKIP_NOTE.matches(typed) else typed.strip()
    if len(note) > MAX_NOTE_LENGTH:
        await visit.out.send(
            Screen(
                _("That is too long: at most {count} characters, please.").format(
                    count=MAX_NOTE_LENGTH
                )
            )
        )
        return
    draft = await change_draft(visit.state, note=note)
    await visit.state.set_state(Checkout.payment)
    # The payment and the review take buttons: "No note" must not stay on screen.
    ack = _("📝 Note: {note}").format(note=esc(note)) if note else _("📝 No note.")
    await visit.out.send(Screen(ack, keyboard=NO_KEYBOARD))
    await ask_payment(visit, draft)


async def on_payment(visit: Visit, action: CheckoutPress) -> None:
    draft = await load_draft(visit.state)
    bank = action.action == CheckoutAction.bank
    if bank and not draft.bank_ok:
        await visit.out.answer(not_allowed(), alert=True)
        return
    await visit.out.answer()
    method = PaymentMethod.bank_transfer if bank else PaymentMethod.cod
    await visit.state.set_state(Checkout.review)
    # The question pressed becomes the review: no new message for a press.
    draft = draft.replace(payment=method, token=secrets.token_hex(8))
    await ask_review(visit, draft, in_place=True)
