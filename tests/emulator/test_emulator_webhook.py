"""The emulator as Telegram's side of a webhook: posts, the secret header, retries, 409,
concurrent deliveries within max_connections, and round-robin over several workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from emulators.telegram import Emulator

URL = "https://shop.example.vn/hook"


class FakeWorker:
    """A web server that records what is posted to it and answers with ``status``."""

    def __init__(self, status: int = 200, hold: asyncio.Event | None = None) -> None:
        self.status = status
        self.hold = hold
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.concurrent = 0
        self.most_at_once = 0
        self.app = web.Application()
        self.app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.concurrent += 1
        self.most_at_once = max(self.most_at_once, self.concurrent)
        try:
            self.received.append(
                (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
            )
            if self.hold is not None:
                await self.hold.wait()
            return web.Response(status=self.status)
        finally:
            self.concurrent -= 1

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def workers() -> AsyncIterator[list[FakeWorker]]:
    started = [FakeWorker(), FakeWorker()]
    for worker in started:
        await worker.start()
    yield started
    for worker in started:
        await worker.stop()


async def test_updates_are_posted_with_the_secret_and_getupdates_is_refused(
    emu: Emulator, bot: Bot, workers: list[FakeWorker]
) -> None:
    emu.webhooks.balance([workers[0].url])
    await bot.set_webhook(URL, secret_token="s3cret", allowed_updates=["message"])
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    person = emu.person("An")
    await person.send("xin chào")
    assert await emu.wait_until(lambda: workers[0].received or None, 5)
    [(update, secret)] = workers[0].received
    assert secret == "s3cret"
    assert update["message"]["text"] == "xin chào"
    assert await emu.wait_until(lambda: not emu.bot.updates or None, 5)
    info = await bot.get_webhook_info()
    assert info.url == URL
    assert info.pending_update_count == 0


async def test_a_worker_that_fails_gets_the_update_again_from_the_next_one(
    emu: Emulator, bot: Bot, workers: list[FakeWorker]
) -> None:
    workers[0].status = 500
    emu.webhooks.balance([w.url for w in workers])
    await bot.set_webhook(URL, secret_token="s")
    person = emu.person("Bình")
    for text in ("một", "hai", "ba", "bốn"):
        await person.send(text)
    assert await emu.wait_until(lambda: len(workers[1].received) >= 4 or None, 10)
    texts = sorted(update["message"]["text"] for update, _ in workers[1].received)
    assert texts == sorted(["một", "hai", "ba", "bốn"])
    assert workers[0].received  # it was tried: round-robin
    assert {d.status for d in emu.webhooks.failures()} == {500}
    assert not emu.bot.updates


async def test_deliveries_run_side_by_side_up_to_max_connections(emu: Emulator, bot: Bot) -> None:
    hold = asyncio.Event()
    worker = FakeWorker(hold=hold)
    await worker.start()
    try:
        emu.webhooks.balance([worker.url])
        await bot.set_webhook(URL, secret_token="s", max_connections=3)
        people = [emu.person(f"Người {n}") for n in range(6)]
        for person in people:
            await person.send("chào")
        assert await emu.wait_until(lambda: worker.concurrent == 3 or None, 5)
        await asyncio.sleep(0.2)
        assert worker.most_at_once == 3
        hold.set()
        assert await emu.wait_until(lambda: len(worker.received) == 6 or None, 5)
    finally:
        await worker.stop()


async def test_a_webhook_must_be_https(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="HTTPS"):
        await bot.set_webhook("http://127.0.0.1:9/hook")


@pytest.mark.parametrize(
    ("secret", "connections", "error"),
    [("has space", 40, "unallowed characters"), ("ok", 101, "max_connections")],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    bot: Bot, secret: str, connections: int, error: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.set_webhook(URL, secret_token=secret, max_connections=connections)
