"""Changes one worker commits, made known to every worker's caches (Redis pub/sub).

Each worker keeps the catalog and its users' languages in memory. When a worker commits a
stock, price, visibility or product change, or a person picks a language, it publishes a
small message on one Redis channel; every other worker drops what it holds about that
product or person, and reads it again on the next tap. Queued outbox rows wake the worker
that sends them.

Redis pub/sub rather than PostgreSQL's LISTEN/NOTIFY: several workers need Redis anyway
(conversation state, event isolation, the sending budget), a subscriber holds no database
connection out of SQLAlchemy's pool, and it works the same on SQLite. A message published
while a worker is not subscribed is lost, so a worker that (re)subscribes drops all it
holds; the caches' own expiry (a minute) stays as the last resort.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import Iterable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import LanguageCache
from bot.tasks import cancel_and_wait
from catalog.outbox import OutboxSignal
from catalog.services import users
from catalog.snapshot import CatalogCache

log = logging.getLogger(__name__)

CHANNEL = "ocop:changes"


def worker_name() -> str:
    """This process, as other workers and an operator see it: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class ChangeFeed:
    """Publishes this worker's changes; applies the other workers' ones."""

    def __init__(self, redis: Redis, worker: str) -> None:
        self.redis = redis
        self.worker = worker
        self.catalog: SharedCatalogCache | None = None
        self.languages: SharedLanguageCache | None = None
        self.outbox: SharedOutboxSignal | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()

    def publish(self, **change: Any) -> None:
        """Sent in the background: called right after a commit, from code that cannot wait."""
        message = json.dumps({"from": self.worker, **change})
        task = asyncio.get_running_loop().create_task(self._send(message))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, message: str) -> None:
        try:
            await self.redis.publish(CHANNEL, message)
        except RedisError as err:
            log.warning("could not tell the other workers of a change: %s", err)

    def apply(self, raw: bytes | str) -> None:
        change = json.loads(raw)
        if change.get("from") == self.worker:
            return
        if self.catalog is not None:
            if change.get("catalog"):
                self.catalog.invalidate_here()
            if change.get("products"):
                self.catalog.products_changed_here(int(i) for i in change["products"])
        if self.languages is not None and change.get("user"):
            self.languages.forget(int(change["user"]))
        if self.outbox is not None and change.get("outbox"):
            self.outbox.notify_here()

    def _drop_everything(self) -> None:
        if self.catalog is not None:
            self.catalog.invalidate_here()
        if self.languages is not None:
            self.languages.clear()

    # -- the subscriber ---------------------------------------------------------------------

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="change-feed")
        # Subscribed before the worker takes updates, so nothing committed elsewhere is missed.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.subscribed.wait(), timeout=10)

    async def stop(self) -> None:
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._drop_everything()  # whatever was published meanwhile is unknown
                    self.subscribed.set()
                    delay = 0.5
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._apply_safely(message["data"])
            except (RedisError, OSError) as err:
                self.subscribed.clear()
                log.warning("change feed lost (%s); subscribing again in %.1f s", err, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _apply_safely(self, raw: bytes | str) -> None:
        try:
            self.apply(raw)
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring a malformed change message: %r", raw)


class SharedCatalogCache(CatalogCache):
    """The catalog cache; what this worker commits is published to the others."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], feed: ChangeFeed
    ) -> None:
        super().__init__(session_factory)
        self.feed = feed
        feed.catalog = self

    def invalidate(self) -> None:
        super().invalidate()
        self.feed.publish(catalog=True)

    def products_changed(self, product_ids: Iterable[int]) -> None:
        ids = sorted(set(product_ids))
        super().products_changed(ids)
        self.feed.publish(products=ids)

    def invalidate_here(self) -> None:
        super().invalidate()

    def products_changed_here(self, product_ids: Iterable[int]) -> None:
        super().products_changed(product_ids)


class SharedLanguageCache(LanguageCache):
    """The language cache; a language chosen on this worker is forgotten by the others."""

    def __init__(self, feed: ChangeFeed) -> None:
        super().__init__()
        self.feed = feed
        feed.languages = self
        self._reading = False

    def put(
        self,
        user_id: int,
        language: str | None,
        registration: users.Registration | None = None,
    ) -> None:
        super().put(user_id, language, registration)
        if not self._reading:
            self.feed.publish(user=user_id)

    def remember(self, user_id: int, known: users.KnownUser | None) -> str:
        # What was read from the database is news to nobody.
        self._reading = True
        try:
            return super().remember(user_id, known)
        finally:
            self._reading = False

    def forget(self, user_id: int) -> None:
        self._items.pop(user_id, None)

    def clear(self) -> None:
        self._items.clear()


class SharedOutboxSignal(OutboxSignal):
    """Wakes the outbox sender, whichever worker it runs on."""

    def __init__(self, feed: ChangeFeed) -> None:
        super().__init__()
        self.feed = feed
        feed.outbox = self

    def notify(self) -> None:
        super().notify()
        self.feed.publish(outbox=True)

    def notify_here(self) -> None:
        super().notify()
