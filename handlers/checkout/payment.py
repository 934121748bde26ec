"""The checkout's last questions: a note for the producer, and how the customer pays."""

from __future__ import annotations

import secrets

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from catalog.models import PaymentMethod
from catalog.uow import UnitOfWork
from handlers.access import refuse
from handlers.callbacks import CheckoutAction, CheckoutCb
from handlers.checkout.draft import CheckoutDraft, change_draft, load_draft
from handlers.checkout.keyboards import SKIP_NOTE, payment_kb, reply_kb, step
from handlers.checkout.review import ask_review
from handlers.format import esc, payment_label
from handlers.menu import LabelPressed
from handlers.states import Checkout

MAX_NOTE_LENGTH = 500


async def ask_note(message: Message, draft: CheckoutDraft) -> None:
    await message.answer(
        step(
            6,
            _(
                "A note for the producer? (a delivery time, a gift message…) "
                "Type it, or press “No note”."
            ),
        ),
        reply_markup=reply_kb([SKIP_NOTE.button()]),
    )


async def ask_payment(message: Message, draft: CheckoutDraft) -> None:
    await message.answer(step(7, _("How will you pay?")), reply_markup=payment_kb(draft.bank_ok))


async def process_note(message: Message, state: FSMContext) -> None:
    note = "" if await LabelPressed(SKIP_NOTE)(message) else (message.text or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        await message.answer(
            _("That is too long: at most {count} characters, please.").format(
                count=MAX_NOTE_LENGTH
            )
        )
        return
    draft = await change_draft(state, note=note)
    await state.set_state(Checkout.payment)
    # The payment and the review take inline buttons: "No note" must not stay on screen.
    ack = _("📝 Note: {note}").format(note=esc(note)) if note else _("📝 No note.")
    await message.answer(ack, reply_markup=ReplyKeyboardRemove())
    await ask_payment(message, draft)


async def on_payment(
    query: CallbackQuery,
    callback_data: CheckoutCb,
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
) -> None:
    draft = await load_draft(state)
    bank = callback_data.action == CheckoutAction.bank
    if bank and not draft.bank_ok:
        await refuse(query)
        return
    await query.answer()
    method = PaymentMethod.bank_transfer if bank else PaymentMethod.cod
    await message.edit_text(f"💳 {payment_label(method)}")
    await state.set_state(Checkout.review)
    await ask_review(
        message, state, draft.replace(payment=method, token=secrets.token_hex(8)), uow
    )
