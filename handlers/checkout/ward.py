"""The checkout's ward step: what the customer typed, matched against the units of the province.

A current unit named exactly is taken at once. Otherwise the bot offers up to three units of
the province (an old, district-era name shown with the unit that replaced it), points out a
unit of another province, and always offers to keep the text as typed.
"""

from __future__ import annotations

import asyncio

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.addresses import format_address
from catalog.units import WardChoice, WardMatch, loaded_units, short_name, units
from handlers.access import refuse
from handlers.callbacks import WardAction, WardCb
from handlers.checkout.draft import change_draft, load_draft, save_draft
from handlers.format import esc, shorten
from handlers.states import Checkout

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


def offer_kb(
    offer_id: int, offered: list[WardChoice], typed: str, province: str
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, choice in enumerate(offered):
        builder.button(
            text=choice_label(choice, province),
            callback_data=WardCb(action=WardAction.pick, offer=offer_id, index=index),
        )
    builder.button(
        text=_("✍️ Keep “{typed}”").format(typed=shorten(typed, KEPT_IN_BUTTON)),
        callback_data=WardCb(action=WardAction.keep, offer=offer_id),
    )
    builder.adjust(1)
    return builder.as_markup()


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


async def offer_wards(message: Message, state: FSMContext, typed: str) -> bool:
    """True when ``typed`` names a unit of the province (now the ward), else ask which one."""
    draft = await load_draft(state)
    match = units().match(draft.province, typed)
    if match.exact is not None:
        await change_draft(state, ward=match.exact.ward, ward_offer=(), ward_typed=None)
        return True
    offered = [*match.choices, *match.elsewhere]
    draft = await save_draft(
        state,
        draft.replace(
            ward_offer_id=draft.ward_offer_id + 1,
            ward_offer=tuple((choice.ward, choice.province) for choice in offered),
            ward_typed=typed,
        ),
    )
    await message.answer(
        offer_text(match, typed, draft.province),
        reply_markup=offer_kb(draft.ward_offer_id, offered, typed, draft.province),
    )
    return False


async def choose_ward(
    query: CallbackQuery, callback_data: WardCb, state: FSMContext, message: Message
) -> bool:
    """A button of the offer: True when the ward (and perhaps the province) is now set."""
    draft = await load_draft(state)
    typed = draft.ward_typed
    current = (
        await state.get_state() == Checkout.ward.state
        and callback_data.offer == draft.ward_offer_id
        and typed is not None
    )
    if not current:
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
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
        await refuse(query)
        return False
    await query.answer()
    await change_draft(state, ward=ward, province=province, ward_offer=(), ward_typed=None)
    await message.edit_text(shown.format(address=esc(format_address("", ward, province))))
    return True
