"""Limits the emulator keeps as Telegram does: keyboard size and what sendPhoto takes."""

from io import BytesIO

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from PIL import Image

from emulators.telegram import Emulator


def png(width: int, height: int) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def keyboard(buttons: int) -> InlineKeyboardMarkup:
    every = [InlineKeyboardButton(text=str(n), callback_data=f"b:{n}") for n in range(buttons)]
    return InlineKeyboardMarkup(inline_keyboard=[every[n : n + 4] for n in range(0, buttons, 4)])


async def test_an_inline_keyboard_takes_at_most_a_hundred_buttons(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    sent = await bot.send_message(an.id, "100", reply_markup=keyboard(100))

    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(an.id, "103", reply_markup=keyboard(103))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.edit_message_text(
            "101", chat_id=an.id, message_id=sent.message_id, reply_markup=keyboard(101)
        )
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.edit_message_reply_markup(
            chat_id=an.id, message_id=sent.message_id, reply_markup=keyboard(101)
        )


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 6000), (2100, 100), (100, 2100)],
    ids=["sides over 10000", "wider than 20:1", "taller than 1:20"],
)
async def test_a_photo_of_dimensions_telegram_refuses_is_refused(
    emu: Emulator, bot: Bot, width: int, height: int
) -> None:
    an = emu.person()
    await an.send("/start")
    with pytest.raises(TelegramBadRequest, match="PHOTO_INVALID_DIMENSIONS"):
        await bot.send_photo(an.id, BufferedInputFile(png(width, height), "big.png"))


async def test_a_photo_over_ten_megabytes_is_refused_and_the_limits_themselves_pass(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person()
    await an.send("/start")
    heavy = png(400, 300) + bytes(10 * 1024 * 1024)
    with pytest.raises(TelegramBadRequest, match="PHOTO_SAVE_FILE_INVALID"):
        await bot.send_photo(an.id, BufferedInputFile(heavy, "heavy.png"))

    for width, height in ((6000, 4000), (2000, 100)):
        sent = await bot.send_photo(an.id, BufferedInputFile(png(width, height), "ok.png"))
        assert sent.photo is not None
        assert (sent.photo[-1].width, sent.photo[-1].height) == (width, height)
