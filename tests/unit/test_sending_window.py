"""The sending budget's sliding window and the outbox's digest decision."""

from __future__ import annotations

import asyncio

import pytest

from bot import sending
from bot.config import SendingSettings
from bot.outbox.pacing import DIGEST_RESERVE, as_digest, wait_for_slot
from bot.sending import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sending.time, "monotonic", clock)
    return clock


async def test_a_window_lets_its_limit_through_in_any_period_and_no_more(clock: Clock) -> None:
    window = SlidingWindow(3, 60.0)
    assert (window.remaining(), window.next_free_in()) == (3, 0.0)
    for _ in range(3):
        await window.acquire()
        clock.now += 10
    # Sent at 0, 10 and 20 s; now is 30 s: the first slot frees at 60 s.
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
        await window.acquire()
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
    await window.acquire()
    clock.now += 15
    await window.acquire()
    assert wait_for_slot(window) == pytest.approx(45.0)
    clock.now += 45
    assert wait_for_slot(window) is None
