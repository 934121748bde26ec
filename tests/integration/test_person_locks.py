"""A person's lock in a real Redis, as the webhook workers take it (bot.shared): a worker
killed while it holds one keeps that person waiting only briefly, and a long update keeps
its lock however long it takes."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis

from bot.isolation import LOCK_SECONDS, RenewedRedisEventIsolation
from bot.shared import SharedServices

KEY = StorageKey(bot_id=777000, chat_id=4242, user_id=4242)

# A worker's isolation, as bot.shared builds it, taking a person's lock and dying with it.
HOLDER = """
import asyncio, sys, time
from aiogram.fsm.storage.base import StorageKey
from bot.shared import SharedServices

async def main() -> None:
    shared = SharedServices.from_url(sys.argv[1])
    async with shared.isolation.lock(StorageKey(bot_id=777000, chat_id=4242, user_id=4242)):
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_lock_left_by_a_killed_worker_frees_within_seconds(
    redis_url: str, redis: Redis
) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, redis_url, stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), timeout=60) == b"held\n"
    # Held well past one expiry: the living holder renews it.
    await asyncio.sleep(LOCK_SECONDS * 1.5)
    isolation = SharedServices(redis).isolation
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.5), isolation.lock(KEY):
            pass

    holder.send_signal(signal.SIGKILL)
    await holder.wait()
    async with asyncio.timeout(LOCK_SECONDS + 1), isolation.lock(KEY):
        pass


async def test_a_long_update_keeps_its_lock_and_the_next_one_waits_for_it(redis: Redis) -> None:
    expiry = 0.3
    first = RenewedRedisEventIsolation(redis, DefaultKeyBuilder(with_destiny=True), expiry=expiry)
    second = RenewedRedisEventIsolation(redis, DefaultKeyBuilder(with_destiny=True), expiry=expiry)
    events: list[str] = []

    async def long_update() -> None:
        async with first.lock(KEY):
            events.append("first in")
            await asyncio.sleep(expiry * 8)
            events.append("first out")

    async def next_update() -> None:
        await asyncio.sleep(expiry)
        async with second.lock(KEY):
            events.append("second in")

    await asyncio.gather(long_update(), next_update())
    assert events == ["first in", "first out", "second in"]
    lock = DefaultKeyBuilder(with_destiny=True).build(KEY, "lock")
    assert await redis.exists(lock) == 0
