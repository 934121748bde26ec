"""The checkout's address steps: province (a list, or typed), ward (storefront/checkout/ward.py
matches it against the 2025 units) and street (typed, or a shared location)."""

from __future__ import annotations

from catalog import addresses
from catalog.addresses import PROVINCES, AddressProblem, InvalidAddress, format_address
from catalog.phone import format_phone_display
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.actions import PickWard
from storefront.card import not_allowed
from storefront.checkout import ward as ward_step
from storefront.checkout.draft import CheckoutDraft, change_draft, load_draft
from storefront.checkout.keys import answers, location_key, province_choices, step
from storefront.checkout.payment import ask_note
from storefront.format import esc
from storefront.screens import Screen
from storefront.states import Checkout
from storefront.visit import Visit

MAX_WARD_LENGTH = 100


def _provinces_screen(page: int = 0) -> Screen:
    return Screen(_("Provinces and cities:"), province_choices(page))


async def ask_province(visit: Visit, draft: CheckoutDraft) -> None:
    # The number as it will be dialled: what was read out of a pasted text is shown back.
    phone = _("📞 Phone: {phone}").format(phone=format_phone_display(draft.phone))
    # The cancel button stays under the typing field; this question has its own buttons.
    text = phone + "\n" + step(3, _("Province or city? Choose below or type it."))
    await visit.out.send(Screen(text, keyboard=answers()))
    await visit.out.send(_provinces_screen())


async def ask_ward(visit: Visit, draft: CheckoutDraft) -> None:
    await visit.out.send(_ward_question(draft))


def _ward_question(draft: CheckoutDraft, above: str = "") -> Screen:
    text = step(
        4,
        _(
            "Ward or commune (phường / xã) in {province}? Type it as you know it, with or "
            "without accents; an old name from before July 2025 is fine too. "
            "For example: Phường Hoàn Kiếm, Xã Bát Tràng."
        ),
    ).format(province=esc(draft.province))
    return Screen(above + text, keyboard=answers())


async def ask_street(visit: Visit, draft: CheckoutDraft) -> None:
    text = (
        "📍 "
        + esc(format_address("", draft.ward, draft.province))
        + "\n"
        + step(
            5,
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
    # The list pressed becomes the next question (the keyboard under the typing field is
    # already this step's): a press costs no new message.
    chosen = _("Province or city: {name}").format(name=esc(province))
    await visit.out.show(_ward_question(draft, above=chosen + "\n\n"))


async def _province_chosen(visit: Visit, province: str) -> CheckoutDraft:
    draft = await change_draft(visit.state, province=province)
    await visit.state.set_state(Checkout.ward)
    ward_step.prepare(province)
    return draft


async def process_ward(visit: Visit, typed: str) -> None:
    text = await read_part(visit, typed, MAX_WARD_LENGTH)
    if text is None:
        await ask_ward(visit, await load_draft(visit.state))
    elif await ward_step.offer_wards(visit, text):
        await _ward_chosen(visit)


async def on_ward_button(visit: Visit, action: PickWard) -> None:
    if await ward_step.choose_ward(visit, action):
        await _ward_chosen(visit)


async def _ward_chosen(visit: Visit) -> None:
    await visit.state.set_state(Checkout.street)
    await ask_street(visit, await load_draft(visit.state))


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
    draft = await change_draft(visit.state, street=street)
    await visit.state.set_state(Checkout.note)
    await ask_note(visit, draft)
