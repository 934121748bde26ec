"""A handler's answer to a press that Telegram no longer takes is one warning, not a failure.

Telegram refuses an answer after about 15 s, or when the press was already answered — with
several webhook workers, by another worker that was given the same update again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.presses import AnswerOnceMiddleware, PressKeeper
from emulators.telegram import Emulator


@pytest.fixture
def worker_bot(emu: Emulator, bot_factory: Callable[[str], Bot]) -> Callable[[], Bot]:
    """A bot as one worker runs it: its own press keeper on its session."""

    def make() -> Bot:
        assert emu.base_url is not None
        bot = bot_factory(emu.base_url)
        bot.session.middleware(AnswerOnceMiddleware(PressKeeper()))
        return bot

    return make


async def test_a_press_answered_by_another_worker_is_a_warning_and_the_handler_goes_on(
    emu: Emulator,
    worker_bot: Callable[[], Bot],
    bot_closer: Callable[[Bot], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    one, two = worker_bot(), worker_bot()
    try:
        buyer = emu.person()
        await buyer.send("/start")
        button = InlineKeyboardButton(text="Xác nhận", callback_data="co:confirm")
        await one.send_message(
            buyer.id, "Đơn hàng?", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
        )
        await one.get_updates(offset=-1, timeout=0)  # skip the /start
        await buyer.press("Xác nhận")
        [update] = await one.get_updates(offset=-1, timeout=1)
        assert update.callback_query is not None
        query_id = update.callback_query.id

        assert await one.answer_callback_query(query_id, text="Đã đặt hàng.") is True
        with caplog.at_level(logging.WARNING, logger="bot.presses"):
            assert await two.answer_callback_query(query_id, text="Đã đặt hàng.") is False
        sent = await two.send_message(buyer.id, "Đơn hàng đã được đặt.")

        assert sent.text == "Đơn hàng đã được đặt."
        assert (await buyer.wait_callback_answer()).text == "Đã đặt hàng."
        [warning] = [r for r in caplog.records if r.name == "bot.presses"]
        assert "query is too old" in warning.getMessage()
        assert warning.exc_info is None
        assert len(emu.api_errors()) == 1  # Telegram (the emulator) did refuse the second
    finally:
        for bot in (one, two):
            await bot_closer(bot)
