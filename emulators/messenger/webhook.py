"""Meta's side of a Page app's webhook.

- ``subscribe(url, verify_token)`` is the App Dashboard's step: Meta first GETs the URL with
  ``hub.mode=subscribe``, ``hub.verify_token`` and ``hub.challenge`` and takes it only if the
  answer is 200 with the challenge as its body. Until then nothing is delivered.
- An event is delivered when the app subscribed to its field and the Page subscribed the app
  to it (``POST /{page-id}/subscribed_apps``); others are dropped, as Meta drops them, and
  kept in ``dropped`` for assertion messages.
- Each POST is ``{"object": "page", "entry": [...]}`` serialised as Meta does (non-ASCII
  escaped), signed with ``X-Hub-Signature-256`` over those bytes. Events waiting together go
  out as several entries of one POST (``batching``); ``pause()`` lets them queue.
- Only 200 counts as delivered: anything else, or no answer within ``timeout``, and the same
  body is posted again after ``retry_delays`` (the last one repeats). One person's events are
  delivered in order: a later one waits while an earlier one is unanswered.
- ``resend(delivery)`` posts a delivered body once more; ``duplicate=True`` when queueing an
  event queues it twice — the duplicates Meta sends in practice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from emulators.messenger.events import SIGNATURE_HEADER, meta_json, signature

if TYPE_CHECKING:
    from emulators.messenger.models import Page
    from emulators.messenger.state import MessengerState

DEFAULT_FIELDS = ("messages", "messaging_postbacks", "messaging_referrals", "feed")


class WebhookVerificationError(Exception):
    """Meta could not validate the callback URL (the dashboard shows an error)."""


@dataclass(eq=False)
class QueuedEvent:
    field: str
    key: str  # events with the same key are delivered in order (a person, a commenter)
    entry: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """One POST to the webhook: what was sent, byte for byte, and how it was answered."""

    seq: int
    url: str
    body: bytes
    signature: str
    status: int  # 0: no answer (refused, timed out)
    attempt: int
    error: str | None = None

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self.payload["entry"])

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(eq=False)
class _Batch:
    events: list[QueuedEvent]
    body: bytes
    attempts: int = 0
    not_before: float = 0.0
    keys: set[str] = field(default_factory=set)


class WebhookDelivery:
    def __init__(self, state: MessengerState) -> None:
        self.state = state
        self.url: str | None = None
        self.verify_token: str | None = None
        self.fields: tuple[str, ...] = ()
        self.batching = True
        self.max_entries = 100
        self.max_in_flight = 4
        self.retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
        self.timeout = 20.0  # Meta waits 20 s for the 200
        self.deliveries: list[Delivery] = []
        self.dropped: list[tuple[str, dict[str, Any]]] = []  # (why, entry)
        self.verifications: list[tuple[str, int, str]] = []  # (url, status, body)
        self._paused = False
        self._queue: list[QueuedEvent] = []
        self._waiting: list[_Batch] = []  # failed, to be posted again
        self._in_flight: set[_Batch] = set()
        self._seq = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._stopping = False

    # -- the app's subscription -----------------------------------------------------------

    async def subscribe(
        self, url: str, verify_token: str, fields: tuple[str, ...] = DEFAULT_FIELDS
    ) -> None:
        """Set the callback URL as the App Dashboard does: verified first."""
        challenge = str(secrets.randbelow(10**9))
        params = {"hub.mode": "subscribe", "hub.challenge": challenge,
                  "hub.verify_token": verify_token}  # fmt: skip
        assert self._session is not None, "start the emulator first"
        try:
            async with self._session.get(url, params=params) as response:
                status, body = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            self.verifications.append((url, 0, repr(err)))
            raise WebhookVerificationError(f"{url} could not be reached: {err!r}") from None
        self.verifications.append((url, status, body))
        if status != 200 or body != challenge:
            raise WebhookVerificationError(
                f"The URL couldn't be validated: {url} answered {status} {body[:200]!r}, "
                f"expected 200 with the body {challenge!r}"
            )
        self.url, self.verify_token, self.fields = url, verify_token, tuple(fields)
        self.state.notify()

    def unsubscribe(self) -> None:
        self.url = None

    def pause(self) -> None:
        """Hold deliveries: events queue up (and then go out together, when batching)."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self.state.notify()

    # -- events ---------------------------------------------------------------------------

    def queue(
        self,
        page: Page,
        field_name: str,
        entry: dict[str, Any],
        key: str,
        *,
        duplicate: bool = False,
    ) -> None:
        why = self._undeliverable(page, field_name)
        if why is not None:
            self.dropped.append((why, entry))
            return
        for _ in range(2 if duplicate else 1):
            self._queue.append(QueuedEvent(field_name, key, entry))
        self.state.notify()

    def _undeliverable(self, page: Page, field_name: str) -> str | None:
        if self.url is None:
            return "the app has no verified callback URL"
        if field_name not in self.fields:
            return f"the app is not subscribed to {field_name!r}"
        if page.subscribed_fields is None:
            return f"Page {page.id} has not subscribed the app (/subscribed_apps)"
        if field_name not in page.subscribed_fields:
            return f"Page {page.id} subscribed the app without {field_name!r}"
        return None

    @property
    def pending(self) -> int:
        """Events not yet delivered (queued, waiting for a retry or being posted)."""
        batches = [*self._waiting, *self._in_flight]
        return len(self._queue) + sum(len(batch.events) for batch in batches)

    def failures(self) -> list[Delivery]:
        return [delivery for delivery in self.deliveries if not delivery.ok]

    async def settled(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - a deadline
        """Wait until every queued event has been delivered."""
        done = await self.state.wait_until(lambda: True if self.pending == 0 else None, timeout)
        if done is None:
            raise AssertionError(
                f"{self.pending} webhook event(s) still undelivered after {timeout}s; "
                f"last answers: {[(d.status, d.error) for d in self.deliveries[-5:]]}"
            )

    async def resend(self, delivery: Delivery) -> Delivery:
        """Post a body already delivered once more, byte for byte (a duplicate)."""
        return await self._post(delivery.body, 1 + delivery.attempt)

    # -- running --------------------------------------------------------------------------

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._stopping = False
        self._loop_task = asyncio.create_task(self._run(), name="messenger-webhook")

    async def stop(self) -> None:
        self._stopping = True
        tasks = [task for task in (self._loop_task, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while not self._stopping:
            batches = await self.state.wait_until(self._take, 0.05)
            for batch in batches or ():
                task = asyncio.create_task(self._deliver(batch))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _take(self) -> list[_Batch] | None:
        """Batches to post now: due retries first, then new events in order per key."""
        if self._paused or self.url is None:
            return None
        free = self.max_in_flight - len(self._in_flight)
        now = time.monotonic()
        taken = [b for b in self._waiting if b not in self._in_flight and b.not_before <= now]
        taken = taken[: max(free, 0)]
        free -= len(taken)
        blocked = {key for batch in (*self._waiting, *self._in_flight) for key in batch.keys}
        while free > 0 and self._queue:
            events: list[QueuedEvent] = []
            skipped = set(blocked)
            for event in self._queue:
                if event.key in skipped:
                    continue
                if len(events) == (self.max_entries if self.batching else 1):
                    break
                events.append(event)
            if not events:
                break
            self._queue = [event for event in self._queue if event not in events]
            body = meta_json({"object": "page", "entry": [event.entry for event in events]})
            batch = _Batch(events, body, keys={event.key for event in events})
            blocked |= batch.keys
            taken.append(batch)
            free -= 1
        for batch in taken:
            self._in_flight.add(batch)
        return taken or None

    async def _deliver(self, batch: _Batch) -> None:
        try:
            batch.attempts += 1
            delivery = await self._post(batch.body, batch.attempts)
            if delivery.ok:
                if batch in self._waiting:
                    self._waiting.remove(batch)
            else:
                delays = self.retry_delays or (1.0,)
                delay = delays[min(batch.attempts, len(delays)) - 1]
                batch.not_before = time.monotonic() + delay
                if batch not in self._waiting:
                    self._waiting.append(batch)
        finally:
            self._in_flight.discard(batch)
            self.state.notify()

    async def _post(self, body: bytes, attempt: int) -> Delivery:
        assert self._session is not None
        assert self.url is not None
        url = self.url
        signed = signature(self.state.app_secret, body)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signed,
            "X-Hub-Signature": signature(self.state.app_secret, body, "sha1"),
            "User-Agent": "facebookexternalua",
        }
        status, error = 0, None
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as err:
            error = repr(err)
        delivery = Delivery(next(self._seq), url, body, signed, status, attempt, error)
        self.deliveries.append(delivery)
        self.state.notify()
        return delivery
