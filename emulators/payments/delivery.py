"""Posting notifications to the shop and trying again, on the emulated clock.

Each notification is a ``Delivery``: one payload for one URL, tried at the times of its
schedule (minutes after it was created) until an attempt is answered 2xx. An attempt fails
on a connection error, on no answer within ``timeout`` seconds, or on any other status.
SePay documents its schedule (SCHEDULE: +0, 1, 2, 4, 7, 12, 20, 33 minutes; its other
limit, nothing older than 5 hours, is never reached by it); Casso and payOS document none,
and use the same one here.

Attempts are made when the clock reaches them: ``advance`` moves the clock from one due
attempt to the next, so each attempt is recorded at its scheduled time."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import aiohttp

from emulators.payments.clock import EmulatedClock

SCHEDULE = tuple(timedelta(minutes=m) for m in (0, 1, 2, 4, 7, 12, 20, 33))
# How much of the shop's answer is kept.
ANSWER_KEPT = 2000

Signer = Callable[[bytes], dict[str, str]]


@dataclass(frozen=True)
class Attempt:
    at: datetime
    headers: dict[str, str]
    status: int | None  # None: no HTTP answer
    answer: str  # the shop's answer body
    error: str = ""  # "timeout", "connection refused: …"

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def answer_json(self) -> Any:
        try:
            return json.loads(self.answer)
        except ValueError:
            return None


@dataclass
class Delivery:
    provider: Literal["sepay", "casso", "payos"]
    url: str
    payload: dict[str, Any]
    body: bytes  # exactly what is posted
    sign: Signer = field(repr=False)  # the headers of one attempt, from the body
    created: datetime
    schedule: tuple[timedelta, ...] = SCHEDULE
    attempts: list[Attempt] = field(default_factory=list)
    next_at: datetime | None = None
    state: Literal["pending", "delivered", "failed"] = "pending"
    duplicate_of: Delivery | None = field(default=None, repr=False)

    @property
    def delivered(self) -> bool:
        return self.state == "delivered"

    @property
    def last(self) -> Attempt:
        return self.attempts[-1]


class WebhookQueue:
    """Every delivery of the three providers, and the clock that makes them due."""

    def __init__(self, clock: EmulatedClock, *, timeout: float = 30.0) -> None:
        self.clock = clock
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self,
        provider: Literal["sepay", "casso", "payos"],
        url: str,
        payload: dict[str, Any],
        body: bytes,
        sign: Signer,
        *,
        schedule: tuple[timedelta, ...] = SCHEDULE,
        copies: int = 1,
    ) -> list[Delivery]:
        """Post now (``copies`` times at once, as a provider sometimes does); failures are
        tried again as the clock moves."""
        now = self.clock.now()
        made = [
            Delivery(provider, url, payload, body, sign, now, schedule, next_at=now)
            for _ in range(copies)
        ]
        for duplicate in made[1:]:
            duplicate.duplicate_of = made[0]
        self.deliveries.extend(made)
        await asyncio.gather(*(self._attempt(delivery) for delivery in made))
        return made

    async def send_again(self, delivery: Delivery) -> Delivery:
        """The same notification once more, now: a provider's manual replay or duplicate."""
        (again,) = await self.send(
            delivery.provider, delivery.url, delivery.payload, delivery.body, delivery.sign,
            schedule=delivery.schedule,
        )  # fmt: skip
        again.duplicate_of = delivery
        return again

    def pending(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.state == "pending" and d.next_at is not None]

    async def advance(self, delta: timedelta) -> None:
        """Move the clock by ``delta``, making every attempt that falls due on the way."""
        if delta < timedelta(0):
            raise ValueError("the clock does not go back")
        target = self.clock.now() + delta
        while True:
            due = [d for d in self.pending() if d.next_at is not None and d.next_at <= target]
            if not due:
                break
            when = min(d.next_at for d in due if d.next_at is not None)
            self.clock.move_to(max(when, self.clock.now()))
            await asyncio.gather(*(self._attempt(d) for d in due if d.next_at == when))
        self.clock.move_to(target)

    async def _attempt(self, delivery: Delivery) -> None:
        now = self.clock.now()
        headers = {"Content-Type": "application/json", **delivery.sign(delivery.body)}
        status, answer, error = await self._post(delivery.url, delivery.body, headers)
        attempt = Attempt(now, headers, status, answer[:ANSWER_KEPT], error)
        delivery.attempts.append(attempt)
        if attempt.ok:
            delivery.state, delivery.next_at = "delivered", None
        elif len(delivery.attempts) < len(delivery.schedule):
            delivery.next_at = delivery.created + delivery.schedule[len(delivery.attempts)]
        else:
            delivery.state, delivery.next_at = "failed", None

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, str, str]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        try:
            async with asyncio.timeout(self.timeout):
                async with self._session.post(url, data=body, headers=headers) as reply:
                    return reply.status, await reply.text(errors="replace"), ""
        except TimeoutError:
            return None, "", f"timeout: no answer within {self.timeout:g} s"
        except aiohttp.ClientError as err:
            return None, "", f"connection error: {err}"

    async def close(self) -> None:
        if self._session is not None:
            with contextlib.suppress(aiohttp.ClientError):
                await self._session.close()
            self._session = None
