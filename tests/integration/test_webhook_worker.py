"""A webhook worker (bot.webhook) against the emulator: the secret, health, a graceful stop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiohttp import web

from bot.config import WebhookSettings
from bot.webhook import Worker
from emulators.telegram import Emulator, FloodLimits

TOKEN = "4243:TEST-webhook-worker"
SETTINGS = WebhookSettings(
    url="https://shop.example.vn/tg/hook", secret="s3cret", shutdown_seconds=10
)


@dataclass
class Running:
    emulator: Emulator
    worker: Worker
    url: str
    release: asyncio.Event
    handled: list[str]


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    emulator = Emulator(flood=FloodLimits.off())
    emulator.add_bot(TOKEN)
    await emulator.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)))
    release, handled = asyncio.Event(), []
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def slow(message: Message) -> None:
        await release.wait()
        handled.append(message.text or "")
        await message.answer("done")

    worker = Worker(bot, dispatcher, SETTINGS)  # type: ignore[arg-type]
    runner = web.AppRunner(worker.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    emulator.webhooks.balance([url])
    yield Running(emulator, worker, url, release, handled)
    release.set()
    await runner.cleanup()
    await emulator.stop()


async def test_the_worker_sets_the_webhook_and_refuses_a_wrong_secret(running: Running) -> None:
    hook = running.emulator.bot.webhook
    assert hook is not None
    assert (hook["url"], hook["secret_token"]) == (SETTINGS.url, SETTINGS.secret)
    assert hook["allowed_updates"] == ["message"]
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "x",
              "chat": {"id": 5, "type": "private"}}}  # fmt: skip
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with session.post(f"{running.url}/tg/hook", json=update, headers=headers) as r:
                assert r.status == 401
    assert running.worker.in_hand == 0
    assert running.handled == []


async def test_a_stopping_worker_finishes_the_update_in_hand_and_takes_no_more(
    running: Running,
) -> None:
    person = running.emulator.person("An")
    await person.send("first")
    assert await running.emulator.wait_until(lambda: running.worker.in_hand == 1 or None, 5)
    draining = asyncio.create_task(running.worker.drain())
    await asyncio.sleep(0)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{running.url}/health") as response:
            assert response.status == 503
        update = {"update_id": 99, "message": {"message_id": 2, "date": 0, "text": "later",
                  "chat": {"id": person.id, "type": "private"}}}  # fmt: skip
        headers = {"X-Telegram-Bot-Api-Secret-Token": SETTINGS.secret}
        async with session.post(f"{running.url}/tg/hook", json=update, headers=headers) as r:
            assert r.status == 503  # posted again by Telegram, to another worker
    assert not draining.done()
    running.release.set()
    await asyncio.wait_for(draining, 5)
    assert running.handled == ["first"]
    assert (await person.next_message()).text == "done"
