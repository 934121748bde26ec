"""Admins and producer managers in a private chat: linking producers' staff on Zalo.

``/linkzalo`` gives a single-use code the staff member sends to the shop's Zalo bot;
``/zalostaff`` lists who is linked; ``/unlinkzalo ID`` releases someone.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Config
from catalog.services import zalo_staff
from catalog.services.fulfilment import LINK_CODE_LIFETIME
from catalog.services.inventory import Actor
from catalog.services.producers import ProducerNotFound
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.access import AdminFilter, actor_of
from handlers.admin import not_allowed, producers_kb
from handlers.callbacks import ZaloLinkCb
from handlers.format import esc, language
from handlers.screens import show_text


def zalo_code_text(snapshot: CatalogSnapshot, producer_id: int, code: str) -> str:
    producer = snapshot.producers.get(producer_id)
    name = producer.name(language()) if producer else ""
    return _(
        "🔗 Zalo link code for <b>{producer}</b>: <code>{code}</code>\n\n"
        "The staff member opens a chat with the shop's Zalo bot and sends it this code. "
        "From then on the producer's orders reach them on Zalo, where they answer with "
        "text commands (nhan DH00012, giao, xong, huy).\n\n"
        "The code works once, for {minutes} minutes."
    ).format(producer=esc(name), code=code, minutes=int(LINK_CODE_LIFETIME.total_seconds() // 60))


async def cmd_linkzalo(
    message: Message, catalog_cache: CatalogCache, uow: UnitOfWork, config: Config
) -> None:
    user = message.from_user
    assert user is not None
    actor = await actor_of(message, uow, config)
    if actor.is_admin:
        await message.answer(
            _("Whose staff member links a Zalo account?"),
            reply_markup=await producers_kb(catalog_cache, 0, ZaloLinkCb),
        )
    elif actor.producer_id is not None:
        code = await zalo_staff.create_zalo_link_code(
            uow, producer_id=actor.producer_id, created_by=user.id
        )
        await message.answer(zalo_code_text(await catalog_cache.get(), actor.producer_id, code))
    else:
        await not_allowed(message)


async def on_zalo_producer(
    query: CallbackQuery, callback_data: ZaloLinkCb, uow: UnitOfWork, catalog_cache: CatalogCache
) -> None:
    if not callback_data.producer_id:
        await query.answer()
        await show_text(
            query,
            _("Whose staff member links a Zalo account?"),
            await producers_kb(catalog_cache, callback_data.page, ZaloLinkCb),
        )
        return
    try:
        code = await zalo_staff.create_zalo_link_code(
            uow, producer_id=callback_data.producer_id, created_by=query.from_user.id
        )
    except ProducerNotFound:
        await query.answer(_("This is no longer available."), show_alert=True)
        return
    await query.answer()
    await show_text(
        query,
        zalo_code_text(await catalog_cache.get(), callback_data.producer_id, code),
        InlineKeyboardMarkup(inline_keyboard=[]),
    )


async def _producers_of(actor: Actor, snapshot: CatalogSnapshot) -> list[int]:
    if actor.is_admin:
        return sorted(snapshot.producers)
    return [actor.producer_id] if actor.producer_id is not None else []


async def cmd_zalostaff(
    message: Message, catalog_cache: CatalogCache, uow: UnitOfWork, config: Config
) -> None:
    actor = await actor_of(message, uow, config)
    if not actor.is_staff:
        await not_allowed(message)
        return
    snapshot = await catalog_cache.get()
    lines = []
    for producer_id in await _producers_of(actor, snapshot):
        for member in await zalo_staff.staff_of_producer(uow, producer_id):
            lines.append(
                f"• {esc(member.display_name or '?')} — {esc(member.name(language()))} — "
                f"<code>{esc(member.zalo_id)}</code>"
            )
    if not lines:
        await message.answer(_("Nobody is linked on Zalo yet. /linkzalo gives a link code."))
        return
    await message.answer(
        _("Linked on Zalo:")
        + "\n"
        + "\n".join(lines)
        + "\n\n"
        + _("To release someone: /unlinkzalo ZALO_ID")
    )


async def cmd_unlinkzalo(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await actor_of(message, uow, config)
    if not actor.is_staff:
        await not_allowed(message)
        return
    zalo_id = (command.args or "").strip()
    if not zalo_id:
        await message.answer(
            _("Usage: {usage}\nFor example: {example}").format(
                usage="/unlinkzalo ZALO_ID", example="/unlinkzalo 6f1c2a9e0b"
            )
        )
        return
    removed = await zalo_staff.unlink_zalo(
        uow,
        zalo_id=zalo_id[:64],
        # A manager may release only their own producer's staff.
        producer_id=None if actor.is_admin else actor.producer_id,
    )
    if removed:
        await message.answer(_("Done: that Zalo account no longer gets orders."))
    else:
        await message.answer(_("Nobody with that Zalo id is linked. /zalostaff lists who is."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_linkzalo, Command("linkzalo"))
    router.message.register(cmd_zalostaff, Command("zalostaff"))
    router.message.register(cmd_unlinkzalo, Command("unlinkzalo"))
    router.callback_query.register(on_zalo_producer, ZaloLinkCb.filter(), AdminFilter())
    router.callback_query.register(not_allowed, ZaloLinkCb.filter())
    return router
