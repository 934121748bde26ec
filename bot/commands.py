"""Putting Telegram's command menus in place at startup: customers', groups', each admin's
and each manager's (the lists themselves are in handlers/commands.py)."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Bot
from aiogram.types import BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.services import roles
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork
from handlers.commands import COMMANDS, GROUP_COMMANDS, Role, set_commands, show_staff_commands


async def register_commands(
    bot: Bot,
    i18n: I18n,
    *,
    admin_ids: Iterable[int] = (),
    session_factory: async_sessionmaker[AsyncSession] | None = None,
) -> None:
    """Every menu at startup: customers', groups', each admin's and each manager's."""
    await set_commands(bot, i18n, BotCommandScopeAllPrivateChats(), COMMANDS)
    await set_commands(bot, i18n, BotCommandScopeAllGroupChats(), GROUP_COMMANDS)
    staff = dict.fromkeys(admin_ids, Role.admin)
    if session_factory is not None:
        managers = await roles.list_managers(
            UnitOfWork(session_factory), actor=Actor(user_id=None, is_admin=True)
        )
        for user_id, _name, _code in managers:
            staff.setdefault(user_id, Role.manager)
    for chat_id, role in staff.items():
        await show_staff_commands(bot, i18n, chat_id, role)
