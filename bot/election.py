"""One outbox sender among several workers, elected through a Redis key with a lease; the
elected worker does the shop's other single duties too (scheduled backups: bot.tasks.Duty).

Every worker could claim outbox rows (their leases keep two from sending the same row),
but a group's 20 messages a minute and the digest that replaces a backlog are decided by
whoever sends: one sender sees the whole backlog of every group. The worker that sets the
key (``SET NX PX``) sends; it renews the lease well before it runs out. When that worker
dies, the key expires and another worker takes over within ``lease + check`` seconds, and
claims the dead worker's rows once their outbox leases have run out: nothing is lost, and
only a message sent but not yet recorded when the worker died goes out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.tasks import Duty, cancel_and_wait

log = logging.getLogger(__name__)

KEY = "ocop:outbox:sender"

# Renew only a lease that is still ours; release only our own.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class OutboxElection:
    def __init__(
        self,
        redis: Redis,
        sender: Duty,
        worker: str,
        *,
        lease_seconds: float = 5.0,
        key: str = KEY,
    ) -> None:
        self.redis = redis
        self.sender = sender
        self.worker = worker
        self.lease_ms = int(lease_seconds * 1000)
        self.key = key
        self.leading = False
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)
        self._task: asyncio.Task[None] | None = None

    async def start(self, bot: Bot) -> None:
        self._task = asyncio.create_task(self._run(bot), name="outbox-election")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        if self.leading:
            await self._step_down()
            with contextlib.suppress(RedisError):
                await self._release(keys=[self.key], args=[self.worker])

    async def _run(self, bot: Bot) -> None:
        check = self.lease_ms / 1000 / 3
        while True:
            try:
                if self.leading:
                    if not await self._renew(keys=[self.key], args=[self.worker, self.lease_ms]):
                        log.warning("outbox: no longer the sender (lease lost)")
                        await self._step_down()
                elif await self.redis.set(self.key, self.worker, nx=True, px=self.lease_ms):
                    log.info("outbox: this worker (%s) sends the outbox", self.worker)
                    self.leading = True
                    await self.sender.start(bot)
            except RedisError as err:
                # Without Redis no one can tell who sends: stop, rather than send twice.
                log.warning("outbox election: %s", err)
                if self.leading:
                    await self._step_down()
            await asyncio.sleep(check)

    async def _step_down(self) -> None:
        self.leading = False
        await self.sender.stop()
