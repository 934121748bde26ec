"""What several workers share through Redis (``REDIS_URL``): aiogram's own Redis FSM storage
and event isolation, the change feed between caches, the sending budget, the elected
outbox sender. Without Redis, one process keeps all of it in memory and the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.changes import (
    ChangeFeed,
    SharedCatalogCache,
    SharedLanguageCache,
    SharedOutboxSignal,
    worker_name,
)
from bot.config import SendingSettings
from bot.election import OutboxElection
from bot.isolation import RenewedRedisEventIsolation
from bot.redisbudget import RedisSendingBudget
from bot.tasks import Duty


@dataclass
class SharedServices:
    redis: Redis
    worker: str = field(default_factory=worker_name)

    def __post_init__(self) -> None:
        self.feed = ChangeFeed(self.redis, self.worker)
        keys = DefaultKeyBuilder(with_destiny=True)
        # Conversation state survives a restart of every worker: Redis keeps it (persist
        # Redis to disk, as Debian's default configuration does).
        self.storage = RedisStorage(self.redis, key_builder=keys)
        # A person's updates one at a time, whichever worker takes each (bot.isolation).
        self.isolation = RenewedRedisEventIsolation(self.redis, keys)

    @classmethod
    def from_url(cls, url: str) -> SharedServices:
        return cls(Redis.from_url(url))

    def catalog_cache(
        self, session_factory: async_sessionmaker[AsyncSession]
    ) -> SharedCatalogCache:
        return SharedCatalogCache(session_factory, self.feed)

    def language_cache(self) -> SharedLanguageCache:
        return SharedLanguageCache(self.feed)

    def outbox_signal(self) -> SharedOutboxSignal:
        return SharedOutboxSignal(self.feed)

    def budget(self, settings: SendingSettings) -> RedisSendingBudget:
        return RedisSendingBudget(settings, self.redis)

    def elect(self, sender: Duty) -> OutboxElection:
        self.election = OutboxElection(self.redis, sender, self.worker)
        return self.election

    async def start(self, bot: Bot) -> None:
        await self.feed.start()
        await self.election.start(bot)

    async def stop(self) -> None:
        await self.election.stop()
        await self.feed.stop()
        await self.redis.aclose()
