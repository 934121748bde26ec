"""The checkout's buttons: the ready answers under each question and the choices."""

from __future__ import annotations

from catalog.addresses import PROVINCES
from catalog.paging import clamp_page, page_count
from catalog.text import N_
from locales.translation import gettext as _
from storefront.actions import Checkout, CheckoutAction
from storefront.menu import Label
from storefront.paging import page_row
from storefront.screens import Choice, Key, Keyboard, KeyKind, Row, columns, rows

PROVINCES_PER_PAGE = 12
# Where (the province, then the address), who (name and phone), how to pay; then the review.
STEPS = 4

CANCEL = Label("✖️", N_("Cancel checkout"))
SKIP_NOTE = Label("⏭", N_("No note"))
SHARE_PHONE = Label("📱", N_("Share my phone number"))
SHARE_LOCATION = Label("📍", N_("Share my location"))


def step(number: int, text: str) -> str:
    return _("Step {step} of {steps}").format(step=number, steps=STEPS) + " · " + text


def answers(*rows: tuple[Key, ...] | list[Key]) -> Keyboard:
    """The question's own ready answers, and under them the way out of the checkout."""
    return Keyboard((*(tuple(row) for row in rows), (CANCEL.key(),)))


def cancel_row() -> Row:
    """The way out of the checkout under a question that has buttons of its own."""
    return (Choice(_("✖️ Cancel"), Checkout(action=CheckoutAction.cancel)),)


def saved_choices() -> tuple[Row, ...]:
    return (
        (
            Choice(_("✅ Deliver there"), Checkout(action=CheckoutAction.use_saved)),
            Choice(_("✏️ Other details"), Checkout(action=CheckoutAction.new_details)),
        ),
        (Choice(_("✖️ Cancel"), Checkout(action=CheckoutAction.cancel)),),
    )


def province_choices(page: int) -> tuple[Row, ...]:
    pages = page_count(len(PROVINCES), PROVINCES_PER_PAGE)
    page = clamp_page(page, pages)
    start = page * PROVINCES_PER_PAGE
    choices = [
        Choice(name, Checkout(action=CheckoutAction.province, value=index))
        for index, name in enumerate(PROVINCES[start : start + PROVINCES_PER_PAGE], start)
    ]
    paging = page_row(
        page,
        pages,
        lambda n: Checkout(action=CheckoutAction.province_page, value=n),
        forward=_("More ▶️"),
    )
    return (*columns(choices, 2), *rows(paging), cancel_row())


def payment_choices(bank_possible: bool, *, has_note: bool) -> tuple[Row, ...]:
    choices = [Choice("💵 " + _("Cash on delivery"), Checkout(action=CheckoutAction.cash))]
    if bank_possible:
        choices.append(
            Choice("🏦 " + _("Bank transfer (VietQR)"), Checkout(action=CheckoutAction.bank))
        )
    note = _("📝 Change the note") if has_note else _("📝 Add a note for the producer")
    # No Cancel of its own: on Telegram it is under the typing field, and on every channel
    # the review, a tap later, has it.
    return (*columns(choices, 1), (Choice(note, Checkout(action=CheckoutAction.note)),))


def note_choices() -> tuple[Row, ...]:
    return ((Choice(_("⬅️ No note"), Checkout(action=CheckoutAction.no_note)),),)


def review_choices(token: str) -> tuple[Row, ...]:
    return (
        (Choice(_("✅ Confirm order"), Checkout(action=CheckoutAction.confirm, token=token)),),
        (
            Choice(_("✏️ Edit"), Checkout(action=CheckoutAction.edit)),
            Choice(_("✖️ Cancel"), Checkout(action=CheckoutAction.cancel)),
        ),
    )


def phone_key() -> Key:
    return SHARE_PHONE.key(KeyKind.phone)


def location_key() -> Key:
    return SHARE_LOCATION.key(KeyKind.location)
