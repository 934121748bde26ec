"""What nothing else understood: a hint instead of silence. Registered last."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.i18n import gettext as _

from catalog.snapshot import CatalogCache
from handlers.menu import main_menu_kb
from handlers.search import process_search_query

log = logging.getLogger(__name__)


async def on_free_text(message: Message, state: FSMContext, catalog_cache: CatalogCache) -> None:
    """Text typed at the main menu is taken as a search: the quickest way to a product."""
    await process_search_query(message, state, catalog_cache)


async def on_unknown_message(message: Message) -> None:
    if message.text and message.text.startswith("/"):
        text = _("I don't know that command. Use the menu below, or /help.")
    else:
        text = _("I didn't understand that. Use the menu below, or /help.")
    await message.answer(text, reply_markup=main_menu_kb())


async def on_error(event: ErrorEvent) -> None:
    """An unexpected failure (the database busy too long, say): apologise, never stay silent."""
    if isinstance(event.exception, TelegramForbiddenError):
        # The person blocked the bot (or left the chat): nobody to tell.
        log.warning("update %s: %s", event.update.update_id, event.exception)
        return
    if isinstance(event.exception, TelegramRetryAfter | TelegramNetworkError):
        # Flood control outlasted the retries, or Telegram could not be reached: expected
        # conditions (a rush, a network outage), not bugs.
        log.warning("update %s: %s", event.update.update_id, event.exception)
    else:
        log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    text = _("Sorry, something went wrong on our side. Please try again in a moment.")
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(text, show_alert=True)
        elif event.update.message is not None and event.update.message.chat.type == "private":
            await event.update.message.answer(text)
    except TelegramAPIError as err:
        log.warning("could not tell the user about the failure: %s", err)


async def on_stale_button(query: CallbackQuery) -> None:
    # An unanswered button press leaves the user's spinner turning.
    await query.answer(_("This menu has expired. Send /start for a fresh one."), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        on_free_text, F.chat.type == "private", StateFilter(None), F.text, ~F.text.startswith("/")
    )
    router.message.register(on_unknown_message, F.chat.type == "private")
    router.callback_query.register(on_stale_button)
    router.errors.register(on_error)
    return router
