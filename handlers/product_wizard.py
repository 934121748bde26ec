"""/product: adding a product step by step — photo, names, price, unit, stock, category,
producer — then a summary to confirm."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.errors import NotAllowed
from catalog.money import parse_vnd
from catalog.services import inventory
from catalog.services.inventory import MAX_PRICE, MAX_STOCK, Actor, InvalidValue, ProductDraft
from catalog.snapshot import CatalogCache
from catalog.text import N_, clean_line
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, not_allowed, refuse
from handlers.callbacks import WizardAction, WizardCb
from handlers.format import esc, language, money
from handlers.menu import Label, LabelPressed, main_menu_kb
from handlers.settings import Settings
from handlers.states import AddProduct

CANCEL = Label("✖️", N_("Stop adding"))
NO_PHOTO = Label("⏭", N_("No photo"))
MAX_NAME = 200
MAX_UNIT = 50

_TEXT_STEPS = (
    AddProduct.name_vi,
    AddProduct.name_en,
    AddProduct.price,
    AddProduct.unit_vi,
    AddProduct.unit_en,
    AddProduct.stock,
)


def _kb(*extra: KeyboardButton) -> ReplyKeyboardMarkup:
    rows = [[button] for button in extra]
    return ReplyKeyboardMarkup(keyboard=[*rows, [CANCEL.button()]], resize_keyboard=True)


def _question(state: str | None) -> str:
    questions = {
        AddProduct.photo.state: _("📷 Send a photo of the product (or press “No photo”)."),
        AddProduct.name_vi.state: _("The product's name in Vietnamese?"),
        AddProduct.name_en.state: _("The product's name in English?"),
        AddProduct.price.state: _("The price in đồng, for one unit? For example: 180000"),
        AddProduct.unit_vi.state: _("The unit in Vietnamese? For example: hộp 20 túi lọc"),
        AddProduct.unit_en.state: _("The unit in English? For example: box of 20 tea bags"),
        AddProduct.stock.state: _("How many are in stock?"),
    }
    return questions.get(state or "", "")


async def _ask(message: Message, state: FSMContext, step: Any) -> None:
    await state.set_state(step)
    extra = [NO_PHOTO.button()] if step == AddProduct.photo else []
    await message.answer(_question(step.state), reply_markup=_kb(*extra))


async def cmd_product(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.set_data({"producer_id": actor.producer_id} if not actor.is_admin else {})
    await _ask(message, state, AddProduct.photo)


async def process_photo(message: Message, state: FSMContext) -> None:
    # Telegram keeps the photo: it is saved only when the product is added.
    await state.update_data(photo=message.photo[-1].file_id if message.photo else None)
    await _ask(message, state, AddProduct.name_vi)


async def process_text_step(
    message: Message, state: FSMContext, catalog_cache: CatalogCache
) -> None:
    current = await state.get_state()
    text = clean_line(message.text or "")
    step = {s.state: s for s in _TEXT_STEPS}[current or ""]
    if step in (AddProduct.name_vi, AddProduct.name_en, AddProduct.unit_vi, AddProduct.unit_en):
        limit = MAX_NAME if step in (AddProduct.name_vi, AddProduct.name_en) else MAX_UNIT
        if not text or len(text) > limit:
            await message.answer(_("Please type 1 to {count} characters.").format(count=limit))
            return
        keys = {
            AddProduct.name_vi: "name_vi",
            AddProduct.name_en: "name_en",
            AddProduct.unit_vi: "unit_vi",
            AddProduct.unit_en: "unit_en",
        }
        await state.update_data({keys[step]: text})
    elif step == AddProduct.price:
        price = parse_vnd(text)
        if price is None or not 0 < price <= MAX_PRICE:
            await message.answer(_("A price is a whole number of đồng, like 180000 or 180.000."))
            return
        await state.update_data(price=price)
    elif step == AddProduct.stock:
        if not text.isdigit() or int(text) > MAX_STOCK:
            await message.answer(_("Stock is a whole number, 0 or more, like 25."))
            return
        await state.update_data(stock=int(text))
    following = _TEXT_STEPS.index(step) + 1
    if following < len(_TEXT_STEPS):
        await _ask(message, state, _TEXT_STEPS[following])
        return
    await _ask_category(message, state, catalog_cache)


async def _ask_category(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
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


async def _ask_producer(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
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


def _summary(
    data: dict[str, Any], category: str, producer: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("🆕 <b>New product</b>"),
        f"🇻🇳 {esc(data['name_vi'])}",
        f"🇬🇧 {esc(data['name_en'])}",
        f"💰 {money(data['price'])} / {esc(data['unit_vi'])} ({esc(data['unit_en'])})",
        _("📦 Stock: {count}").format(count=data["stock"]),
        f"🗂 {esc(category)}",
        f"🏡 {esc(producer)}",
        _("📷 Photo: {answer}").format(answer=_("yes") if data.get("photo") else _("no")),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Add it"), callback_data=WizardCb(action=WizardAction.confirm))
    builder.button(text=_("✖️ Cancel"), callback_data=WizardCb(action=WizardAction.cancel))
    return "\n".join(lines), builder.as_markup()


async def _ask_confirm(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    await state.set_state(AddProduct.confirm)
    data = await state.get_data()
    snapshot = await catalog_cache.get()
    lang = language()
    category = snapshot.categories.get(data["category_id"])
    producer = snapshot.producers.get(data["producer_id"])
    text, keyboard = _summary(
        data, category.name(lang) if category else "?", producer.name(lang) if producer else "?"
    )
    await message.answer(text, reply_markup=keyboard)


async def _pressed(
    query: CallbackQuery, callback_data: WizardCb, state: FSMContext
) -> Message | None:
    """The summary or question whose button was pressed, its buttons gone; None (the press
    answered) when it belongs to an earlier step or an earlier wizard."""
    message = query.message
    current = await state.get_state()
    expected = {
        WizardAction.category: AddProduct.category.state,
        WizardAction.producer: AddProduct.producer.state,
        WizardAction.confirm: AddProduct.confirm.state,
        WizardAction.cancel: AddProduct.confirm.state,
    }[callback_data.action]
    if message is None or isinstance(message, InaccessibleMessage) or current != expected:
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
        )
        return None
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    return message


async def on_wizard_button(
    query: CallbackQuery,
    callback_data: WizardCb,
    state: FSMContext,
    catalog_cache: CatalogCache,
) -> None:
    message = await _pressed(query, callback_data, state)
    if message is None:
        return
    data = await state.get_data()
    if callback_data.action == WizardAction.category:
        await state.update_data(category_id=callback_data.value)
        if data.get("producer_id"):
            await _ask_confirm(message, state, catalog_cache)
        else:
            await _ask_producer(message, state, catalog_cache)
    elif callback_data.action == WizardAction.producer:
        await state.update_data(producer_id=callback_data.value)
        await _ask_confirm(message, state, catalog_cache)
    else:
        await _leave(message, state, _("Nothing was added."))


async def on_wizard_confirm(
    query: CallbackQuery,
    callback_data: WizardCb,
    state: FSMContext,
    uow: UnitOfWork,
    actor: Actor,
    settings: Settings,
    bot: Bot,
) -> None:
    message = await _pressed(query, callback_data, state)
    if message is None:
        return
    data = await state.get_data()
    await _create(message, state, uow, actor, data, await _save_photo(bot, settings, data))


async def _save_photo(bot: Bot, settings: Settings, data: dict[str, Any]) -> Path | None:
    """The photo the admin sent, saved below the media folder; None without one."""
    if not data.get("photo"):
        return None
    target = settings.media_dir / f"products/upload-{secrets.token_hex(6)}.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    await bot.download(data["photo"], destination=target)
    return target


async def _create(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    actor: Actor,
    data: dict[str, Any],
    photo: Path | None,
) -> None:
    draft = ProductDraft(
        name_vi=data["name_vi"],
        name_en=data["name_en"],
        price=data["price"],
        unit_vi=data["unit_vi"],
        unit_en=data["unit_en"],
        stock=data["stock"],
        category_id=data["category_id"],
        producer_id=data["producer_id"],
        photo=f"products/{photo.name}" if photo else None,
    )
    try:
        sku = await inventory.create_product(uow, actor=actor, draft=draft)
    except (NotAllowed, InvalidValue):
        if photo is not None:
            await asyncio.to_thread(photo.unlink, missing_ok=True)
        await _leave(message, state, not_allowed())
        return
    await _leave(
        message,
        state,
        _("✅ Added <b>{name}</b> with the SKU <code>{sku}</code>. It is on sale now.").format(
            name=esc(draft.name_vi), sku=esc(sku)
        ),
    )


async def _leave(message: Message, state: FSMContext, text: str) -> None:
    await state.set_state(None)
    await state.set_data({})
    await message.answer(text, reply_markup=main_menu_kb())


async def on_cancel(message: Message, state: FSMContext) -> None:
    await _leave(message, state, _("Nothing was added."))


async def on_unexpected(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    current = await state.get_state()
    if current == AddProduct.photo.state:
        await message.answer(_question(current))
        return
    await message.answer(_("Please answer with the buttons below."))
    if current == AddProduct.category.state:
        await _ask_category(message, state, catalog_cache)
    elif current == AddProduct.producer.state:
        await _ask_producer(message, state, catalog_cache)
    elif current == AddProduct.confirm.state:
        await _ask_confirm(message, state, catalog_cache)
    else:
        await message.answer(_question(current))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_product, Command("product"), Acting())
    router.message.register(refuse, Command("product"))
    router.message.register(on_cancel, LabelPressed(CANCEL))
    router.message.register(process_photo, AddProduct.photo, F.photo)
    router.message.register(process_photo, AddProduct.photo, LabelPressed(NO_PHOTO))
    router.message.register(process_text_step, StateFilter(*_TEXT_STEPS), F.text)
    router.message.register(on_unexpected, StateFilter(AddProduct))
    # Whoever confirms is looked up then: they may have lost their role since /product.
    router.callback_query.register(
        on_wizard_confirm, WizardCb.filter(F.action == WizardAction.confirm), Acting(Who.anyone)
    )
    router.callback_query.register(on_wizard_button, WizardCb.filter())
    return router
