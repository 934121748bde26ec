"""First contact: /start, /help and the main menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.markdown import html_decoration as hd

from bot.i18n import LanguageCache
from catalog.services import users
from catalog.uow import UnitOfWork
from handlers.menu import MenuItem, main_menu_kb, menu_button


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


async def cmd_start(
    message: Message, uow: UnitOfWork, state: FSMContext, language_cache: LanguageCache
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
    await message.answer(
        _(
            "Hello, {name}! 👋\n"
            "Welcome to the OCOP shop: products of Hanoi's craft villages and cooperatives, "
            "certified under the One Commune, One Product programme.\n"
            "Choose from the menu below."
        ).format(name=hd.quote(fresh.first_name)),
        reply_markup=main_menu_kb(),
    )


async def cmd_help(message: Message) -> None:
    await message.answer(help_text(), reply_markup=main_menu_kb())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_help, menu_button(MenuItem.help))
    return router
