"""A person's updates handled one at a time across workers: a lock per person in Redis that
its holder renews while it handles the update, so that it outlives a worker that died
holding it by a few seconds only.

aiogram's RedisEventIsolation takes redis-py's Lock with one fixed expiry for the whole
update: long enough for the slowest handler, it also keeps a dead worker's customer waiting
that long (60 s here before). A short expiry renewed with ``Lock.reacquire`` (back to the
full expiry, only while the token is still this holder's) keeps a long handler's lock and
frees a dead holder's soon.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockNotOwnedError, RedisError

log = logging.getLogger(__name__)

# How long a person's lock outlives a worker that died holding it: that person's next tap
# waits at most this long. A live holder renews it three times within it, so a holder's
# event loop would have to stall for this long (it never blocks: threads do the heavy work)
# before another worker could take the lock.
LOCK_SECONDS = 5.0
# A person's next tap waits for the lock of the one being handled: redis-py polls it every
# ``sleep`` seconds (0.1 by default, which a person notices on every quick tap).
POLL_SECONDS = 0.005


class RenewedRedisEventIsolation(BaseEventIsolation):
    def __init__(
        self,
        redis: Redis,
        key_builder: KeyBuilder,
        *,
        expiry: float = LOCK_SECONDS,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self.expiry = expiry
        self.poll = poll

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = Lock(
            self.redis,
            self.key_builder.build(key, "lock"),
            timeout=self.expiry,
            sleep=self.poll,
            # Renewed by another task than the one that took it.
            thread_local=False,
        )
        await lock.acquire()
        renewal = asyncio.create_task(self._renew(lock))
        try:
            yield
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            try:
                await lock.release()
            except LockNotOwnedError:
                log.warning("the lock %s had expired before the update was handled", lock.name)

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.expiry / 3)
            try:
                await lock.reacquire()
            except LockNotOwnedError:
                log.warning("the lock %s expired while its update was handled", lock.name)
                return
            except RedisError as err:
                # Redis unreachable for a moment: the next renewal may still be in time.
                log.warning("could not renew the lock %s: %s", lock.name, err)

    async def close(self) -> None:
        pass
