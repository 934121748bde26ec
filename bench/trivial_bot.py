"""The floor for the rush benchmark: a trivial aiogram bot as a process of its own.

One fixed reply to every message, one fixed answer to every button press, no database;
BOT_TOKEN and TELEGRAM_API_BASE as for the shop.
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.run import trivial_dispatcher


async def main() -> None:
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"])),
    )
    dispatcher = trivial_dispatcher()
    await dispatcher.start_polling(bot, polling_timeout=10, handle_signals=True)


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    asyncio.run(main())
