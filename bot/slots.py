"""Sending slots counted the way Telegram counts them: when a request arrives, not when it left.

A request leaves when its slot is taken and arrives at Telegram some time before its response
comes back; on a loaded machine (or a busy network) requests taken a second apart can arrive
together, and a budget counted at departure lets through more than Telegram takes (a rush
measured 122 × 429 that way). So a slot is held from the moment it is taken until its
response is back, and only then starts its period: whatever the delays, the requests that
arrive within any period of Telegram's were all counted within one of ours.

``take`` holds a slot (waiting for one), ``give_back`` ends the request (``take_at`` and
``give_back_at`` are the same on a given clock). Both are cheap: a deque and a sorted list per
window, trimmed as they are read.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque

# How long a taken slot may stay unanswered before it no longer holds back others: a
# request the session abandoned (its task cancelled) must not block its chat for ever.
HELD_AT_MOST = 60.0


class _Slots:
    """Requests under way (taken, response not back) and when the finished ones finished."""

    def __init__(self) -> None:
        self._under_way: deque[float] = deque()  # when each was taken
        self._finished: list[float] = []  # ascending

    def _drop_abandoned(self, now: float) -> None:
        while self._under_way and now - self._under_way[0] > HELD_AT_MOST:
            self._under_way.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more request may go (0: now)."""
        raise NotImplementedError

    def _keep_finished(self, now: float) -> None:
        raise NotImplementedError

    def take_at(self, now: float) -> float:
        """Holds a slot if one is free at ``now`` (0 is returned), else returns the wait."""
        self._drop_abandoned(now)
        self._keep_finished(now)
        wait = self.wait(now)
        if wait <= 0:
            self._under_way.append(now)
            return 0.0
        return wait

    def give_back_at(self, now: float) -> None:
        if self._under_way:
            self._under_way.popleft()
        bisect.insort(self._finished, now)

    async def take(self) -> None:
        while True:
            wait = self.take_at(time.monotonic())
            if not wait:
                return
            await asyncio.sleep(wait + 0.005)

    def give_back(self) -> None:
        self.give_back_at(time.monotonic())


class SlidingWindow(_Slots):
    """At most ``limit`` requests arriving in any ``period`` seconds.

    A leaky bucket of the same rate would allow a burst *and* a steady flow in one period,
    which is more than Telegram accepts from a group (and overall).
    """

    def __init__(self, limit: int, period: float) -> None:
        super().__init__()
        self.limit = limit
        self.period = period

    def _keep_finished(self, now: float) -> None:
        cut = bisect.bisect_right(self._finished, now - self.period)
        if cut:
            del self._finished[:cut]

    def _held(self, now: float) -> int:
        self._drop_abandoned(now)
        self._keep_finished(now)
        return len(self._under_way) + len(self._finished)

    def remaining(self) -> int:
        return max(self.limit - self._held(time.monotonic()), 0)

    def wait(self, now: float) -> float:
        held = self._held(now)
        if held < self.limit:
            return 0.0
        # The finished slot whose period's end frees enough of them; while requests under way
        # alone fill the window, a short wait and a look again.
        index = held - self.limit
        if index < len(self._finished):
            return self._finished[index] + self.period - now
        return min(self.period, 0.05)

    def next_free_in(self) -> float:
        return self.wait(time.monotonic())


class LeakyBucket(_Slots):
    """Telegram's private-chat limit: ``burst`` at once, then ``rate`` a second.

    A request conforms when, for every earlier one, the requests from it to this one are at
    most ``burst`` plus what drained since it arrived. Arrival is not known, only that it was
    before the response came back, so each is taken to arrive then (the latest it could), and
    requests still under way count as having arrived just now.
    """

    MAX_REMEMBERED = 256

    def __init__(self, burst: int, rate: float) -> None:
        super().__init__()
        self.burst = burst
        self.rate = rate

    def _keep_finished(self, now: float) -> None:
        # One that finished longer ago than every request since it could drain holds nothing.
        finished = self._finished
        while finished and (
            len(finished) > self.MAX_REMEMBERED
            or now - finished[0] > (len(finished) + len(self._under_way)) / self.rate
        ):
            del finished[0]

    def wait(self, now: float) -> float:
        under_way = len(self._under_way)
        if under_way + 1 > self.burst:
            return min(1.0 / self.rate, 0.05)
        wait = 0.0
        # The n most recent finished ones, with this request and those under way, must fit
        # the burst plus what drains from the n-th most recent's arrival until now.
        for n, finished in enumerate(reversed(self._finished), start=1):
            excess = under_way + n + 1 - self.burst
            if excess > 0:
                wait = max(wait, finished + excess / self.rate - now)
        return wait
