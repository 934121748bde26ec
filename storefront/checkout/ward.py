"""The checkout's ward step: what the customer typed, matched against the units of the province.

A current unit named exactly is taken at once. Otherwise the bot offers up to three units of
the province (an old, district-era name shown with the unit that replaced it), points out a
unit of another province, and always offers to keep the text as typed.
"""

from __future__ import annotations

import asyncio

from catalog.addresses import format_address, looks_like_street
from catalog.units import WardChoice, WardMatch, loaded_units, short_name, units
from locales.translation import gettext as _
from storefront.actions import PickWard, WardAction
from storefront.card import not_allowed
from storefront.checkout.draft import change_draft, load_draft, save_draft
from storefront.format import esc, shorten
from storefront.screens import Choice, Row, Screen
from storefront.states import Checkout
from storefront.visit import Visit

BUTTON_TEXT = 60
KEPT_IN_BUTTON = 30


def choice_label(choice: WardChoice, province: str) -> str:
    """A button: "Xã Bát Tràng", "Dịch Vọng → Phường Cầu Giấy", "Phường Bến Thành · <city>"."""
    label = choice.ward
    if choice.old_name and short_name(choice.old_name) != short_name(choice.ward):
        label = f"{short_name(choice.old_name)} → {choice.ward}"
    if choice.province != province:
        label = f"{label} · {choice.province}"
    return shorten(label, BUTTON_TEXT)


def offer_choices(
    offer_id: int, offered: list[WardChoice], typed: str, province: str
) -> tuple[Row, ...]:
    picks = [
        (
            Choice(
                choice_label(choice, province),
                PickWard(action=WardAction.pick, offer=offer_id, index=index),
            ),
        )
        for index, choice in enumerate(offered)
    ]
    keep = Choice(
        _("✍️ Keep “{typed}”").format(typed=shorten(typed, KEPT_IN_BUTTON)),
        PickWard(action=WardAction.keep, offer=offer_id),
    )
    return (*picks, (keep,))


def offer_text(match: WardMatch, typed: str, province: str) -> str:
    paragraphs = []
    if match.choices:
        question = _("Which ward or commune of {province} do you mean?")
        lines = [question.format(province=esc(province))]
        if any(c.old_name and short_name(c.old_name) != short_name(c.ward) for c in match.choices):
            lines.append(
                _(
                    "Old names (before the reform of 1 July 2025) are shown with the unit "
                    "that took them over."
                )
            )
        paragraphs.append("\n".join(lines))
    if match.elsewhere:
        other = match.elsewhere[0]
        paragraphs.append(
            _("“{typed}” is not in {province}: {ward} is in {other}.").format(
                typed=esc(typed),
                province=esc(province),
                ward=esc(other.ward),
                other=esc(other.province),
            )
        )
    if match.district and not match.choices:
        paragraphs.append(
            _(
                "Districts (quận, huyện) no longer exist since 1 July 2025: please type the "
                "ward or commune (phường, xã)."
            )
        )
    if not match.choices and not match.elsewhere:
        paragraphs.append(
            _(
                "I can't find “{typed}” among the {count} wards and communes of {province}. "
                "Check the spelling and type it again (accents are optional)."
            ).format(typed=esc(typed), count=len(units().wards(province)), province=esc(province))
        )
    paragraphs.append(_("Or keep what you typed: the producer will read it as it is."))
    return "\n\n".join(paragraphs)


def prepare(province: str) -> None:
    """Load the units and index the province in a thread while the customer types the ward:
    the first time costs ~0.5 s (once per process), a province ~0.1-0.4 s (once)."""
    table = loaded_units()
    if table is not None and table.is_indexed(province):
        return  # the usual case after the first customers: nothing to do
    asyncio.get_running_loop().run_in_executor(None, lambda: units().prepare(province))


async def offer_wards(visit: Visit, typed: str) -> bool:
    """True when ``typed`` names a unit of the province (now the ward), else ask which one."""
    state = visit.state
    draft = await load_draft(state)
    match = units().match(draft.province, typed)
    # What was typed beside the ward is the street ("8 Tràng Thi, Phường Cửa Nam"), when a
    # courier could find the door by it; otherwise the street is asked next.
    street = ", ".join(match.rest)
    street = street if looks_like_street(street) else ""
    if match.exact is not None:
        await change_draft(
            state, ward=match.exact.ward, street=street, ward_offer=(), ward_typed=None
        )
        return True
    offered = [*match.choices, *match.elsewhere]
    typed = match.part or typed
    draft = await save_draft(
        state,
        draft.replace(
            ward_offer_id=draft.ward_offer_id + 1,
            ward_offer=tuple((choice.ward, choice.province) for choice in offered),
            ward_typed=typed,
            street=street,
        ),
    )
    choices = offer_choices(draft.ward_offer_id, offered, typed, draft.province)
    await visit.out.send(Screen(offer_text(match, typed, draft.province), choices))
    return False


async def choose_ward(visit: Visit, callback_data: PickWard) -> bool:
    """A button of the offer: True when the ward (and perhaps the province) is now set."""
    state = visit.state
    draft = await load_draft(state)
    typed = draft.ward_typed
    current = (
        await state.get_state() == Checkout.ward
        and callback_data.offer == draft.ward_offer_id
        and typed is not None
    )
    if not current:
        await visit.out.answer(
            _("This menu has expired. Send /start for a fresh one."), alert=True
        )
        return False
    assert typed is not None
    if callback_data.action == WardAction.keep:
        ward, province = typed, draft.province
        shown = _("✍️ Kept as typed: {address}")
    elif 0 <= callback_data.index < len(draft.ward_offer):
        ward, province = draft.ward_offer[callback_data.index]
        shown = "✅ {address}"
    else:
        await visit.out.answer(not_allowed(), alert=True)
        return False
    await visit.out.answer()
    await change_draft(state, ward=ward, province=province, ward_offer=(), ward_typed=None)
    await visit.out.close(shown.format(address=esc(format_address("", ward, province))))
    return True
