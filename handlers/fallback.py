"""What nothing else understood: a hint instead of silence. Registered last."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import CallbackQuery, ErrorEvent
from aiogram.utils.i18n import gettext as _

from storefront.conversation import expired

log = logging.getLogger(__name__)


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
    await query.answer(expired(), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_stale_button)
    router.errors.register(on_error)
    return router
