"""Admins and producer managers in a private chat: linking producers' groups with a
single-use code (the same steps give the codes that link staff on Zalo, handlers.zalo_staff)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.paging import paginate
from catalog.services import fulfilment
from catalog.services.fulfilment import LINK_CODE_LIFETIME
from catalog.services.inventory import Actor
from catalog.services.producers import ProducerNotFound
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, refuse
from handlers.callbacks import LinkProducerCb, ZaloLinkCb
from handlers.screens import page_row, show_text
from storefront.format import esc, language, shorten


async def producers_kb(
    catalog_cache: CatalogCache,
    page: int,
    callback: Callable[..., CallbackData] = LinkProducerCb,
) -> InlineKeyboardMarkup:
    """Every producer as a button (``callback(producer_id=…)``), a page at a time."""
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
    builder.row(*page_row(chunk.page, chunk.pages, callback))
    return builder.as_markup()


@dataclass(frozen=True)
class CodeSteps:
    """Giving a single-use link code: an admin first picks the producer from a list, a
    manager gets their own producer's code straight away."""

    question: Callable[[], str]
    callback: type[LinkProducerCb] | type[ZaloLinkCb]
    # (unit of work, producer id, created by) -> the code
    create: Callable[[UnitOfWork, int, int], Awaitable[str]]
    text: Callable[[CatalogSnapshot, int, str], str]

    async def start(
        self, message: Message, actor: Actor, uow: UnitOfWork, catalog_cache: CatalogCache
    ) -> None:
        if actor.is_admin:
            keyboard = await producers_kb(catalog_cache, 0, self.callback)
            await message.answer(self.question(), reply_markup=keyboard)
            return
        assert actor.producer_id is not None
        assert actor.user_id is not None
        code = await self.create(uow, actor.producer_id, actor.user_id)
        await message.answer(self.text(await catalog_cache.get(), actor.producer_id, code))

    async def on_producer(
        self,
        query: CallbackQuery,
        callback_data: LinkProducerCb | ZaloLinkCb,
        uow: UnitOfWork,
        catalog_cache: CatalogCache,
    ) -> None:
        """A producer chosen from the list (or another page of it)."""
        if not callback_data.producer_id:
            await query.answer()
            keyboard = await producers_kb(catalog_cache, callback_data.page, self.callback)
            await show_text(query, self.question(), keyboard)
            return
        try:
            code = await self.create(uow, callback_data.producer_id, query.from_user.id)
        except ProducerNotFound:
            await query.answer(_("This is no longer available."), show_alert=True)
            return
        await query.answer()
        snapshot = await catalog_cache.get()
        text = self.text(snapshot, callback_data.producer_id, code)
        await show_text(query, text, InlineKeyboardMarkup(inline_keyboard=[]))


def code_text(
    snapshot: CatalogSnapshot, producer_id: int, code: str, *, zalo: bool = False
) -> str:
    """The code and what to do with it: send it in the producer's Telegram group, or (for
    Zalo) to the shop's Zalo bot."""
    if zalo:
        text = _(
            "🔗 Zalo link code for <b>{producer}</b>: <code>{code}</code>\n\n"
            "The staff member opens a chat with the shop's Zalo bot and sends it this code. "
            "From then on the producer's orders reach them on Zalo, where they answer with "
            "text commands (nhan DH00012, giao, xong, huy).\n\n"
            "The code works once, for {minutes} minutes."
        )
    else:
        text = _(
            "🔗 Link code for <b>{producer}</b>: <code>{code}</code>\n\n"
            "1. Add this bot to the producer's Telegram group.\n"
            "2. Send this in the group: <code>/link {code}</code>\n\n"
            "The code works once, for {minutes} minutes."
        )
    producer = snapshot.producers.get(producer_id)
    return text.format(
        producer=esc(producer.name(language()) if producer else ""),
        code=code,
        minutes=int(LINK_CODE_LIFETIME.total_seconds() // 60),
    )


async def _create_link_code(uow: UnitOfWork, producer_id: int, created_by: int) -> str:
    return await fulfilment.create_link_code(uow, producer_id=producer_id, created_by=created_by)


GROUP_CODE = CodeSteps(
    question=lambda: _("Which producer's group do you want to link?"),
    callback=LinkProducerCb,
    create=_create_link_code,
    text=code_text,
)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(GROUP_CODE.start, Command("linkgroup"), Acting())
    router.message.register(refuse, Command("linkgroup"))
    router.callback_query.register(
        GROUP_CODE.on_producer, LinkProducerCb.filter(), Acting(Who.admins)
    )
    router.callback_query.register(refuse, LinkProducerCb.filter())
    return router
