"""The checkout's buttons: the reply keyboard under each question and the inline choices."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.addresses import PROVINCES
from catalog.paging import clamp_page, page_count
from catalog.text import N_
from handlers.callbacks import CheckoutAction, CheckoutCb
from handlers.menu import Label
from handlers.screens import page_row

PROVINCES_PER_PAGE = 12
STEPS = 7

CANCEL = Label("✖️", N_("Cancel checkout"))
SKIP_NOTE = Label("⏭", N_("No note"))
SHARE_PHONE = Label("📱", N_("Share my phone number"))
SHARE_LOCATION = Label("📍", N_("Share my location"))


def step(number: int, text: str) -> str:
    return _("Step {step} of {steps}").format(step=number, steps=STEPS) + " · " + text


def reply_kb(*rows: list[KeyboardButton]) -> ReplyKeyboardMarkup:
    """The question's own buttons, and under them the way out of the checkout."""
    return ReplyKeyboardMarkup(
        keyboard=[*rows, [CANCEL.button()]], resize_keyboard=True, one_time_keyboard=False
    )


def saved_kb() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Deliver there"), callback_data=CheckoutCb(action=CheckoutAction.use_saved)
    )
    builder.button(
        text=_("✏️ Other details"), callback_data=CheckoutCb(action=CheckoutAction.new_details)
    )
    builder.button(text=_("✖️ Cancel"), callback_data=CheckoutCb(action=CheckoutAction.cancel))
    builder.adjust(2, 1)
    return builder.as_markup()


def provinces_kb(page: int) -> InlineKeyboardMarkup:
    pages = page_count(len(PROVINCES), PROVINCES_PER_PAGE)
    page = clamp_page(page, pages)
    builder = InlineKeyboardBuilder()
    start = page * PROVINCES_PER_PAGE
    for index, name in enumerate(PROVINCES[start : start + PROVINCES_PER_PAGE], start):
        builder.button(
            text=name, callback_data=CheckoutCb(action=CheckoutAction.province, value=index)
        )
    builder.adjust(2)
    builder.row(*page_row(page, pages, _province_page, forward=_("More ▶️")))
    return builder.as_markup()


def _province_page(*, page: int) -> CheckoutCb:
    return CheckoutCb(action=CheckoutAction.province_page, value=page)


def payment_kb(bank_possible: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="💵 " + _("Cash on delivery"), callback_data=CheckoutCb(action=CheckoutAction.cash)
    )
    if bank_possible:
        builder.button(
            text="🏦 " + _("Bank transfer (VietQR)"),
            callback_data=CheckoutCb(action=CheckoutAction.bank),
        )
    builder.adjust(1)
    return builder.as_markup()


def review_kb(token: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Confirm order"),
        callback_data=CheckoutCb(action=CheckoutAction.confirm, token=token),
    )
    builder.button(text=_("✏️ Edit"), callback_data=CheckoutCb(action=CheckoutAction.edit))
    builder.button(text=_("✖️ Cancel"), callback_data=CheckoutCb(action=CheckoutAction.cancel))
    builder.adjust(1, 2)
    return builder.as_markup()
