"""The sending budget shared by every worker, kept in Redis.

Telegram counts what the bot sends, not what each worker sends: with several workers, each
message takes its slots (overall, and its private chat's or group's) from one budget in
Redis. One Lua script checks and takes the slots atomically, on Redis's clock, so workers
on different machines agree:

- overall and per group: a sliding window (a sorted set of send times);
- per private chat: a leaky bucket (the time the bucket is empty again, GCRA style), which
  lets a short burst through and then the steady rate.

The script answers 0 (slots taken) or the milliseconds to wait before asking again. When
Redis cannot be reached, the worker keeps to its own budget rather than stop sending.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.sending import SendingBudget, _is_message

if TYPE_CHECKING:
    from aiogram.methods import TelegramMethod

    from bot.config import SendingSettings

log = logging.getLogger(__name__)

PREFIX = "ocop:budget"

# KEYS[1] overall window, KEYS[2] the chat's key (or the overall one again when none)
# ARGV: member, overall limit, chat kind ("none" | "group" | "chat"), group limit,
#       group period ms, chat interval ms, chat burst
TAKE_SLOTS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local overall_limit = tonumber(ARGV[2])
local kind = ARGV[3]

local function window_wait(key, limit, period)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
  if redis.call('ZCARD', key) < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(tonumber(oldest[2]) + period - now, 1)
end

local wait = window_wait(KEYS[1], overall_limit, 1000)
local tat = now
if kind == 'group' then
  wait = math.max(wait, window_wait(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5])))
elseif kind == 'chat' then
  local interval = tonumber(ARGV[6])
  local tolerance = (tonumber(ARGV[7]) - 1) * interval
  tat = math.max(tonumber(redis.call('GET', KEYS[2]) or now), now)
  if tat - now > tolerance then wait = math.max(wait, tat - now - tolerance) end
end
if wait > 0 then return wait end

redis.call('ZADD', KEYS[1], now, member)
redis.call('PEXPIRE', KEYS[1], 2000)
if kind == 'group' then
  redis.call('ZADD', KEYS[2], now, member)
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) + 1000)
elseif kind == 'chat' then
  local next_tat = tat + tonumber(ARGV[6])
  redis.call('SET', KEYS[2], next_tat, 'PX', math.ceil(next_tat - now) + 1000)
end
return 0
"""


class RedisSendingBudget(SendingBudget):
    """This worker's budget (which the outbox's digests read), and then the whole bot's."""

    def __init__(self, settings: SendingSettings, redis: Redis, prefix: str = PREFIX) -> None:
        super().__init__(settings)
        self.redis = redis
        self.prefix = prefix
        self._take = redis.register_script(TAKE_SLOTS)
        self.waited = 0  # times a message waited for the shared budget (for the benchmark)

    async def acquire(self, method: TelegramMethod[Any]) -> None:
        if not _is_message(method):
            return
        await super().acquire(method)
        chat_id = getattr(method, "chat_id", None)
        await self.take_shared(chat_id if isinstance(chat_id, int) else None)

    async def take_shared(self, chat_id: int | None) -> None:
        overall = f"{self.prefix}:all"
        if chat_id is None:
            kind, chat_key = "none", overall
        elif chat_id > 0:
            kind, chat_key = "chat", f"{self.prefix}:chat:{chat_id}"
        else:
            kind, chat_key = "group", f"{self.prefix}:group:{chat_id}"
        settings = self.settings
        args: list[str | int | float] = [
            secrets.token_hex(8),
            settings.messages_per_second,
            kind,
            settings.group_messages_per_minute,
            60_000,
            1000.0 / settings.chat_messages_per_second,
            settings.chat_burst,
        ]
        while True:
            try:
                wait_ms = int(await self._take(keys=[overall, chat_key], args=args))
            except RedisError as err:
                log.warning("shared sending budget unreachable (%s): this worker's only", err)
                return
            if wait_ms <= 0:
                return
            self.waited += 1
            await asyncio.sleep(wait_ms / 1000 + 0.002)
