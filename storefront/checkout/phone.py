"""The checkout's question of who receives the parcel: a phone number, and a name with it."""

from __future__ import annotations

from catalog.addresses import format_address
from catalog.phone import format_phone_display
from locales.translation import gettext as _
from storefront.checkout.draft import CheckoutDraft
from storefront.checkout.keys import answers, phone_key, step
from storefront.format import esc
from storefront.screens import Key, Screen
from storefront.visit import Visit


async def ask_phone(visit: Visit, draft: CheckoutDraft) -> None:
    rows = [(phone_key(),)]
    if draft.phone:
        rows.append((Key(format_phone_display(draft.phone)),))
    question = _(
        "Who receives the parcel? Press the button to share your phone number, or type the "
        "recipient's name and phone number, for example: Phạm Thu Hà 0912 345 678."
    )
    if draft.recipient_name:
        question += " " + _("With a number alone, the parcel is addressed to {name}.").format(
            name=esc(draft.recipient_name)
        )
    text = step(3, question)
    if draft.ward:
        where = format_address(draft.street, draft.ward, draft.province)
        text = "📍 " + esc(where) + "\n" + text
    await visit.out.send(Screen(text, keyboard=answers(*rows)))
