"""What Telegram adds to the storefront's greeting and help for staff: who they are in the
shop, their tools, and their command menu."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import User
from aiogram.utils.i18n import I18n

from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from handlers.access import actor_of
from handlers.commands import show_staff_commands
from handlers.settings import Settings
from handlers.tools import STAFF, Role, role_of, staff_note, tools_text
from storefront.format import language
from storefront.visit import StaffHints


def staff_hints(
    user: User,
    uow: UnitOfWork,
    settings: Settings,
    catalog_cache: CatalogCache,
    bot: Bot,
    i18n: I18n,
) -> StaffHints:
    """The hints for ``user``, whose role is looked up only when a greeting or help asks."""
    known: list[tuple[Role, str | None]] = []

    async def role() -> tuple[Role, str | None]:
        if not known:
            actor = await actor_of(uow, settings, user)
            found = role_of(actor)
            producer = None
            if found == Role.manager and actor.producer_id is not None:
                view = (await catalog_cache.get()).producers.get(actor.producer_id)
                producer = view.name(language()) if view else None
            known.append((found, producer))
        return known[0]

    async def greeting() -> str | None:
        found, producer = await role()
        return staff_note(found, producer) if found in STAFF else None

    async def help_note() -> str | None:
        found, _producer = await role()
        return tools_text(found) if found in STAFF else None

    async def greeted() -> None:
        found, _producer = await role()
        if found in STAFF:
            # The chat is known to Telegram now: its command menu can list the staff's tools.
            await show_staff_commands(bot, i18n, user.id, found)

    return StaffHints(greeting=greeting, help=help_note, greeted=greeted)
