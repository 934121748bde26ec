"""The checkout's first steps: the saved details offered again, the recipient, the phone."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, KeyboardButton, Message
from aiogram.utils.i18n import gettext as _

from catalog.phone import (
    InvalidPhone,
    PhoneProblem,
    find_phone,
    format_phone_display,
    normalize_phone,
)
from handlers.checkout.address import ask_province, read_part
from handlers.checkout.draft import CheckoutDraft, change_draft, load_draft
from handlers.checkout.keyboards import SHARE_PHONE, reply_kb, saved_kb, step
from handlers.checkout.payment import ask_note
from handlers.format import delivery_text, esc
from handlers.states import Checkout

MAX_NAME_LENGTH = 100


async def ask_saved(message: Message, draft: CheckoutDraft) -> None:
    await message.answer(
        _("Deliver to the same place as last time?") + "\n\n" + delivery_text(draft.details()),
        reply_markup=saved_kb(),
    )


async def ask_name(message: Message, draft: CheckoutDraft) -> None:
    suggestions = [KeyboardButton(text=draft.recipient_name)] if draft.recipient_name else []
    await message.answer(
        step(1, _("Who receives the parcel? Type the recipient's full name.")),
        reply_markup=reply_kb(suggestions),
    )


async def ask_phone(message: Message, draft: CheckoutDraft) -> None:
    rows = [[KeyboardButton(text=SHARE_PHONE.text(), request_contact=True)]]
    if draft.phone:
        rows.append([KeyboardButton(text=format_phone_display(draft.phone))])
    await message.answer(
        step(
            2,
            _(
                "A phone number for the delivery: press the button to share yours, "
                "or type one (for example 0912 345 678)."
            ),
        ),
        reply_markup=reply_kb(*rows),
    )


async def on_use_saved(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await state.set_state(Checkout.note)
    await ask_note(message, await load_draft(state))


async def on_new_details(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    """ "Other details" under the saved ones, or "Edit" under the review: from the top."""
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await state.set_state(Checkout.name)
    await ask_name(message, await load_draft(state))


async def process_name(message: Message, state: FSMContext) -> None:
    name = await read_part(message, MAX_NAME_LENGTH)
    if name is None:
        await ask_name(message, await load_draft(state))
        return
    draft = await change_draft(state, recipient_name=name)
    await state.set_state(Checkout.phone)
    await ask_phone(message, draft)


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


async def process_phone(message: Message, state: FSMContext) -> None:
    raw = message.contact.phone_number if message.contact else (message.text or "")
    try:
        phone = normalize_phone(raw) if message.contact else find_phone(raw)
    except InvalidPhone as err:
        await message.answer(_phone_problem(err))
        await ask_phone(message, await load_draft(state))
        return
    draft = await change_draft(state, phone=phone)
    await state.set_state(Checkout.province)
    await ask_province(message, draft)
