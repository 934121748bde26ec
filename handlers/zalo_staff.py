"""Admins and producer managers in a private chat: linking producers' staff on Zalo.

``/linkzalo`` gives a single-use code the staff member sends to the shop's Zalo bot;
``/zalostaff`` lists who is linked; ``/unlinkzalo ID`` releases someone.
"""

from __future__ import annotations

from functools import partial

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from catalog.services import zalo_staff
from catalog.services.inventory import Actor
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, refuse
from handlers.admin import CodeSteps, code_text
from handlers.callbacks import ZaloLinkCb
from handlers.tools import usage
from storefront.format import esc, language


async def _create_zalo_code(uow: UnitOfWork, producer_id: int, created_by: int) -> str:
    return await zalo_staff.create_zalo_link_code(
        uow, producer_id=producer_id, created_by=created_by
    )


ZALO_CODE = CodeSteps(
    question=lambda: _("Whose staff member links a Zalo account?"),
    callback=ZaloLinkCb,
    create=_create_zalo_code,
    text=partial(code_text, zalo=True),
)


async def _producers_of(actor: Actor, snapshot: CatalogSnapshot) -> list[int]:
    if actor.is_admin:
        return sorted(snapshot.producers)
    return [actor.producer_id] if actor.producer_id is not None else []


async def cmd_zalostaff(
    message: Message, catalog_cache: CatalogCache, uow: UnitOfWork, actor: Actor
) -> None:
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
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    zalo_id = (command.args or "").strip()
    if not zalo_id:
        await message.answer(usage("/unlinkzalo ZALO_ID", "/unlinkzalo 6f1c2a9e0b"))
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
    router.message.register(ZALO_CODE.start, Command("linkzalo"), Acting())
    router.message.register(cmd_zalostaff, Command("zalostaff"), Acting())
    router.message.register(cmd_unlinkzalo, Command("unlinkzalo"), Acting())
    router.message.register(refuse, Command("linkzalo", "zalostaff", "unlinkzalo"))
    router.callback_query.register(ZALO_CODE.on_producer, ZaloLinkCb.filter(), Acting(Who.admins))
    router.callback_query.register(refuse, ZaloLinkCb.filter())
    return router
