"""The receiver of the providers' notifications: ``POST /payments/sepay``, ``/payments/casso``
and ``/payments/payos``.

Each notification is routed to the producer whose account it names and authenticated with
that producer's keys (401 and nothing stored otherwise), stored in its own short
transaction (a repeat finds it stored and changes nothing), answered at once as the
provider expects (2xx, ``{"success": true}``), then applied in the background: matched to
the producer's order, counted, the customer and the producer told. Every worker can serve
it: the database decides what is new and what is applied, once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.payments import seams
from bot.payments.batching import Batcher
from catalog.models import PaymentProvider, utcnow
from catalog.outbox import OutboxSignal
from catalog.payments import casso, payos, sepay
from catalog.payments.directory import PaymentsDirectory, ProducerKeys
from catalog.payments.incoming import Incoming, Malformed
from catalog.services import warnings
from catalog.services.payments.applying import apply_many
from catalog.services.payments.notifications import (
    Account,
    Outcome,
    Stored,
    producer_accounts,
    store_many,
)
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)

PATH = "/payments/{provider}"
MAX_BODY = 64 * 1024  # a notification is a few hundred bytes
ACCOUNTS_FOR = 10.0  # seconds a reading of the producers' accounts is used
APPLY_LINGER = 0.05  # seconds a notification waits for others to be applied with it
READERS: dict[PaymentProvider, Callable[[object], Incoming]] = {
    PaymentProvider.sepay: sepay.read,
    PaymentProvider.casso: casso.read,
    PaymentProvider.payos: payos.read,
}


@dataclass(frozen=True, slots=True)
class Route:
    """The producer a notification is for (None: no producer of the shop has the account),
    and whether it is authentic; if not, ``why`` (for the log)."""

    producer_id: int | None
    producer_code: str | None
    authentic: bool = True
    why: str = ""


def _refused(why: str, owner: Account | None = None) -> Route:
    if owner is None:
        return Route(None, None, authentic=False, why=why)
    return Route(owner.producer_id, owner.producer_code, authentic=False, why=why)


class AccountBook:
    """The producers' accounts, read at most every ``ACCOUNTS_FOR`` seconds: a notification
    costs no query to route (a bank account changed with /bank counts within seconds)."""

    def __init__(self, uow: Callable[[], UnitOfWork], ttl: float = ACCOUNTS_FOR) -> None:
        self._uow = uow
        self.ttl = ttl
        self._accounts: dict[str, Account] = {}
        self._read_at = -ttl
        self._lock = asyncio.Lock()

    async def get(self) -> dict[str, Account]:
        if time.monotonic() - self._read_at < self.ttl:
            return self._accounts
        async with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                self._accounts = await producer_accounts(self._uow())
                self._read_at = time.monotonic()
        return self._accounts


class Receiver:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        directory: PaymentsDirectory,
        signal: OutboxSignal | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        warn_every: timedelta = warnings.HOURLY,
    ) -> None:
        self.session_factory = session_factory
        self.directory = directory
        self.signal = signal
        self.clock = clock
        self.book = AccountBook(self.uow)
        self.signatures = seams.SignatureWatch(self.uow, repeat=warn_every)
        self._applying: set[asyncio.Task[None]] = set()
        # Under load, what arrived meanwhile shares a transaction (bot.payments.batching).
        self._storing: Batcher[tuple[Incoming, int | None], Stored] = Batcher(
            lambda items: store_many(self.uow(), items)
        )
        # Applying may wait a moment for others (its news has seconds to reach people);
        # the answer to the provider waits only for the notification to be stored.
        self._settling: Batcher[int, Outcome] = Batcher(
            lambda ids: apply_many(self.uow(), ids), linger=APPLY_LINGER
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, outbox_signal=self.signal)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(PATH, self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        try:
            provider = PaymentProvider(request.match_info.get("provider", ""))
        except ValueError:
            raise web.HTTPNotFound from None
        return await self.receive(provider, request.headers, await request.read())

    async def receive(
        self, provider: PaymentProvider, headers: Mapping[str, str], body: bytes
    ) -> web.Response:
        try:
            payload = json.loads(body)
        except ValueError:
            return _answer(400, "the body is not JSON")
        route = await self._route(provider, headers, body, payload)
        await self.signatures.checked(
            provider.value, passed=route.authentic, producer_id=route.producer_id,
            reason=route.why,
        )  # fmt: skip
        if not route.authentic:
            return _answer(401, "not authenticated")
        try:
            incoming = READERS[provider](payload)
        except Malformed as err:
            log.warning("%s notification malformed: %s", provider.value, err)
            return _answer(400, f"malformed: {err}")
        stored = await self._storing.submit((incoming, route.producer_id))
        if stored.new:
            task = asyncio.create_task(self._apply(provider, stored.id))
            self._applying.add(task)
            task.add_done_callback(self._applying.discard)
        else:
            seams.notification_settled(provider.value, Outcome("duplicate"))
        return _answer(200)

    async def _apply(self, provider: PaymentProvider, notification_id: int) -> None:
        try:
            outcome = await self._settling.submit(notification_id)
        except Exception as err:
            # Left as received: the sweeper (bot.payments.jobs) applies it later.
            log.exception("%s notification %s not applied yet", provider.value, notification_id)
            outcome = Outcome("error", note=type(err).__name__)
        seams.notification_settled(provider.value, outcome)

    async def settle(self) -> None:
        """Wait for the notifications being applied (stopping, or a test)."""
        while self._applying:
            await asyncio.gather(*self._applying, return_exceptions=True)

    # -- routing and authentication ------------------------------------------------------

    async def _route(
        self, provider: PaymentProvider, headers: Mapping[str, str], body: bytes, payload: Any
    ) -> Route:
        """The producer a notification is for, and whether it is authentic."""
        accounts = await self.book.get()
        if provider == PaymentProvider.payos:
            return self._payos_route(payload, accounts)
        module = sepay if provider == PaymentProvider.sepay else casso
        account, sub_account = module.account_of(payload)
        owner = accounts.get(sub_account) or accounts.get(account)
        if owner is not None:
            keys = self.directory.keys(owner.producer_code)
            if keys is None or keys.provider != provider:
                return _refused(f"{owner.producer_code} has no {provider.value} keys", owner)
            if self._authentic(provider, headers, body, payload, keys):
                return Route(owner.producer_id, owner.producer_code)
            return _refused(f"not {owner.producer_code}'s key or signature", owner)
        # An account no producer of the shop has: authentic for one of the producers on
        # this provider (their company watches it too), it is kept for a person.
        for code, keys in self.directory.using(provider).items():
            if self._authentic(provider, headers, body, payload, keys):
                return Route(None, code)
        return _refused(f"account {account!r} of no producer, no producer's key")

    def _authentic(
        self,
        provider: PaymentProvider,
        headers: Mapping[str, str],
        body: bytes,
        payload: Any,
        keys: ProducerKeys,
    ) -> bool:
        if provider == PaymentProvider.sepay:
            return sepay.authentic(headers, body, keys, self.clock())
        return casso.authentic(headers, payload, keys.casso_checksum_key)

    def _payos_route(self, payload: Any, accounts: dict[str, Account]) -> Route:
        by_code = {account.producer_code: account for account in accounts.values()}
        for code, keys in self.directory.using(PaymentProvider.payos).items():
            if payos.authentic(payload, keys.payos_checksum_key):
                owner = by_code.get(code)
                return Route(owner.producer_id if owner else None, code)
        return _refused("signed with no producer's checksum key")


def _answer(status: int, message: str = "") -> web.Response:
    body: dict[str, object] = {"success": status < 300}
    if message:
        body["message"] = message
    return web.json_response(body, status=status)
