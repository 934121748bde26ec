"""Showing a screen: edit the message the button was on, instead of piling up new ones."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramEntityTooLarge
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    FSInputFile,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from storefront.paging import page_marks

log = logging.getLogger(__name__)

# Telegram's limit on a message's text, counted as shown (storefront.format.visible_length).
TEXT_LIMIT = 4096


def page_row(
    page: int,
    pages: int,
    to: Callable[..., CallbackData],
    *,
    back: str = "◀️",
    forward: str = "▶️",
    counter: bool = False,
) -> list[InlineKeyboardButton]:
    """The buttons to the previous and next page of a staff list (storefront.paging says
    which), each pressing ``to(page=number)``."""
    marks = page_marks(page, pages, back=back, forward=forward, counter=counter)
    return [
        InlineKeyboardButton(text=label, callback_data=to(page=number).pack())
        for label, number in marks
    ]


def chat_message(query: CallbackQuery) -> Message | None:
    """The message a button was on, unless Telegram no longer gives it (older than 48 hours)."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        return None
    return message


class OnChatMessage(Filter):
    """A button on a message the bot can still edit; the handler receives it as ``message``.

    A press on an inaccessible message matches nothing and gets the "menu has expired" answer.
    """

    async def __call__(self, query: CallbackQuery, **_data: Any) -> bool | dict[str, Any]:
        message = chat_message(query)
        return False if message is None else {"message": message}


def _not_modified(err: TelegramBadRequest) -> bool:
    # The same menu tapped twice: Telegram refuses an edit that changes nothing.
    return "message is not modified" in err.message


async def remove_buttons(message: Message) -> None:
    """Take the buttons off a message; already gone (the same press handled before, by a
    worker that died before it finished) is no reason to stop what follows."""
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as err:
        if not _not_modified(err):
            log.warning("could not remove the buttons of message %s: %s", message.message_id, err)


async def show_text(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Put a text screen where the pressed button was."""
    message = chat_message(query)
    if message is not None and message.photo is None:
        try:
            await message.edit_text(text, reply_markup=keyboard)
        except TelegramBadRequest as err:
            if not _not_modified(err):
                raise
        return
    if message is None:
        if query.from_user is not None:
            await query.bot.send_message(query.from_user.id, text, reply_markup=keyboard)  # type: ignore[union-attr]
        return
    # A photo message cannot become a text message: send the new screen, drop the old.
    await message.answer(text, reply_markup=keyboard)
    await _delete(message)


class PhotoCache:
    """Telegram file ids of photos already uploaded, so each picture is sent once.

    Keyed by path and modification time: a picture replaced on disk (an import) is sent anew.
    """

    def __init__(self) -> None:
        self._file_ids: dict[tuple[str, float], str] = {}
        # Pictures Telegram refused: their cards go as text until the file changes.
        self._refused: set[tuple[str, float]] = set()

    @staticmethod
    def _key(path: str) -> tuple[str, float] | None:
        try:
            return path, os.stat(path).st_mtime
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        """On disk, and not refused by Telegram as it is now."""
        key = self._key(path)
        return key is not None and key not in self._refused

    def refuse(self, path: str) -> None:
        key = self._key(path)
        if key is not None:
            self._refused.add(key)

    def input_for(self, path: str) -> str | FSInputFile:
        key = self._key(path)
        if key is not None and key in self._file_ids:
            return self._file_ids[key]
        return FSInputFile(path)

    def remember(self, path: str, sent: Message | bool) -> None:
        key = self._key(path)
        if key is not None and isinstance(sent, Message) and sent.photo:
            self._file_ids[key] = sent.photo[-1].file_id


async def show_photo(
    query: CallbackQuery,
    photos: PhotoCache,
    path: str,
    caption: str,
    keyboard: InlineKeyboardMarkup,
    *,
    same_photo: bool = False,
) -> None:
    """Put a photo screen where the pressed button was (a new message replaces a text one)."""
    message = chat_message(query)
    if same_photo and message is not None and message.photo is not None:
        # Same picture (the stepper): only the caption and buttons change.
        try:
            await message.edit_caption(caption=caption, reply_markup=keyboard)
        except TelegramBadRequest as err:
            if not _not_modified(err):
                raise
        return
    chat_id = message.chat.id if message else query.from_user.id
    assert query.bot is not None
    await send_card(query.bot, chat_id, photos, path, caption, keyboard)
    if message is not None:
        await _delete(message)


async def send_card(
    bot: Bot,
    chat_id: int,
    photos: PhotoCache,
    path: str | None,
    caption: str,
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None,
) -> Message:
    """A card as a new message: with its photo, or as text when it has none or Telegram
    refuses the picture (one warning; the same file is not offered to Telegram again)."""
    if path is not None and photos.exists(path):
        try:
            sent = await bot.send_photo(
                chat_id, photos.input_for(path), caption=caption, reply_markup=keyboard
            )
        except (TelegramBadRequest, TelegramEntityTooLarge) as err:
            log.warning("Telegram refused the photo %s (%s): its card goes as text", path, err)
            photos.refuse(path)
        else:
            photos.remember(path, sent)
            return sent
    return await bot.send_message(chat_id, caption, reply_markup=keyboard)


async def _delete(message: Message) -> None:
    try:
        await message.delete()
    except TelegramBadRequest as err:
        # Older than 48 hours, or already gone: leaving it is harmless.
        log.debug("could not delete message %s: %s", message.message_id, err)
