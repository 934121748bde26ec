"""/product: adding a product step by step — photo, names, price, unit, stock, OCOP stars and
the day they were granted, category, producer — then a summary to confirm."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import NotAllowed
from catalog.photos import NotAPhoto, fit_in_place
from catalog.services import inventory
from catalog.services.inventory import Actor, InvalidValue, ProductDraft
from catalog.snapshot import CatalogCache
from catalog.text import N_, clean_line
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, not_allowed, refuse
from handlers.callbacks import WizardAction, WizardCb
from handlers.menu import LabelPressed
from handlers.output import main_menu_kb
from handlers.settings import Settings
from handlers.states import AddProduct
from handlers.wizard_answers import DRAFT_FIELDS, answers, begin, drop_answers, save_answers
from handlers.wizard_questions import (
    CANCEL,
    NO_PHOTO,
    ask,
    ask_category,
    ask_next_choice,
    ask_producer,
    ask_stars,
    question,
)
from storefront.format import esc

log = logging.getLogger(__name__)

MAX_NAME = rules.MAX_NAME_LENGTH
MAX_UNIT = rules.MAX_UNIT_LENGTH

_TEXT_STEPS = (
    AddProduct.name_vi,
    AddProduct.name_en,
    AddProduct.price,
    AddProduct.unit_vi,
    AddProduct.unit_en,
    AddProduct.stock,
)

# The steps that take a number: its key, how the shop reads it (None: refused), the refusal.
_NUMBER_STEPS = {
    AddProduct.price: (
        "price",
        rules.read_price,
        N_("A price is a whole number of đồng, like 180000 or 180.000."),
    ),
    AddProduct.stock: (
        "stock",
        rules.read_stock,
        N_("Stock is a whole number, 0 or more, like 25."),
    ),
}


async def cmd_product(message: Message, state: FSMContext, actor: Actor) -> None:
    await begin(state, **({"producer_id": actor.producer_id} if not actor.is_admin else {}))
    await ask(message, state, AddProduct.photo)


async def process_photo(message: Message, state: FSMContext) -> None:
    # Telegram keeps the photo: it is saved only when the product is added.
    await save_answers(state, photo=message.photo[-1].file_id if message.photo else None)
    await ask(message, state, AddProduct.name_vi)


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
        await save_answers(state, **{keys[step]: text})
    else:
        key, read, refusal = _NUMBER_STEPS[step]
        number = read(text)
        if number is None:
            await message.answer(_(refusal))
            return
        await save_answers(state, **{key: number})
    following = _TEXT_STEPS.index(step) + 1
    if following < len(_TEXT_STEPS):
        await ask(message, state, _TEXT_STEPS[following])
        return
    await ask_stars(message, state)


async def on_stars(
    query: CallbackQuery, callback_data: WizardCb, shown: Message, state: FSMContext
) -> None:
    if not rules.stars_allowed(callback_data.value):  # a forged button
        await refuse(query)
        return
    await _close(query, shown)
    await save_answers(state, ocop_stars=callback_data.value)
    await ask(shown, state, AddProduct.ocop_granted)


async def process_stars(message: Message, state: FSMContext) -> None:
    """The stars typed as a digit instead of pressed."""
    await save_answers(state, ocop_stars=int((message.text or "").strip()))
    await ask(message, state, AddProduct.ocop_granted)


async def process_granted(
    message: Message, state: FSMContext, catalog_cache: CatalogCache
) -> None:
    now = rules.shop_now()
    granted = rules.read_grant_date(clean_line(message.text or ""), now)
    if granted is None:
        await message.answer(
            _(
                "Please type the date like 15/03/2024 (day, month, year), or the year alone "
                "like 2024: from 2010 to {year}."
            ).format(year=rules.latest_ocop_year(now))
        )
        return
    await save_answers(state, ocop_granted=granted.isoformat())
    await ask_next_choice(message, state, catalog_cache)


def _shown(query: CallbackQuery) -> dict[str, Message] | bool:
    """Passes the question or summary whose button was pressed on as ``shown``, while
    Telegram still lets the bot edit it."""
    return {"shown": query.message} if isinstance(query.message, Message) else False


async def _close(query: CallbackQuery, shown: Message) -> None:
    await query.answer()
    await shown.edit_reply_markup(reply_markup=None)


async def on_choice(
    query: CallbackQuery,
    callback_data: WizardCb,
    shown: Message,
    state: FSMContext,
    catalog_cache: CatalogCache,
) -> None:
    """A category chosen, then (for an admin) the producer; a manager's is their own."""
    await _close(query, shown)
    if callback_data.action == WizardAction.category:
        await save_answers(state, category_id=callback_data.value)
    else:
        await save_answers(state, producer_id=callback_data.value)
    await ask_next_choice(shown, state, catalog_cache)


async def on_cancel_button(query: CallbackQuery, shown: Message, state: FSMContext) -> None:
    await _close(query, shown)
    await _leave(shown, state, _("Nothing was added."))


