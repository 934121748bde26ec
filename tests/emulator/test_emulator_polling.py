"""A restarted bot: the long poll of the process that was stopped is answered to nobody."""

import asyncio
import contextlib

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiohttp import ClientSession, ClientTimeout

from emulators.telegram import Emulator

TOKEN = "4242:TEST-emulator-token"


async def test_a_poll_whose_client_is_gone_is_not_an_error_the_bot_met(
    emu: Emulator, bot: Bot
) -> None:
    # The old process: a long poll, then the process dies (the connection drops).
    async with ClientSession(timeout=ClientTimeout(total=0.3)) as http:
        with contextlib.suppress(TimeoutError):
            await http.post(f"{emu.base_url}/bot{TOKEN}/getUpdates", data={"timeout": "5"})
    await asyncio.sleep(0.1)
    # The new process polls: the old request is terminated (409), but nobody is there.
    assert await bot.get_updates(timeout=0) == []
    await asyncio.sleep(0.1)
    assert emu.api_errors() == []


async def test_two_live_pollers_still_conflict(emu: Emulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    await bot.get_updates(timeout=0)
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first
    assert [e.error_code for e in emu.api_errors()] == [409]
