"""Admins in a private chat: who manages which producer (``/managers``); staff: their tools
(``/admin``)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.services import roles
from catalog.services.inventory import Actor
from catalog.services.producers import ProducerNotFound
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who, refuse
from handlers.commands import Role, show_staff_commands
from handlers.settings import Settings
from handlers.tools import role_of, tools_text, usage
from storefront.format import esc


async def cmd_managers(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    actor: Actor,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    parts = (command.args or "").split()
    wrong = usage(
        "/managers | /managers add USER_ID PRODUCER_CODE | /managers remove USER_ID",
        "/managers add 123456789 BABE",
    )
    if not parts:
        managers = await roles.list_managers(uow, actor=actor)
        lines = [_("👥 <b>Producer managers</b>")]
        lines += [f"{user_id} {esc(name)} → {code}" for user_id, name, code in managers]
        if not managers:
            lines.append(_("None yet."))
        lines.append("")
        lines.append(wrong)
        await message.answer("\n".join(lines))
        return
    user_id = _user_id(parts[1]) if len(parts) > 1 else None
    if parts[0] == "add" and len(parts) == 3 and user_id is not None:
        try:
            name = await roles.add_manager(
                uow, actor=actor, user_id=user_id, producer_code=parts[2]
            )
        except ProducerNotFound:
            await message.answer(_("No producer has the code {code}.").format(code=esc(parts[2])))
            return
        await message.answer(
            _("✅ User {user} now manages {producer}.").format(user=parts[1], producer=esc(name))
        )
        await _update_menu(bot, i18n, settings, user_id, Role.manager)
    elif parts[0] == "remove" and len(parts) == 2 and user_id is not None:
        removed = await roles.remove_manager(uow, actor=actor, user_id=user_id)
        await message.answer(
            _("✅ User {user} no longer manages a producer.").format(user=parts[1])
            if removed
            else _("User {user} was not a manager.").format(user=parts[1])
        )
        await _update_menu(bot, i18n, settings, user_id, Role.customer)
    else:
        await message.answer(wrong)


def _user_id(text: str) -> int | None:
    """A Telegram user id as typed: plain digits (not "²", nor more digits than any id has)."""
    number = rules.parse_whole(text, grouped=False)
    return number if number is not None and number < rules.TOO_LARGE else None


async def _update_menu(bot: Bot, i18n: I18n, settings: Settings, user_id: int, role: Role) -> None:
    """Their Telegram command menu follows the change (an admin stays an admin)."""
    admin = user_id in settings.admin_ids
    await show_staff_commands(bot, i18n, user_id, Role.admin if admin else role)


async def cmd_admin(message: Message, actor: Actor) -> None:
    await message.answer(tools_text(role_of(actor)))


def create_router() -> Router:
    router = Router(name=__name__)
    # They list people and tools: not something to post in a producer's group.
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_managers, Command("managers"), Acting(Who.admins))
    router.message.register(cmd_admin, Command("admin"), Acting())
    router.message.register(refuse, Command("managers", "admin"))
    return router