async def on_confirm(
    query: CallbackQuery,
    shown: Message,
    state: FSMContext,
    uow: UnitOfWork,
    actor: Actor,
    settings: Settings,
    bot: Bot,
) -> None:
    await _close(query, shown)
    data = await answers(state)
    if not {"ocop_stars", "ocop_granted"} <= data.keys():
        # Begun before the wizard asked for the rating: it asks now, then comes back here.
        await ask_stars(shown, state)
        return
    await _create(shown, state, uow, actor, data, await _save_photo(bot, settings, data))


async def on_expired(query: CallbackQuery) -> None:
    """A button of an earlier step or an earlier wizard."""
    await query.answer(_("This menu has expired. Send /start for a fresh one."), show_alert=True)


async def _save_photo(bot: Bot, settings: Settings, data: dict[str, Any]) -> Path | None:
    """The photo the admin sent, saved below the media folder; None without one."""
    if not data.get("photo"):
        return None
    if "/" in data["photo"]:  # a wizard begun before photos waited for the confirmation
        saved = settings.media_dir / data["photo"]
        return saved if saved.is_file() else None
    target = settings.media_dir / f"products/upload-{secrets.token_hex(6)}.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    await bot.download(data["photo"], destination=target)
    try:
        await asyncio.to_thread(fit_in_place, target)
    except NotAPhoto:
        log.warning("the wizard's photo %s is no picture: the product goes without", target)
        await _drop_photo(target)
        return None
    return target


async def _create(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    actor: Actor,
    data: dict[str, Any],
    photo: Path | None,
) -> None:
    answers = {field: data[field] for field in DRAFT_FIELDS}
    answers["ocop_granted"] = date.fromisoformat(answers["ocop_granted"])
    draft = ProductDraft(**answers, photo=f"products/{photo.name}" if photo else None)
    try:
        sku = await inventory.create_product(uow, actor=actor, draft=draft)
    except (NotAllowed, InvalidValue):
        await _drop_photo(photo)
        await _leave(message, state, not_allowed())
        return
    except BaseException:
        await _drop_photo(photo)  # no product, so no photo, whatever went wrong
        raise
    await _leave(
        message,
        state,
        _("✅ Added <b>{name}</b> with the SKU <code>{sku}</code>. It is on sale now.").format(
            name=esc(draft.name_vi), sku=esc(sku)
        ),
    )


async def _drop_photo(photo: Path | None) -> None:
    if photo is not None:
        await asyncio.to_thread(photo.unlink, missing_ok=True)


async def _leave(message: Message, state: FSMContext, text: str) -> None:
    await drop_answers(state)
    await message.answer(text, reply_markup=main_menu_kb())


async def on_cancel(message: Message, state: FSMContext) -> None:
    await _leave(message, state, _("Nothing was added."))


async def on_unexpected(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    current = await state.get_state()
    if current == AddProduct.photo.state:
        await message.answer(question(current))
        return
    await message.answer(_("Please answer with the buttons below."))
    if current == AddProduct.ocop_stars.state:
        await ask_stars(message, state)
    elif current == AddProduct.category.state:
        await ask_category(message, state, catalog_cache)
    elif current == AddProduct.producer.state:
        await ask_producer(message, state, catalog_cache)
    elif current == AddProduct.confirm.state:
        await ask_next_choice(message, state, catalog_cache)  # the summary, once rated
    else:
        await message.answer(question(current))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_product, Command("product"), Acting())
    router.message.register(refuse, Command("product"))
    router.message.register(on_cancel, LabelPressed(CANCEL))
    router.message.register(process_photo, AddProduct.photo, F.photo)
    router.message.register(process_photo, AddProduct.photo, LabelPressed(NO_PHOTO))
    router.message.register(process_text_step, StateFilter(*_TEXT_STEPS), F.text)
    router.message.register(process_stars, AddProduct.ocop_stars, F.text.regexp(r"^\s*[345]\s*$"))
    router.message.register(process_granted, AddProduct.ocop_granted, F.text)
    router.message.register(on_unexpected, StateFilter(AddProduct))
    steps = (
        (on_stars, WizardAction.stars, AddProduct.ocop_stars),
        (on_choice, WizardAction.category, AddProduct.category),
        (on_choice, WizardAction.producer, AddProduct.producer),
        (on_cancel_button, WizardAction.cancel, AddProduct.confirm),
    )
    for handler, action, step in steps:
        router.callback_query.register(
            handler, WizardCb.filter(F.action == action), StateFilter(step), _shown
        )
    # Whoever confirms is looked up then: they may have lost their role since /product.
    router.callback_query.register(
        on_confirm,
        WizardCb.filter(F.action == WizardAction.confirm),
        StateFilter(AddProduct.confirm),
        _shown,
        Acting(Who.anyone),
    )
    router.callback_query.register(on_expired, WizardCb.filter())
    return router
