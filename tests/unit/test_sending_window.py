"""The sending budget's slots (counted as Telegram counts arrivals) and the outbox's digest
decision."""

from __future__ import annotations

import asyncio
import heapq
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot import sending, slots
from bot.config import SendingSettings
from bot.outbox.pacing import DIGEST_RESERVE, as_digest, wait_for_slot
from bot.slots import LeakyBucket, SlidingWindow
from emulators.telegram.flood import FloodControl, FloodLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(slots.time, "monotonic", clock)
    return clock


async def test_a_window_lets_its_limit_through_in_any_period_and_no_more(clock: Clock) -> None:
    window = SlidingWindow(3, 60.0)
    assert (window.remaining(), window.next_free_in()) == (3, 0.0)
    for _ in range(3):
        await window.take()
        window.give_back()
        clock.now += 10
    # Sent (and answered) at 0, 10 and 20 s; now is 30 s: the first slot frees at 60 s.
    assert window.remaining() == 0
    assert window.next_free_in() == pytest.approx(30.0)
    clock.now += 30
    assert window.remaining() == 1
    assert window.next_free_in() == 0.0
    clock.now += 25
    assert window.remaining() == 3


async def test_acquiring_from_a_full_window_waits_for_the_oldest_slot() -> None:
    window = SlidingWindow(2, 0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(3):
        await window.take()
        window.give_back()
    assert loop.time() - started >= 0.29


def test_a_group_window_is_the_budget_of_twenty_a_minute() -> None:
    budget = sending.SendingBudget(SendingSettings())
    window = budget.group_window(-100)
    assert window is budget.group_window(-100)
    assert window is not budget.group_window(-200)
    assert (window.limit, window.period) == (SendingSettings().group_messages_per_minute, 60.0)


@pytest.mark.parametrize(
    ("alerts", "remaining", "digest"),
    [
        (1, 0, False),  # one alert is one message, whatever the window
        (1, 20, False),
        (2, 20, False),
        (15, 20, False),  # exactly what the window lets through, keeping the reserve
        (16, 20, True),
        (2, DIGEST_RESERVE + 1, True),
        (2, DIGEST_RESERVE + 2, False),
        (3, 0, True),
    ],
)
def test_alerts_go_as_a_digest_when_the_window_cannot_take_them_all(
    alerts: int, remaining: int, digest: bool
) -> None:
    assert as_digest(alerts, remaining) is digest


async def test_a_full_window_says_how_long_until_a_slot_frees(clock: Clock) -> None:
    window = SlidingWindow(2, 60.0)
    assert wait_for_slot(window) is None
    await window.take()
    window.give_back()
    clock.now += 15
    await window.take()
    window.give_back()
    assert wait_for_slot(window) == pytest.approx(45.0)
    clock.now += 45
    assert wait_for_slot(window) is None


async def test_a_slot_is_held_until_its_response_and_its_period_starts_then(clock: Clock) -> None:
    window = SlidingWindow(2, 1.0)
    await window.take()
    await window.take()
    clock.now += 5  # two requests still under way: they may yet arrive together with a third
    assert window.remaining() == 0
    window.give_back()
    clock.now += 0.5
    window.give_back()
    assert window.remaining() == 0
    assert window.next_free_in() == pytest.approx(0.5)  # a second after the first response
    clock.now += 0.5
    assert window.remaining() == 1


async def test_a_chat_bucket_lets_a_burst_through_then_its_rate(clock: Clock) -> None:
    bucket = LeakyBucket(burst=3, rate=1.0)
    for _ in range(3):
        assert bucket.take_at(clock.now) == 0
        bucket.give_back_at(clock.now)
    assert bucket.take_at(clock.now) == pytest.approx(1.0)
    clock.now += 1.0
    assert bucket.take_at(clock.now) == 0


@dataclass(order=True)
class _Event:
    time: float
    order: int
    kind: str = field(compare=False)
    request: int = field(compare=False)


def _rush(seed: int, *, stalls: bool, requests: int = 400) -> tuple[int, float, int]:
    """Requests to five private chats leave as the budget allows, arrive at Telegram (the
    emulator's flood control, on its own clock) and are answered. With ``stalls`` the way
    there stops now and then for up to 1.5 s (a loaded machine, a busy network) and what
    left meanwhile arrives together. Returns how many Telegram refused, when the last was
    answered and the most requests one chat had."""
    rng = random.Random(seed)
    stalled_until = 0.0

    def way(now: float) -> float:
        nonlocal stalled_until
        if stalls and now >= stalled_until and rng.random() < 0.05:
            stalled_until = now + rng.uniform(0.2, 1.5)
        return max(now, stalled_until) + rng.uniform(0.0, 0.05)

    settings = SendingSettings()
    overall = SlidingWindow(settings.messages_per_second, 1.0)
    chats = {chat: LeakyBucket(settings.chat_burst, 1.0) for chat in range(1, 6)}
    telegram = FloodControl(FloodLimits())
    events: list[_Event] = []
    target: dict[int, int] = {}
    for number in range(requests):
        target[number] = rng.randrange(1, 6)
        heapq.heappush(events, _Event(rng.uniform(0, 20), number, "leave", number))
    refused, now = 0, 0.0
    while events:
        event = heapq.heappop(events)
        now, number = event.time, event.request
        chat = chats[target[number]]
        if event.kind == "leave":
            wait = chat.take_at(now)
            if not wait:
                wait = overall.take_at(now)
                if wait:
                    chat.give_back_at(now)  # both slots at once, or neither
            if wait:
                heapq.heappush(events, _Event(now + wait + 0.005, number, "leave", number))
                continue
            heapq.heappush(events, _Event(way(now), number, "arrive", number))
        elif event.kind == "arrive":
            refused += telegram.acquire(target[number], private=True, now=now) > 0
            heapq.heappush(events, _Event(way(now), number, "back", number))
        else:
            chat.give_back_at(now)
            overall.give_back_at(now)
    return refused, now, max(Counter(target.values()).values())


@pytest.mark.parametrize("seed", range(5))
def test_requests_that_arrive_late_and_bunched_are_still_within_telegrams_limits(
    seed: int,
) -> None:
    """However the requests bunch on the way, Telegram refuses none."""
    refused, _, _ = _rush(seed, stalls=True)
    assert refused == 0


def test_holding_slots_costs_little_when_requests_are_quick() -> None:
    """Answered at once, requests go out about as fast as Telegram takes them: a burst,
    then one a second to each chat."""
    refused, finished, most = _rush(1, stalls=False)
    assert refused == 0
    assert finished <= most - SendingSettings().chat_burst + 2.0
