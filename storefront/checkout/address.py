"""The checkout's address steps: the province (a list, or typed), then the address typed whole
(storefront/checkout/ward.py finds the ward in it among the 2025 units, the rest is the street)
and, when only a ward was typed, the street (typed, or a shared location)."""

from __future__ import annotations

from catalog import addresses
from catalog.addresses import PROVINCES, AddressProblem, InvalidAddress, format_address
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.actions import PickWard
from storefront.card import not_allowed
from storefront.checkout import ward as ward_step
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import answers, cancel_row, location_key, province_choices, step
from storefront.checkout.payment import ask_payment
from storefront.checkout.phone import ask_phone
from storefront.format import esc
from storefront.screens import Screen
from storefront.states import Checkout
from storefront.visit import Visit

# The ward, or a whole address ("8 Tràng Thi, Phường Cửa Nam") with the street in it.
MAX_ADDRESS_LENGTH = addresses.MAX_STREET_LENGTH


def _provinces_screen(page: int = 0) -> Screen:
    text = step(1, _("Where shall we deliver? Choose the province or city, or type it."))
    return Screen(text, province_choices(page))


async def ask_province(visit: Visit, draft: CheckoutDraft, *, in_place: bool = False) -> None:
    """The first question; ``in_place``: it replaces the cart whose Checkout was pressed."""
    await (visit.out.show if in_place else visit.out.send)(_provinces_screen())


async def ask_ward(visit: Visit, draft: CheckoutDraft) -> None:
    await visit.out.send(_ward_question(draft))


def _ward_question(draft: CheckoutDraft, above: str = "") -> Screen:
    text = step(
        2,
        _(
            "The address in {province}: house number and street, then the ward or commune "
            "(phường / xã). For example: 8 Tràng Thi, Phường Cửa Nam. Accents are optional; "
            "an old name from before July 2025 is fine too."
        ),
    ).format(province=esc(draft.province))
    return Screen(above + text, (cancel_row(),))


async def ask_street(visit: Visit, draft: CheckoutDraft) -> None:
    text = (
        "📍 "
        + esc(format_address("", draft.ward, draft.province))
        + "\n"
        + step(
            2,
            _(
                "House number and street, or village (số nhà, ngõ, đường, thôn…). "
                "You can also share your location."
            ),
        )
    )
    await visit.out.send(Screen(text, keyboard=answers([location_key()])))


async def read_part(visit: Visit, typed: str, max_length: int) -> str | None:
    """The typed text, tidied; None when it is empty or too long (the customer is told)."""
    try:
        return addresses.validate_address_part(typed, max_length=max_length)
    except InvalidAddress as err:
        if err.reason == AddressProblem.TOO_LONG:
            problem = _("That is too long: at most {count} characters, please.").format(
                count=err.max_length
            )
        else:
            problem = _("That is empty: please type something.")
        await visit.out.send(Screen(problem))
        return None


async def process_province_text(visit: Visit, typed: str) -> None:
    province = addresses.match_province(typed)
    if province is None:
        await visit.out.send(
            Screen(
                _(
                    "I don't know the province “{text}”. Since July 2025 Vietnam has 34 "
                    "provinces and cities: choose one from the list."
                ).format(text=esc(typed[:60]))
            )
        )
        await visit.out.send(_provinces_screen())
        return
    await ask_ward(visit, await _province_chosen(visit, province))


async def on_province_page(visit: Visit, action: CheckoutPress) -> None:
    await visit.out.answer()
    await visit.out.show(_provinces_screen(action.value))


async def on_province(visit: Visit, action: CheckoutPress) -> None:
    if not 0 <= action.value < len(PROVINCES):
        await visit.out.answer(not_allowed(), alert=True)
        return
    await visit.out.answer()
    province = PROVINCES[action.value]
    draft = await _province_chosen(visit, province)
    # The list pressed becomes the next question: a press costs no new message.
    chosen = _("Province or city: {name}").format(name=esc(province))
    await visit.out.show(_ward_question(draft, above=chosen + "\n\n"))


async def _province_chosen(visit: Visit, province: str) -> CheckoutDraft:
    draft = await change_draft(visit.state, province=province)
    await visit.state.set_state(Checkout.ward)
    ward_step.prepare(province)
    return draft


async def process_ward(visit: Visit, typed: str) -> None:
    """The ward, or the whole address: the part naming a unit is the ward, the rest the street."""
    text = await read_part(visit, typed, MAX_ADDRESS_LENGTH)
    if text is None:
        await ask_ward(visit, await load_draft(visit.state))
    elif await ward_step.offer_wards(visit, text):
        await _ward_chosen(visit)


async def on_ward_button(visit: Visit, action: PickWard) -> None:
    if await ward_step.choose_ward(visit, action):
        await _ward_chosen(visit)


async def _ward_chosen(visit: Visit) -> None:
    draft = await load_draft(visit.state)
    if draft.street:
        await ask_recipient(visit, draft)
    else:
        await visit.state.set_state(Checkout.street)
        await ask_street(visit, draft)


async def process_street(visit: Visit, typed: str) -> None:
    street = await read_part(visit, typed, addresses.MAX_STREET_LENGTH)
    if street is None:
        await ask_street(visit, await load_draft(visit.state))
        return
    await _street_given(visit, street)


async def process_location(visit: Visit, latitude: float, longitude: float) -> None:
    """A shared location: its coordinates stand for the street."""
    await _street_given(
        visit, _("📍 Location {lat:.5f}, {lon:.5f}").format(lat=latitude, lon=longitude)
    )


async def _street_given(visit: Visit, street: str) -> None:
    await ask_recipient(visit, await change_draft(visit.state, street=street))


async def ask_recipient(visit: Visit, draft: CheckoutDraft) -> None:
    """The address is whole: who receives the parcel, and their phone (a checkout begun
    before they were asked last has them already: on to the payment)."""
    if not draft.recipient_last and draft.phone:
        await visit.state.set_state(Checkout.payment)
        await ask_payment(visit, draft)
        return
    await visit.state.set_state(Checkout.phone)
    await ask_phone(visit, draft)
