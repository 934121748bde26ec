"""The checkout's address steps: province (a list, or typed), ward (handlers/checkout/ward.py
matches it against the 2025 units) and street (typed, or a shared location)."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, KeyboardButton, Message
from aiogram.utils.i18n import gettext as _

from catalog import addresses
from catalog.addresses import PROVINCES, AddressProblem, InvalidAddress, format_address
from catalog.phone import format_phone_display
from handlers.access import refuse
from handlers.callbacks import CheckoutCb, WardCb
from handlers.checkout import ward as ward_step
from handlers.checkout.draft import CheckoutDraft, change_draft, load_draft
from handlers.checkout.keyboards import SHARE_LOCATION, provinces_kb, reply_kb, step
from handlers.checkout.payment import ask_note
from handlers.format import esc
from handlers.states import Checkout

MAX_WARD_LENGTH = 100


async def ask_province(message: Message, draft: CheckoutDraft) -> None:
    # The number as it will be dialled: what was read out of a pasted text is shown back.
    phone = _("📞 Phone: {phone}").format(phone=format_phone_display(draft.phone))
    # The cancel button stays on the reply keyboard; this question has its own buttons.
    await message.answer(
        phone + "\n" + step(3, _("Province or city? Choose below or type it.")),
        reply_markup=reply_kb(),
    )
    await message.answer(_("Provinces and cities:"), reply_markup=provinces_kb(0))


async def ask_ward(message: Message, draft: CheckoutDraft) -> None:
    await message.answer(
        step(
            4,
            _(
                "Ward or commune (phường / xã) in {province}? Type it as you know it, with or "
                "without accents; an old name from before July 2025 is fine too. "
                "For example: Phường Hoàn Kiếm, Xã Bát Tràng."
            ),
        ).format(province=esc(draft.province)),
        reply_markup=reply_kb(),
    )


async def ask_street(message: Message, draft: CheckoutDraft) -> None:
    await message.answer(
        "📍 "
        + esc(format_address("", draft.ward, draft.province))
        + "\n"
        + step(
            5,
            _(
                "House number and street, or village (số nhà, ngõ, đường, thôn…). "
                "You can also share your location."
            ),
        ),
        reply_markup=reply_kb([KeyboardButton(text=SHARE_LOCATION.text(), request_location=True)]),
    )


async def read_part(message: Message, max_length: int) -> str | None:
    """The typed text, tidied; None when it is empty or too long (the customer is told)."""
    try:
        return addresses.validate_address_part(message.text or "", max_length=max_length)
    except InvalidAddress as err:
        if err.reason == AddressProblem.TOO_LONG:
            problem = _("That is too long: at most {count} characters, please.").format(
                count=err.max_length
            )
        else:
            problem = _("That is empty: please type something.")
        await message.answer(problem)
        return None


async def process_province_text(message: Message, state: FSMContext) -> None:
    province = addresses.match_province(message.text or "")
    if province is None:
        await message.answer(
            _(
                "I don't know the province “{text}”. Since July 2025 Vietnam has 34 provinces "
                "and cities: choose one from the list."
            ).format(text=esc((message.text or "")[:60]))
        )
        await message.answer(_("Provinces and cities:"), reply_markup=provinces_kb(0))
        return
    await _province_chosen(message, state, province)


async def on_province_page(
    query: CallbackQuery, callback_data: CheckoutCb, message: Message
) -> None:
    await query.answer()
    await message.edit_reply_markup(reply_markup=provinces_kb(callback_data.value))


async def on_province(
    query: CallbackQuery, callback_data: CheckoutCb, message: Message, state: FSMContext
) -> None:
    if not 0 <= callback_data.value < len(PROVINCES):
        await refuse(query)
        return
    await query.answer()
    province = PROVINCES[callback_data.value]
    await message.edit_text(_("Province or city: {name}").format(name=esc(province)))
    await _province_chosen(message, state, province)


async def _province_chosen(message: Message, state: FSMContext, province: str) -> None:
    draft = await change_draft(state, province=province)
    await state.set_state(Checkout.ward)
    ward_step.prepare(province)
    await ask_ward(message, draft)


async def process_ward(message: Message, state: FSMContext) -> None:
    typed = await read_part(message, MAX_WARD_LENGTH)
    if typed is None:
        await ask_ward(message, await load_draft(state))
    elif await ward_step.offer_wards(message, state, typed):
        await _ward_chosen(message, state)


async def on_ward_button(
    query: CallbackQuery, callback_data: WardCb, message: Message, state: FSMContext
) -> None:
    if await ward_step.choose_ward(query, callback_data, state, message):
        await _ward_chosen(message, state)


async def _ward_chosen(message: Message, state: FSMContext) -> None:
    await state.set_state(Checkout.street)
    await ask_street(message, await load_draft(state))


async def process_street(message: Message, state: FSMContext) -> None:
    if message.location is not None:
        street = _("📍 Location {lat:.5f}, {lon:.5f}").format(
            lat=message.location.latitude, lon=message.location.longitude
        )
    else:
        typed = await read_part(message, addresses.MAX_STREET_LENGTH)
        if typed is None:
            await ask_street(message, await load_draft(state))
            return
        street = typed
    draft = await change_draft(state, street=street)
    await state.set_state(Checkout.note)
    await ask_note(message, draft)
