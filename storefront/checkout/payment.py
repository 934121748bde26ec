"""The checkout's last question, how the customer pays, and the note for the producer
asked from it."""

from __future__ import annotations

import secrets

from catalog.models import PaymentMethod
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.actions import CheckoutAction
from storefront.card import not_allowed
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import SKIP_NOTE, note_choices, payment_choices, step
from storefront.checkout.review import ask_review
from storefront.format import esc
from storefront.screens import NO_KEYBOARD, Screen
from storefront.states import Checkout
from storefront.visit import Visit

MAX_NOTE_LENGTH = 500


async def ask_note(visit: Visit, draft: CheckoutDraft, *, in_place: bool = False) -> None:
    text = _("A note for the producer? (a delivery time, a gift message…) Type it.")
    await (visit.out.show if in_place else visit.out.send)(Screen(text, note_choices()))


async def ask_payment(
    visit: Visit, draft: CheckoutDraft, *, above: str = "", in_place: bool = False
) -> None:
    text = above + step(4, _("How will you pay?"))
    screen = Screen(text, payment_choices(draft.bank_ok, has_note=bool(draft.note)))
    await (visit.out.show if in_place else visit.out.send)(screen)


async def on_note(visit: Visit, _action: CheckoutPress) -> None:
    """ "Add a note" under the payment question: the question becomes the note's."""
    await visit.out.answer()
    await visit.state.set_state(Checkout.note)
    await ask_note(visit, await load_draft(visit.state), in_place=True)


async def on_no_note(visit: Visit, _action: CheckoutPress) -> None:
    await visit.out.answer()
    draft = await change_draft(visit.state, note="")
    await visit.state.set_state(Checkout.payment)
    await ask_payment(visit, draft, in_place=True)


async def process_note(visit: Visit, typed: str) -> None:
    # "No note" typed: the button under the typing field of a checkout begun before.
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
    ack = _("📝 Note: {note}").format(note=esc(note)) if note else _("📝 No note.")
    if not draft.recipient_last:
        # Begun before: "No note" is under the typing field, and must not stay there.
        await visit.out.send(Screen(ack, keyboard=NO_KEYBOARD))
        await ask_payment(visit, draft)
        return
    await ask_payment(visit, draft, above=ack + "\n\n")


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
