"""/start, /help and the language, with the real bot process."""

import pytest
from support.botprocess import BotProcess
from support.journeys import greeted, start

from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_start_greets_a_vietnamese_user_by_name_with_the_main_menu(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    an = emulator.person("An <3 & 🏺", language_code="vi")
    greeting = await start(an)
    assert greeting.text.startswith("Xin chào, An <3 & 🏺!")
    assert an.reply_keyboard == [
        ["🛍 Danh mục", "🔎 Tìm kiếm"],
        ["🛒 Giỏ hàng", "📦 Đơn của tôi"],
        ["🌐 Ngôn ngữ", "❓ Trợ giúp"],
    ]


async def test_start_speaks_english_to_an_english_telegram(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    mary = emulator.person("Mary", language_code="en-GB")
    assert (await start(mary)).text.startswith("Hello, Mary!")
    assert mary.reply_keyboard[0] == ["🛍 Catalog", "🔎 Search"]


async def test_a_language_we_do_not_speak_gets_vietnamese(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    pierre = emulator.person("Pierre", language_code="fr")
    assert (await start(pierre)).text.startswith("Xin chào, Pierre!")


async def test_the_language_choice_survives_a_restart(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    lan = await greeted(emulator, "Lan", "vi")
    await lan.press("🌐 Ngôn ngữ")
    await lan.next_message()
    await lan.press("🇬🇧 English")
    assert (await lan.wait_callback_answer()).text == "Language: English"
    menu = await lan.next_message()
    assert menu.text == "Here is the menu."
    assert lan.reply_keyboard[0] == ["🛍 Catalog", "🔎 Search"]

    await bot_process.restart()
    assert (await start(lan)).text.startswith("Hello, Lan!")
    await lan.send("/language")
    choice = await lan.next_message()
    assert lan.buttons(choice) == [["🇻🇳 Tiếng Việt", "✓ 🇬🇧 English"]]
    await lan.press("🇻🇳 Tiếng Việt")
    await lan.next_message()
    await lan.send("/help")
    assert (await lan.next_message()).text.startswith("Cách mua hàng")


async def test_an_unknown_command_gets_a_hint_and_the_menu(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    binh = emulator.person("Bình", language_code="vi")
    await binh.send("/frobnicate")
    hint = await binh.next_message()
    assert "không biết lệnh này" in hint.text
    assert binh.reply_keyboard[0] == ["🛍 Danh mục", "🔎 Tìm kiếm"]


async def test_commands_are_registered_in_both_languages(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    scope = {"type": "all_private_chats"}
    vietnamese = emulator.commands(scope, "vi")
    english = emulator.commands(scope, "en")
    default = emulator.commands(scope, "")
    assert vietnamese is not None
    assert english is not None
    assert {c["command"] for c in english} >= {"start", "help", "language", "cart", "orders"}
    assert next(c for c in vietnamese if c["command"] == "start")["description"] == "Menu chính"
    assert next(c for c in english if c["command"] == "start")["description"] == "Main menu"
    assert default == vietnamese
