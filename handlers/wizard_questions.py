"""The product wizard's questions: each step's question and keyboard, and the summary of the
new product to confirm (the steps themselves are in handlers.product_wizard)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog import rules
from catalog.snapshot import CatalogCache
from catalog.text import N_
from handlers.callbacks import WizardAction, WizardCb
from handlers.menu import label_button
from handlers.states import AddProduct
from handlers.wizard_answers import answers
from storefront.format import esc, language, money, rating_lines, stars
from storefront.menu import Label

CANCEL = Label("✖️", N_("Stop adding"))
NO_PHOTO = Label("⏭", N_("No photo"))


def _kb(*extra: KeyboardButton) -> ReplyKeyboardMarkup:
    rows = [[button] for button in extra]
    return ReplyKeyboardMarkup(keyboard=[*rows, [label_button(CANCEL)]], resize_keyboard=True)


def question(state: str | None) -> str:
    questions = {
        AddProduct.photo.state: _("📷 Send a photo of the product (or press “No photo”)."),
        AddProduct.name_vi.state: _("The product's name in Vietnamese?"),
        AddProduct.name_en.state: _("The product's name in English?"),
        AddProduct.price.state: _("The price in đồng, for one unit? For example: 180000"),
        AddProduct.unit_vi.state: _("The unit in Vietnamese? For example: hộp 20 túi lọc"),
        AddProduct.unit_en.state: _("The unit in English? For example: box of 20 tea bags"),
        AddProduct.stock.state: _("How many are in stock?"),
        AddProduct.ocop_stars.state: _(
            "⭐ How many OCOP stars does the product have? Choose what its certificate says."
        ),
        AddProduct.ocop_granted.state: _(
            "📅 When was its OCOP certificate granted? Type the date on the certificate, "
            "like 15/03/2024 (day, month, year). Only know the year? Type it, like 2024. "
            "A certificate is valid for 36 months from that day."
        ),
    }
    return questions.get(state or "", "")


async def ask(message: Message, state: FSMContext, step: Any) -> None:
    await state.set_state(step)
    extra = [label_button(NO_PHOTO)] if step == AddProduct.photo else []
    await message.answer(question(step.state), reply_markup=_kb(*extra))


async def ask_stars(message: Message, state: FSMContext) -> None:
    await state.set_state(AddProduct.ocop_stars)
    builder = InlineKeyboardBuilder()
    for count in range(rules.MIN_OCOP_STARS, rules.MAX_OCOP_STARS + 1):
        builder.button(
            text=f"{stars(count)} {count}",
            callback_data=WizardCb(action=WizardAction.stars, value=count),
        )
    builder.adjust(1)
    await message.answer(question(AddProduct.ocop_stars.state), reply_markup=builder.as_markup())


async def ask_category(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    await state.set_state(AddProduct.category)
    lang = language()
    builder = InlineKeyboardBuilder()
    for category in (await catalog_cache.get()).categories.values():
        builder.button(
            text=category.name(lang),
            callback_data=WizardCb(action=WizardAction.category, value=category.id),
        )
    builder.adjust(1)
    await message.answer(_("Which category?"), reply_markup=builder.as_markup())


async def ask_producer(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    await state.set_state(AddProduct.producer)
    lang = language()
    builder = InlineKeyboardBuilder()
    for producer in (await catalog_cache.get()).producer_list(lang, include_empty=True):
        builder.button(
            text=producer.name(lang),
            callback_data=WizardCb(action=WizardAction.producer, value=producer.id),
        )
    builder.adjust(1)
    await message.answer(_("Which producer makes it?"), reply_markup=builder.as_markup())


async def ask_next_choice(
    message: Message, state: FSMContext, catalog_cache: CatalogCache
) -> None:
    """The first question still unanswered after the typed steps, or the summary."""
    data = await answers(state)
    if not {"ocop_stars", "ocop_granted"} <= data.keys():
        # A wizard begun before it asked for the rating (the stars lead on to the day).
        await ask_stars(message, state)
    elif "category_id" not in data:
        await ask_category(message, state, catalog_cache)
    elif not data.get("producer_id"):
        await ask_producer(message, state, catalog_cache)
    else:
        await ask_confirm(message, state, catalog_cache)


def _summary(
    data: dict[str, Any], category: str, producer: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("🆕 <b>New product</b>"),
        f"🇻🇳 {esc(data['name_vi'])}",
        f"🇬🇧 {esc(data['name_en'])}",
        f"💰 {money(data['price'])} / {esc(data['unit_vi'])} ({esc(data['unit_en'])})",
        _("📦 Stock: {count}").format(count=data["stock"]),
        *rating_lines(
            data["ocop_stars"], date.fromisoformat(data["ocop_granted"]), rules.shop_now().date()
        ),
        f"🗂 {esc(category)}",
        f"🏡 {esc(producer)}",
        _("📷 Photo: {answer}").format(answer=_("yes") if data.get("photo") else _("no")),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Add it"), callback_data=WizardCb(action=WizardAction.confirm))
    builder.button(text=_("✖️ Cancel"), callback_data=WizardCb(action=WizardAction.cancel))
    return "\n".join(lines), builder.as_markup()


async def ask_confirm(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    await state.set_state(AddProduct.confirm)
    data = await answers(state)
    snapshot = await catalog_cache.get()
    lang = language()
    category = snapshot.categories.get(data["category_id"])
    producer = snapshot.producers.get(data["producer_id"])
    text, keyboard = _summary(
        data, category.name(lang) if category else "?", producer.name(lang) if producer else "?"
    )
    await message.answer(text, reply_markup=keyboard)
