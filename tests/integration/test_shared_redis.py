"""What workers share through a real Redis server: the sending budget, the change feed and
the election of the outbox sender. Two instances of each stand for two workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from redis.asyncio import Redis

from bot.changes import ChangeFeed, SharedCatalogCache, SharedLanguageCache, SharedOutboxSignal
from bot.config import SendingSettings
from bot.election import OutboxElection
from bot.redisbudget import RedisSendingBudget
from catalog.db import create_engine, create_session_factory

SETTINGS = SendingSettings(
    messages_per_second=4, group_messages_per_minute=2, chat_messages_per_second=1, chat_burst=2
)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def take(budget: RedisSendingBudget, chat_id: int, *, answered: bool = True) -> int:
    """The script's answer for one message to ``chat_id``: 0 (taken) or ms to wait. Unless
    ``answered`` is False, a message that went is answered at once."""
    kind = "group" if chat_id < 0 else "chat"
    keys = [f"{budget.prefix}:all", f"{budget.prefix}:{kind}:{chat_id}"]
    member = "m" + str(id(keys)) + str(asyncio.get_running_loop().time())
    args: list[Any] = [member, SETTINGS.messages_per_second, kind]
    args += [SETTINGS.group_messages_per_minute, 60_000]
    args += [1000.0 / SETTINGS.chat_messages_per_second, SETTINGS.chat_burst, 60_000]
    wait = int(await budget._take(keys=keys, args=args))
    if wait == 0 and answered:
        await budget._give_back(keys=keys, args=[member])
    return wait


async def test_overall_budget_is_one_for_both_workers(redis: Redis) -> None:
    first, second = RedisSendingBudget(SETTINGS, redis), RedisSendingBudget(SETTINGS, redis)
    answers = [await take(worker, 1000 + n) for n, worker in enumerate([first, second] * 2)]
    assert answers == [0, 0, 0, 0]
    # The fifth message this second, whichever worker sends it, waits.
    assert 0 < await take(second, 2000) <= 1000
    assert 0 < await take(first, 2001) <= 1000


async def test_a_groups_minute_is_shared_and_a_chat_gets_its_burst(redis: Redis) -> None:
    first, second = RedisSendingBudget(SETTINGS, redis), RedisSendingBudget(SETTINGS, redis)
    assert await take(first, -77) == 0
    assert await take(second, -77) == 0
    assert 1000 < await take(first, -77) <= 60_000  # the third in a minute waits for the first
    await redis.delete(f"{first.prefix}:all")
    assert await take(first, 55) == 0
    assert await take(second, 55) == 0  # a burst of two
    assert 0 < await take(first, 55) <= 1000  # then one a second


async def test_a_message_under_way_holds_its_slots_until_it_is_answered(redis: Redis) -> None:
    """Telegram counts a message when it arrives, which may be as late as its answer: until
    then the slot stays taken, however long ago it left."""
    budget = RedisSendingBudget(SETTINGS, redis)
    assert await take(budget, 66, answered=False) == 0
    assert await take(budget, 66, answered=False) == 0
    await asyncio.sleep(1.1)  # a second later the chat's burst of two is still under way
    assert 0 < await take(budget, 66) <= 50
    assert await take(budget, 1066, answered=False) == 0
    assert await take(budget, 1067, answered=False) == 0
    assert 0 < await take(budget, 1068) <= 50  # four under way: the overall window is full


async def test_the_middleware_gives_the_shared_slots_back_when_the_answer_comes(
    redis: Redis,
) -> None:
    budget = RedisSendingBudget(SETTINGS.model_copy(update={"chat_burst": 1}), redis)
    method = SendMessage(chat_id=77, text="a")

    async def now_ms() -> float:
        seconds, micros = await redis.time()
        return float(seconds * 1000 + micros / 1000)

    async def answered(bot: Any, sent: SendMessage) -> str:
        scores = await redis.zrange(f"{budget.prefix}:chat:77", 0, -1, withscores=True)
        now = await now_ms()
        assert [score > now + 50_000 for _, score in scores] == [True]  # held
        return "ok"

    assert await budget.middleware(answered, None, method) == "ok"  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    [(_, score)] = await redis.zrange(f"{budget.prefix}:chat:77", 0, -1, withscores=True)
    assert score <= await now_ms()  # finished: it counts from its answer


async def test_a_message_waits_for_the_shared_budget_then_goes(redis: Redis) -> None:
    settings = SETTINGS.model_copy(update={"messages_per_second": 1})
    budget = RedisSendingBudget(settings, redis)
    other = RedisSendingBudget(settings, redis)
    await other.acquire(SendMessage(chat_id=1, text="a"))
    await budget.acquire(SendMessage(chat_id=2, text="b"))
    assert budget.waited >= 1


@pytest.fixture
async def caches(redis_url: str, sqlite_url: str) -> AsyncIterator[list[ChangeFeed]]:
    engine = create_engine(sqlite_url)
    factory = create_session_factory(engine)
    feeds = []
    for name in ("one", "two"):
        feed = ChangeFeed(Redis.from_url(redis_url), name)
        SharedCatalogCache(factory, feed)
        SharedLanguageCache(feed)
        SharedOutboxSignal(feed)
        await feed.start()
        feeds.append(feed)
    yield feeds
    for feed in feeds:
        await feed.stop()
        await feed.redis.aclose()
    await engine.dispose()


async def eventually(probe: Any) -> bool:
    for _ in range(200):
        if probe():
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_change_committed_on_one_worker_reaches_the_others_caches(
    caches: list[ChangeFeed],
) -> None:
    for feed in caches:
        assert feed.catalog
        assert feed.languages
        assert feed.outbox
    one, two = caches
    two.catalog._full_reload = False
    one.catalog.products_changed([7, 3])
    assert await eventually(lambda: two.catalog and two.catalog._stale == {3, 7})
    one.catalog.invalidate()
    assert await eventually(lambda: two.catalog and two.catalog._full_reload)

    two.languages.remember(42, None)  # read from the database: no language chosen
    assert two.languages.get(42) == ""
    one.languages.put(42, "en")
    assert await eventually(lambda: two.languages and two.languages.get(42) is None)
    assert one.languages.get(42) == "en"  # its own change is not undone

    waiting = asyncio.create_task(two.outbox.wait(5))
    one.outbox.notify()
    await asyncio.wait_for(waiting, 2)


async def test_what_a_worker_reads_from_the_database_is_not_published(
    caches: list[ChangeFeed],
) -> None:
    one, two = caches
    assert one.languages
    assert two.languages
    two.languages.put(9, "vi")
    one.languages.remember(9, None)
    one.languages.put(10, "en")  # a change after it, to know the feed has been read
    assert await eventually(lambda: two.languages and two.languages.get(10) is None)
    assert two.languages.get(9) == "vi"


class Sender:
    """Stands for the outbox sender: records when it is told to start and stop."""

    def __init__(self) -> None:
        self.running = False

    async def start(self, bot: Bot) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False


async def test_one_worker_sends_the_outbox_and_another_takes_over_when_it_dies(
    redis: Redis,
) -> None:
    bot = Bot("42:TEST")
    senders = [Sender(), Sender()]
    elections = [
        OutboxElection(redis, sender, name, lease_seconds=0.3)
        for sender, name in zip(senders, ("one", "two"), strict=True)
    ]
    await elections[0].start(bot)
    assert await eventually(lambda: senders[0].running)
    await elections[1].start(bot)
    await asyncio.sleep(0.5)
    assert [s.running for s in senders] == [True, False]

    # The first worker dies: its loop stops without giving the lease back.
    assert elections[0]._task is not None
    elections[0]._task.cancel()
    assert await eventually(lambda: senders[1].running)
    assert await redis.get("ocop:outbox:sender") == b"two"

    await elections[1].stop()
    assert not senders[1].running
    assert await redis.get("ocop:outbox:sender") is None
    await bot.session.close()
