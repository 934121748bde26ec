"""The sending budget shared by every worker, kept in Redis.

Telegram counts what the bot sends, not what each worker sends: with several workers, each
message takes its slots (overall, and its private chat's or group's) from one budget in
Redis. One Lua script checks and takes the slots atomically, on Redis's clock, so workers
on different machines agree. As in bot/slots.py, a slot is held from when it is taken until
the request's response is back (a second script marks it finished, on Redis's clock), since
Telegram counts arrivals:

- overall and per group: a sliding window (a sorted set scored by when each request
  finished; a request under way is scored in the future, by when it no longer counts);
- per private chat: the same sorted set read as a leaky bucket (a short burst, then the
  steady rate), with the rule bot.slots.LeakyBucket states.

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
from bot.slots import HELD_AT_MOST

if TYPE_CHECKING:
    from aiogram.methods import TelegramMethod

    from bot.config import SendingSettings

log = logging.getLogger(__name__)

PREFIX = "ocop:budget"

# KEYS[1] overall window, KEYS[2] the chat's key (or the overall one again when none)
# ARGV: member, overall limit, chat kind ("none" | "group" | "chat"), group limit,
#       group period ms, chat interval ms, chat burst, ms a request under way counts at most
TAKE_SLOTS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local overall_limit = tonumber(ARGV[2])
local kind = ARGV[3]
local held = tonumber(ARGV[8])

local function window_wait(key, limit, period)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
  local count = redis.call('ZCARD', key)
  if count < limit then return 0 end
  local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  local score = tonumber(freeing[2])
  if score > now then return 50 end
  return math.max(score + period - now, 1)
end

local function bucket_wait(key, burst, interval)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 300 * interval)
  local under_way = redis.call('ZCOUNT', key, '(' .. now, '+inf')
  if under_way + 1 > burst then return 50 end
  local finished = redis.call('ZREVRANGEBYSCORE', key, now, '-inf', 'WITHSCORES', 'LIMIT', 0, 256)
  local wait = 0
  for n = 1, #finished / 2 do
    local excess = under_way + n + 1 - burst
    if excess > 0 then
      wait = math.max(wait, tonumber(finished[2 * n]) + excess * interval - now)
    end
  end
  if wait > 0 then return math.max(math.ceil(wait), 1) end
  return 0
end

local wait = window_wait(KEYS[1], overall_limit, 1000)
local chat_ttl = 0
if kind == 'group' then
  wait = math.max(wait, window_wait(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5])))
  chat_ttl = tonumber(ARGV[5])
elseif kind == 'chat' then
  wait = math.max(wait, bucket_wait(KEYS[2], tonumber(ARGV[7]), tonumber(ARGV[6])))
  chat_ttl = 300 * tonumber(ARGV[6])
end
if wait > 0 then return wait end

redis.call('ZADD', KEYS[1], now + held, member)
redis.call('PEXPIRE', KEYS[1], held + 2000)
if kind ~= 'none' then
  redis.call('ZADD', KEYS[2], now + held, member)
  redis.call('PEXPIRE', KEYS[2], held + chat_ttl + 1000)
end
return 0
"""

# The request is back: its slots count from now. KEYS as above; ARGV[1] the member.
GIVE_BACK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now, ARGV[1])
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
        self._give_back = redis.register_script(GIVE_BACK)
        self.waited = 0  # times a message waited for the shared budget (for the benchmark)
        # Each request's member in the shared sets, until its response is back.
        self._members: dict[int, tuple[list[str], str]] = {}
        self._finishing: set[asyncio.Task[None]] = set()

    def _keys(self, chat_id: int | None) -> tuple[str, list[str]]:
        overall = f"{self.prefix}:all"
        if chat_id is None:
            return "none", [overall, overall]
        if chat_id > 0:
            return "chat", [overall, f"{self.prefix}:chat:{chat_id}"]
        return "group", [overall, f"{self.prefix}:group:{chat_id}"]

    async def acquire(self, method: TelegramMethod[Any]) -> None:
        if not _is_message(method):
            return
        await super().acquire(method)
        chat_id = getattr(method, "chat_id", None)
        try:
            member = await self.take_shared(chat_id if isinstance(chat_id, int) else None)
        except BaseException:
            super().release(method)
            raise
        if member is not None:
            self._members[id(method)] = member

    def release(self, method: TelegramMethod[Any]) -> None:
        super().release(method)
        member = self._members.pop(id(method), None)
        if member is not None:
            keys, name = member
            self._finish(keys, name)

    def _finish(self, keys: list[str], member: str) -> None:
        task = asyncio.get_running_loop().create_task(self._mark_finished(keys, member))
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    async def _mark_finished(self, keys: list[str], member: str) -> None:
        try:
            await self._give_back(keys=keys, args=[member])
        except RedisError as err:  # the slot then counts until it is no longer held
            log.warning("shared sending budget unreachable (%s): a slot held longer", err)

    async def take_shared(self, chat_id: int | None) -> tuple[list[str], str] | None:
        """Takes the shared slots (waiting for them); their keys and member, or None when
        Redis cannot be reached."""
        kind, keys = self._keys(chat_id)
        member = secrets.token_hex(8)
        settings = self.settings
        args: list[str | int | float] = [
            member,
            settings.messages_per_second,
            kind,
            settings.group_messages_per_minute,
            60_000,
            1000.0 / settings.chat_messages_per_second,
            settings.chat_burst,
            int(HELD_AT_MOST * 1000),
        ]
        while True:
            try:
                wait_ms = int(await self._take(keys=keys, args=args))
            except RedisError as err:
                log.warning("shared sending budget unreachable (%s): this worker's only", err)
                return None
            if wait_ms <= 0:
                return keys, member
            self.waited += 1
            await asyncio.sleep(wait_ms / 1000 + 0.002)
