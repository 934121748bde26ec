"""First contact: /start, /help and the main menu."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.markdown import html_decoration as hd

from catalog.language_cache import LanguageCache
from catalog.services import users
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from handlers.access import actor_of
from handlers.commands import show_staff_commands
from handlers.format import language
from handlers.menu import MenuItem, main_menu_kb, menu_button
from handlers.settings import Settings
from handlers.tools import STAFF, Role, role_of, staff_note, tools_text


def help_text() -> str:
    return "\n".join(
        (
            _("<b>How to shop here</b>"),
            _(
                "Browse the catalog of Hanoi's OCOP products, put what you like in the cart, "
                "then give a phone number and a delivery address. "
                "Pay cash on delivery or by bank transfer (VietQR)."
            ),
            "",
            _("/start — main menu"),
            _("/language — Tiếng Việt or English"),
            _("/help — this help"),
        )
    )


async def _staff_role(
    message: Message, uow: UnitOfWork, settings: Settings, catalog_cache: CatalogCache
) -> tuple[Role, str | None]:
    """The sender's role here and, for a manager, the name of their producer."""
    assert message.from_user is not None
    actor = await actor_of(uow, settings, message.from_user)
    role = role_of(actor)
    if role != Role.manager or actor.producer_id is None:
        return role, None
    producer = (await catalog_cache.get()).producers.get(actor.producer_id)
    return role, producer.name(language()) if producer else None


async def cmd_start(
    message: Message,
    uow: UnitOfWork,
    state: FSMContext,
    settings: Settings,
    catalog_cache: CatalogCache,
    bot: Bot,
    i18n: I18n,
    language_cache: LanguageCache,
) -> None:
    sender = message.from_user
    if sender is None:
        return
    await state.clear()
    fresh = users.Registration.of(
        sender.first_name, sender.last_name, sender.username, sender.language_code
    )
    # A returning user whose names Telegram reports unchanged costs no write.
    if language_cache.registration(sender.id) != fresh:
        profile = await users.register_user(
            uow,
            user_id=sender.id,
            first_name=sender.first_name,
            last_name=sender.last_name,
            username=sender.username,
            language_code=sender.language_code,
        )
        language_cache.put(sender.id, profile.language, fresh)
    text = _(
        "Hello, {name}! 👋\n"
        "Welcome to the OCOP shop: products of Hanoi's craft villages and cooperatives, "
        "certified under the One Commune, One Product programme.\n"
        "Choose from the menu below."
    ).format(name=hd.quote(fresh.first_name))
    role, producer = await _staff_role(message, uow, settings, catalog_cache)
    if role in STAFF:
        text += "\n\n" + staff_note(role, producer)
    await message.answer(text, reply_markup=main_menu_kb())
    if role in STAFF:
        # The chat is known to Telegram now: its command menu can list the staff's tools.
        await show_staff_commands(bot, i18n, sender.id, role)


async def cmd_help(
    message: Message, uow: UnitOfWork, settings: Settings, catalog_cache: CatalogCache
) -> None:
    text = help_text()
    role, _producer = await _staff_role(message, uow, settings, catalog_cache)
    if role in STAFF:
        text += "\n\n" + tools_text(role)
    await message.answer(text, reply_markup=main_menu_kb())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_help, menu_button(MenuItem.help))
    return router
