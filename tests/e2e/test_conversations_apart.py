"""Each conversation keeps its own data: starting a checkout does not forget a search."""

import pytest
from support.botprocess import BotProcess

from bot.emulator import Emulator
from catalog.money import format_vnd

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_the_results_of_a_search_still_turn_pages_after_a_checkout_is_left(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    lan = emulator.person("Lan", language_code="en")
    await lan.send("/start")
    await lan.next_message()
    await lan.send("khan lua van phuc")
    await lan.next_message()
    await lan.press(f"Van Phuc silk scarf · {format_vnd(450_000, 'en')}")
    await lan.next_message()
    await lan.press("🛒 Add 1 to cart")
    await lan.wait_callback_answer()

    await lan.send("bat trang")
    results = await lan.next_message()
    assert results.text.startswith("🔎 Results for “bat trang”: 11")
    assert ["Page 1/2", "▶️"] in lan.buttons(results)
    await lan.send("/cart")
    await lan.next_message()
    await lan.press("✅ Checkout")
    assert "Who receives the parcel?" in (await lan.next_message()).text
    await lan.press("✖️ Cancel checkout")
    assert (await lan.next_message()).text == "Checkout cancelled. Your cart is kept."

    await lan.press("▶️")
    second = await lan.wait_for(
        lambda m: m.message_id == results.message_id and ["◀️", "Page 2/2"] in lan.buttons(m)
    )
    assert second.text.startswith("🔎 Results for “bat trang”: 11")
