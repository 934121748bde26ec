"""People acting through the driver, against a bot answering with aiogram."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from emulators.telegram import Emulator, Person


def shop_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def cmd_start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Tiếng Việt", callback_data="lang:vi"),
                    InlineKeyboardButton(text="English", callback_data="lang:en"),
                ]
            ]
        )
        await message.answer("Xin chào! Chọn ngôn ngữ:", reply_markup=keyboard)

    @router.callback_query(F.data.startswith("lang:"))
    async def on_language_chosen(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Language: <b>{query.data}</b>")
        await query.answer("OK")

    @router.message(Command("checkout"))
    async def cmd_checkout(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[
                [KeyboardButton(text="📱 Gửi số điện thoại", request_contact=True)],
                [KeyboardButton(text="Huỷ")],
            ],
            resize_keyboard=True,
        )
        await message.answer("Cho xin số điện thoại:", reply_markup=keyboard)

    @router.message(F.contact)
    async def process_phone(message: Message) -> None:
        assert message.contact is not None
        await message.answer(
            f"Cảm ơn, {message.contact.phone_number}", reply_markup=ReplyKeyboardRemove()
        )

    @router.message(F.text == "Huỷ")
    async def on_cancel(message: Message) -> None:
        await message.answer("Đã huỷ.")

    @router.message(Command("link"))
    async def cmd_link(message: Message) -> None:
        await message.answer(f"Đã liên kết nhóm {message.chat.title}")

    @router.message(F.location)
    async def on_location(message: Message) -> None:
        assert message.location is not None
        await message.answer(f"{message.location.latitude:.2f},{message.location.longitude:.2f}")

    return router


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    dp = Dispatcher()
    dp.include_router(shop_router())
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    yield dp
    await dp.stop_polling()
    await asyncio.wait_for(task, 5)


@pytest.mark.usefixtures("polling")
async def test_start_then_choose_language_by_inline_button(emu: Emulator) -> None:
    an = emu.person(first_name="An")

    await an.send("/start")
    greeting = await an.next_message()
    assert greeting.text == "Xin chào! Chọn ngôn ngữ:"
    assert an.buttons(greeting) == [["Tiếng Việt", "English"]]

    await an.press("English")
    answer = await an.wait_callback_answer()
    edited = await an.wait_for(lambda m: m.text == "Language: lang:en")

    assert answer.text == "OK"
    assert edited.message_id == greeting.message_id
    assert edited.edited
    assert edited.html == "Language: <b>lang:en</b>"
    assert an.buttons(greeting) == []  # the edit left the keyboard out, so it is gone


@pytest.mark.usefixtures("polling")
async def test_reply_keyboard_share_contact_and_cancel(emu: Emulator) -> None:
    an = emu.person(first_name="An", phone="+84987654321")

    await an.send("/checkout")
    await an.next_message()
    assert an.reply_keyboard == [["📱 Gửi số điện thoại"], ["Huỷ"]]
    await an.press("Huỷ")
    assert (await an.next_message()).text == "Đã huỷ."
    assert an.reply_keyboard == [["📱 Gửi số điện thoại"], ["Huỷ"]]  # persists until removed

    await an.share_contact()
    thanks = await an.next_message()
    assert thanks.text == "Cảm ơn, +84987654321"
    assert an.reply_keyboard == []
    with pytest.raises(AssertionError, match="no request_contact button"):
        await an.share_contact()


@pytest.mark.usefixtures("polling")
async def test_location_and_group_command(emu: Emulator) -> None:
    an = emu.person()
    group = emu.group("Tổ gốm")
    await group.add_bot(by=an)

    await an.send_location(21.03, 105.85)
    assert (await an.next_message()).text == "21.03,105.85"
    await an.send("chào cả nhà", chat=group)  # privacy mode: the bot does not see chatter
    await an.send("/link ABC123", chat=group)
    linked = await an.next_message(chat=group)
    assert linked.text == "Đã liên kết nhóm Tổ gốm"
    assert group.last_bot_message is not None
    assert group.last_bot_message.message_id == linked.message_id
    assert len(group.bot_messages) == 1


async def shown_one_button(emu: Emulator, bot: Bot, text: str, label: str, data: str) -> Person:
    """A person who started the bot and got ``text`` with one inline button."""
    an = emu.person()
    await an.send("/start")
    button = InlineKeyboardButton(text=label, callback_data=data)
    await bot.send_message(
        an.id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )
    return an


async def test_pressing_a_missing_label_lists_what_is_visible(emu: Emulator, bot: Bot) -> None:
    an = await shown_one_button(emu, bot, "Menu", "Giỏ hàng", "cart")

    with pytest.raises(AssertionError, match=r"no button 'Cart' is visible.*\[\['Giỏ hàng'\]\]"):
        await an.press("Cart")


async def test_next_message_timeout_shows_the_transcript(emu: Emulator) -> None:
    an = emu.person(first_name="An")
    await an.send("/start")

    with pytest.raises(AssertionError, match=r"(?s)no new message within 0.05s.*An: /start"):
        await an.next_message(timeout=0.05)


async def test_unanswered_press_is_reported(emu: Emulator, bot: Bot) -> None:
    an = await shown_one_button(emu, bot, "Trà", "Mua", "buy")
    await an.press("Mua")

    with pytest.raises(AssertionError, match="did not answer the press of 'buy'"):
        await an.wait_callback_answer(timeout=0.05)
