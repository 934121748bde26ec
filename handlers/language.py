"""Choosing the language: Tiếng Việt or English, remembered per user."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.language_cache import LanguageCache
from catalog.services import users
from catalog.uow import UnitOfWork
from handlers.callbacks import Language, LanguageCb
from handlers.checkout import resume_checkout
from handlers.menu import MenuItem, main_menu_kb, menu_command, private_router
from handlers.screens import chat_message

# Each language is named in itself, whatever the reader's language: that is how people find
# their own in a list.
AUTONYMS = {Language.vi: "🇻🇳 Tiếng Việt", Language.en: "🇬🇧 English"}


def language_kb(
    to: Callable[..., CallbackData], current: str | None = None
) -> InlineKeyboardMarkup:
    """A button per language, each pressing ``to(code=...)``; ✓ marks the ``current`` one."""
    builder = InlineKeyboardBuilder()
    for language, label in AUTONYMS.items():
        mark = "✓ " if language == current else ""
        builder.button(text=mark + label, callback_data=to(code=language))
    return builder.as_markup()


async def cmd_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        _("Choose your language:"), reply_markup=language_kb(LanguageCb, i18n.current_locale)
    )


async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    uow: UnitOfWork,
    i18n: I18n,
    language_cache: LanguageCache,
    state: FSMContext,
) -> None:
    language = callback_data.code.value
    await users.set_language(
        uow, user_id=query.from_user.id, language=language, first_name=query.from_user.first_name
    )
    language_cache.put(query.from_user.id, language)
    with i18n.use_locale(language):
        done = _("Language: English") if language == Language.en else _("Language: Tiếng Việt")
        await query.answer(done)
        message = chat_message(query)
        if message is not None:
            await message.edit_text(done)
            # A checkout in progress goes on, in the new language; otherwise a fresh menu
            # (a reply keyboard can only be replaced by sending a new message).
            if not await resume_checkout(message, state, uow):
                await message.answer(_("Here is the menu."), reply_markup=main_menu_kb())


def create_router() -> Router:
    router = private_router(__name__)
    router.message.register(cmd_language, menu_command(MenuItem.language))
    router.callback_query.register(on_language_chosen, LanguageCb.filter())
    return router
