"""Inline mode and deep links in the emulator, as Telegram does them."""

import asyncio
from io import BytesIO

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
)
from PIL import Image

from emulators.telegram import Emulator, Person

LINK = "https://t.me/ocop_shop_bot?start=pf_BATTRANG-01"


def article(result_id: str, title: str = "Bình gốm", text: str = "<b>Bình gốm</b>") -> object:
    return InlineQueryResultArticle(
        id=result_id,
        title=title,
        input_message_content=InputTextMessageContent(message_text=text),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Mở trong cửa hàng", url=LINK)]]
        ),
    )


async def next_inline_query(bot: Bot) -> InlineQuery:
    for _ in range(20):
        for update in await bot.get_updates(offset=-1, timeout=1):
            if update.inline_query is not None:
                await bot.get_updates(offset=update.update_id + 1, timeout=0)
                return update.inline_query
    raise AssertionError("no inline query reached the bot")


async def ask(
    person: Person, bot: Bot, text: str, chat: object = None
) -> tuple[object, InlineQuery]:
    task = asyncio.create_task(person.inline_query(text, chat=chat))  # type: ignore[arg-type]
    query = await next_inline_query(bot)
    return task, query


async def test_an_inline_query_reaches_the_bot_and_its_answer_is_shown(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person()
    friends = emu.group("Bạn bè")  # the bot is not in it: inline mode works anywhere
    task, query = await ask(an, bot, "gốm", friends)
    assert (query.query, query.offset, query.chat_type) == ("gốm", "", "group")
    assert query.from_user.id == an.id
    await bot.answer_inline_query(
        query.id, [article("1"), article("2", "Ấm chén")], next_offset="20", is_personal=True
    )
    answer = await task  # type: ignore[misc]
    assert answer.titles == ["Bình gốm", "Ấm chén"]
    assert (answer.next_offset, answer.is_personal) == ("20", True)

    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_inline_query(query.id, [])

    # Scrolling down asks for the next offset; choosing posts the result "via @bot".
    task = asyncio.create_task(an.more_results())
    more = await next_inline_query(bot)
    assert (more.query, more.offset) == ("gốm", "20")
    await bot.answer_inline_query(more.id, [article("3", "Lọ hoa")])
    assert (await task).titles == ["Lọ hoa"]
    sent = await an.choose_result("Lọ hoa")
    assert sent.chat_id == friends.id
    assert sent.via_bot is not None
    assert sent.text == "Bình gốm"
    assert sent.inline_labels == [["Mở trong cửa hàng"]]


async def test_inline_answers_are_checked_as_telegram_checks_them(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    _task, query = await ask(an, bot, "tra")
    cases = [
        ([article(str(i)) for i in range(51)], {}, "RESULTS_TOO_MUCH"),
        ([article("1"), article("1")], {}, "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], {}, "RESULT_ID_INVALID"),
        ([article("1")], {"next_offset": "9" * 65}, "NEXT_OFFSET_INVALID"),
        ([article("1", text="   ")], {}, "MESSAGE_EMPTY"),
        ([article("1", text="<b>x")], {}, "can't parse entities"),
        ([article("1", title="")], {}, "ARTICLE_TITLE_EMPTY"),
        (
            [InlineQueryResultCachedPhoto(id="1", photo_file_id="AgACnonsense")],
            {},
            "PHOTO_INVALID",
        ),
        (
            [],
            {"button": InlineQueryResultsButton(text="Mở shop", start_parameter="bad param!")},
            "START_PARAM_INVALID",
        ),
    ]
    for results, extra, error in cases:
        with pytest.raises(TelegramBadRequest, match=error):
            await bot.answer_inline_query(query.id, results, **extra)  # type: ignore[arg-type]
    # Fifty results with ids of 64 bytes are fine; the query is then answered.
    await bot.answer_inline_query(query.id, [article(f"{i:064d}") for i in range(50)])
    assert len((await _task).results) == 50  # type: ignore[attr-defined]


async def test_a_photo_result_is_sent_as_the_photo_telegram_has(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    buffer = BytesIO()
    Image.new("RGB", (200, 100), "blue").save(buffer, format="PNG")
    photo = await bot.send_photo(an.id, BufferedInputFile(buffer.getvalue(), "p.png"))
    assert photo.photo is not None
    task, query = await ask(an, bot, "lua")
    await bot.answer_inline_query(
        query.id,
        [
            InlineQueryResultCachedPhoto(
                id="7", photo_file_id=photo.photo[-1].file_id, title="Khăn lụa", caption="Lụa"
            )
        ],
    )
    await task
    sent = await an.choose_result("Khăn lụa")
    assert (sent.photo, sent.caption) == (buffer.getvalue(), "Lụa")


async def test_get_me_tells_whether_inline_mode_is_on(emu: Emulator, bot: Bot) -> None:
    assert (await bot.get_me()).supports_inline_queries is True
    emu.bot.inline_mode = False
    with pytest.raises(AssertionError, match="inline mode is off"):
        await emu.person().inline_query("gốm")


async def test_a_deep_link_starts_the_bot_with_its_parameter(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.open_link(LINK)
    await an.open_link("https://t.me/ocop_shop_bot?start=has%20space")
    await an.open_link("https://t.me/ocop_shop_bot?start=" + "x" * 65)
    assert await an.open_link("https://example.com/?start=x") is None
    with pytest.raises(AssertionError, match="another bot"):
        await an.open_link("https://t.me/other_bot?start=x")
    updates = await bot.get_updates(timeout=0)
    texts = [u.message.text for u in updates if u.message is not None]
    # Telegram drops a parameter that breaks its rules and sends a plain /start.
    assert texts == ["/start pf_BATTRANG-01", "/start", "/start"]
    first = updates[0].message
    assert first is not None
    assert first.entities is not None
    assert (first.entities[0].type, first.entities[0].length) == ("bot_command", 6)
