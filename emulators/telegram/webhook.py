"""Telegram's side of a webhook: pending updates posted to the bot, as Telegram posts them.

While a webhook is set (``setWebhook``), each update is posted as JSON to the webhook URL
with the ``X-Telegram-Bot-Api-Secret-Token`` header, at most ``max_connections`` at once.
An update is delivered when the bot answers 2xx; any other answer, or no answer, and it is
posted again a little later. ``getUpdates`` answers 409 meanwhile (methods.updates).

A test may stand in for the load balancer in front of several workers: ``balance(urls)``
posts to those workers in turn (round-robin) instead of the public URL, with its path.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from emulators.telegram.methods.updates import update_kind

if TYPE_CHECKING:
    from emulators.telegram.models import BotAccount
    from emulators.telegram.server import Emulator

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Delivery:
    """One attempt to post an update: where, which update, and the status (0: no answer)."""

    url: str
    update_id: int
    status: int


class WebhookDelivery:
    def __init__(self, emulator: Emulator, default_updates: frozenset[str]) -> None:
        self.emulator = emulator
        self.default_updates = default_updates
        self.targets: list[str] = []
        self.retry_seconds = 0.2
        self.timeout_seconds = 60.0
        self.attempts: list[Delivery] = []
        # The updates being posted now, by id: (where to, the update).
        self.posting: dict[int, tuple[str, dict[str, Any]]] = {}
        self._turn = itertools.count()
        self._in_flight: set[int] = set()
        self._not_before: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._stopping = False

    def balance(self, worker_urls: list[str]) -> None:
        """Post to these workers (``http://127.0.0.1:PORT``) in turn; empty: the webhook URL."""
        self.targets = [url.rstrip("/") for url in worker_urls]
        self._turn = itertools.count()

    def failures(self) -> list[Delivery]:
        return [attempt for attempt in self.attempts if not 200 <= attempt.status < 300]

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout_seconds)
        )
        self._stopping = False
        self._loop_task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        # A flag as well as cancel(): asyncio.wait_for (in wait_until) may swallow a
        # cancellation that arrives as its future completes (Python 3.11).
        self._stopping = True
        tasks = [task for task in (self._loop_task, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _due(self) -> list[dict[str, Any]] | None:
        if not self.emulator.bots:
            return None
        bot = self.emulator.bot
        hook = bot.webhook
        if hook is None:
            return None
        wanted = set(hook.get("allowed_updates") or self.default_updates)
        bot.updates[:] = [u for u in bot.updates if update_kind(u) in wanted]
        free = int(hook["max_connections"]) - len(self._in_flight)
        now = time.monotonic()
        due = [
            update
            for update in bot.updates
            if update["update_id"] not in self._in_flight
            and self._not_before.get(update["update_id"], 0.0) <= now
        ]
        return due[:free] or None

    async def _run(self) -> None:
        while not self._stopping:
            due = await self.emulator.wait_until(self._due, self.retry_seconds)
            for update in due or ():
                bot = self.emulator.bot
                self._in_flight.add(update["update_id"])
                task = asyncio.create_task(self._post(bot, update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if due is None:
                await asyncio.sleep(0.01)

    def _url(self, hook: dict[str, Any]) -> str:
        if not self.targets:
            return str(hook["url"])
        parts = urlsplit(str(hook["url"]))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.targets[next(self._turn) % len(self.targets)] + path

    async def _post(self, bot: BotAccount, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        hook = bot.webhook
        status = 0
        url = ""
        try:
            if hook is None:
                return
            url = self._url(hook)
            self.posting[update_id] = (url, update)
            headers = {SECRET_HEADER: hook["secret_token"]} if hook.get("secret_token") else {}
            assert self._session is not None
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self._session.post(url, json=update, headers=headers) as response:
                    await response.read()
                    status = response.status
            self.attempts.append(Delivery(url, update_id, status))
            if 200 <= status < 300:
                bot.updates[:] = [u for u in bot.updates if u["update_id"] != update_id]
                self._not_before.pop(update_id, None)
            else:
                self._not_before[update_id] = time.monotonic() + self.retry_seconds
        finally:
            self.posting.pop(update_id, None)
            self._in_flight.discard(update_id)
            self.emulator.notify_changed()
