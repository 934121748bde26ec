"""Shop admins in a private chat: linking producers' groups."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Config
from catalog.services import fulfilment
from catalog.services.fulfilment import LINK_CODE_LIFETIME
from catalog.services.producers import ProducerNotFound
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.access import AdminFilter, actor_of
from handlers.callbacks import LinkProducerCb, ZaloLinkCb
from handlers.format import esc, language, shorten
from handlers.screens import paginate, show_text


async def producers_kb(
    catalog_cache: CatalogCache,
    page: int,
    callback: type[LinkProducerCb] | type[ZaloLinkCb] = LinkProducerCb,
) -> InlineKeyboardMarkup:
    lang = language()
    snapshot = await catalog_cache.get()
    producers = snapshot.producer_list(lang, include_empty=True)
    chunk = paginate(producers, page)
    builder = InlineKeyboardBuilder()
    for producer in chunk.items:
        builder.row(
            InlineKeyboardButton(
                text=shorten(producer.name(lang), 48),
                callback_data=callback(producer_id=producer.id).pack(),
            )
        )
    nav = []
    if chunk.page > 0:
        nav.append(
            InlineKeyboardButton(text="◀️", callback_data=callback(page=chunk.page - 1).pack())
        )
    if chunk.page < chunk.pages - 1:
        nav.append(
            InlineKeyboardButton(text="▶️", callback_data=callback(page=chunk.page + 1).pack())
        )
    builder.row(*nav)
    return builder.as_markup()


async def cmd_linkgroup(
    message: Message, catalog_cache: CatalogCache, uow: UnitOfWork, config: Config
) -> None:
    user = message.from_user
    assert user is not None
    actor = await actor_of(message, uow, config)
    if actor.is_admin:
        await message.answer(
            _("Which producer's group do you want to link?"),
            reply_markup=await producers_kb(catalog_cache, 0),
        )
    elif actor.producer_id is not None:
        # A manager links their own producer's group: no choice to make.
        code = await fulfilment.create_link_code(
            uow, producer_id=actor.producer_id, created_by=user.id
        )
        await message.answer(link_code_text(await catalog_cache.get(), actor.producer_id, code))
    else:
        await not_allowed(message)


async def on_link_producer(
    query: CallbackQuery,
    callback_data: LinkProducerCb,
    uow: UnitOfWork,
    catalog_cache: CatalogCache,
) -> None:
    if not callback_data.producer_id:
        await query.answer()
        await show_text(
            query,
            _("Which producer's group do you want to link?"),
            await producers_kb(catalog_cache, callback_data.page),
        )
        return
    try:
        code = await fulfilment.create_link_code(
            uow, producer_id=callback_data.producer_id, created_by=query.from_user.id
        )
    except ProducerNotFound:
        await query.answer(_("This is no longer available."), show_alert=True)
        return
    await query.answer()
    await show_text(
        query,
        link_code_text(await catalog_cache.get(), callback_data.producer_id, code),
        InlineKeyboardMarkup(inline_keyboard=[]),
    )


def link_code_text(snapshot: CatalogSnapshot, producer_id: int, code: str) -> str:
    producer = snapshot.producers.get(producer_id)
    name = producer.name(language()) if producer else ""
    return _(
        "🔗 Link code for <b>{producer}</b>: <code>{code}</code>\n\n"
        "1. Add this bot to the producer's Telegram group.\n"
        "2. Send this in the group: <code>/link {code}</code>\n\n"
        "The code works once, for {minutes} minutes."
    ).format(producer=esc(name), code=code, minutes=int(LINK_CODE_LIFETIME.total_seconds() // 60))


async def not_allowed(event: Message | CallbackQuery) -> None:
    text = _("That is not allowed.")
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_linkgroup, Command("linkgroup"))
    router.callback_query.register(on_link_producer, LinkProducerCb.filter(), AdminFilter())
    router.callback_query.register(not_allowed, LinkProducerCb.filter())
    return router
