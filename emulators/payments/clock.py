"""Emulated time for the payment providers: it moves only when a test says so, so that an
hour of webhook retries takes no time at all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Banks and the three providers print times in Vietnam's time, without an offset.
VIETNAM = timezone(timedelta(hours=7), "ICT")


class EmulatedClock:
    """Starts at the real time (or ``start``) and moves forward only by ``move_to``."""

    def __init__(self, start: datetime | None = None) -> None:
        now = start or datetime.now(VIETNAM)
        if now.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = now.astimezone(VIETNAM).replace(microsecond=0)

    def now(self) -> datetime:
        return self._now

    def move_to(self, when: datetime) -> None:
        if when < self._now:
            raise ValueError("the emulated clock does not go back")
        self._now = when


def bank_time(when: datetime) -> str:
    """``2024-10-03 15:06:37``: how SePay, Casso and payOS webhooks print a transaction's time."""
    return when.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S")
