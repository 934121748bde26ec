"""The storefront's screens drawn on Telegram: HTML, inline keyboards under the message, reply
keyboards under the typing field, and a press's screen edited in place."""

from __future__ import annotations

import logging
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers.screens import (
    TEXT_LIMIT,
    PhotoCache,
    chat_message,
    remove_buttons,
    send_card,
    show_photo,
    show_text,
)
from storefront.menu import menu_keys, menu_placeholder
from storefront.screens import Choice, Keyboard, KeyKind, Screen

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def button(choice: Choice) -> InlineKeyboardButton:
    if choice.url is not None:
        return InlineKeyboardButton(text=choice.label, url=choice.url)
    if choice.share is not None:
        return InlineKeyboardButton(text=choice.label, switch_inline_query=choice.share)
    assert choice.action is not None, "a choice does something"
    return InlineKeyboardButton(text=choice.label, callback_data=choice.action.pack())


def inline_markup(screen: Screen) -> InlineKeyboardMarkup:
    """A list's entries (each on its row, its own buttons on the next), then the choices."""
    rows: list[list[InlineKeyboardButton]] = []
    for item in screen.items:
        rows.append([InlineKeyboardButton(text=item.label, callback_data=item.action.pack())])
        if item.choices:
            rows.append([button(choice) for choice in item.choices])
    rows += [[button(choice) for choice in row] for row in screen.choices if row]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def main_menu_kb() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=key.label) for key in row] for row in menu_keys()],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=menu_placeholder(),
    )


def reply_markup(keyboard: Keyboard) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    if keyboard.menu:
        return main_menu_kb()
    if not keyboard.rows:
        return ReplyKeyboardRemove()
    return ReplyKeyboardMarkup(
        keyboard=[
            [
                KeyboardButton(
                    text=key.label,
                    request_contact=key.kind == KeyKind.phone or None,
                    request_location=key.kind == KeyKind.location or None,
                )
                for key in row
            ]
            for row in keyboard.rows
        ],
        resize_keyboard=True,
        one_time_keyboard=False,
    )


def markup(screen: Screen) -> Markup | None:
    """One markup per message: the buttons under it, else the keyboard under the typing field."""
    if screen.items or screen.choices:
        return inline_markup(screen)
    return reply_markup(screen.keyboard) if screen.keyboard is not None else None


class TelegramOutput:
    """Answers a person in their private chat; ``query`` is the press being answered."""

    text_limit = TEXT_LIMIT

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        photos: PhotoCache,
        media_dir: Path,
        query: CallbackQuery | None = None,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.photos = photos
        self.media_dir = media_dir
        self.query = query

    def _photo_path(self, screen: Screen) -> str | None:
        picture = screen.picture
        if picture is None or picture.path is None:
            return None
        path = str(self.media_dir / picture.path)
        return path if self.photos.exists(path) else None

    async def send(self, screen: Screen) -> None:
        reply = markup(screen)
        picture = screen.picture
        if picture is not None and picture.data is not None:
            photo = BufferedInputFile(picture.data, filename=picture.name)
            await self.bot.send_photo(self.chat_id, photo, caption=screen.text, reply_markup=reply)
            return
        path = self._photo_path(screen)
        await send_card(self.bot, self.chat_id, self.photos, path, screen.text, reply)

    async def show(self, screen: Screen) -> None:
        if self.query is None:
            await self.send(screen)
            return
        keyboard = inline_markup(screen)
        path = self._photo_path(screen)
        if path is None:
            await show_text(self.query, screen.text, keyboard)
        else:
            await show_photo(
                self.query,
                self.photos,
                path,
                screen.text,
                keyboard,
                same_photo=screen.same_picture,
            )

    async def answer(self, text: str = "", *, alert: bool = False) -> None:
        if self.query is not None:
            await self.query.answer(text or None, show_alert=alert or None)

    async def close(self, text: str | None = None) -> None:
        message = chat_message(self.query) if self.query is not None else None
        if message is None:
            return
        if text is None:
            # A Confirm handled again after its worker died finds the buttons already gone.
            await remove_buttons(message)
            return
        try:
            await message.edit_text(text)
        except TelegramBadRequest as err:
            # Already done (an update delivered again): nothing is left to change.
            if "message is not modified" not in err.message:
                raise
            log.debug("message %s already closed", message.message_id)
