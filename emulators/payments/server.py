"""The bank and the three notification services on one loopback server, and what a test (or
the playground) does with them: open accounts, register credentials, transfer money, move
the clock, read what was delivered and how the shop answered.

Each provider's API is served under its own prefix, which stands for its real host:
``{base}/sepay`` for https://userapi.sepay.vn, ``{base}/casso`` for https://oauth.casso.vn,
``{base}/payos`` for https://api-merchant.payos.vn (``emulator.sepay.base_url`` etc.)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Literal, Self

from aiohttp import web

from emulators.payments.bank import Account, Bank, BankTransaction, Mangle, Mangling, Payer
from emulators.payments.casso import Casso
from emulators.payments.clock import EmulatedClock
from emulators.payments.delivery import Delivery, WebhookQueue
from emulators.payments.payos import PayOS
from emulators.payments.payos_api import PayOSApi
from emulators.payments.sepay import SePay


class PaymentsEmulator:
    def __init__(
        self,
        *,
        clock: EmulatedClock | None = None,
        response_timeout: float = 30.0,
        allow_private_webhooks: bool = False,
        api_requests_per_second: int | None = 3,
    ) -> None:
        """``response_timeout``: seconds the providers wait for the shop's answer (30 as
        SePay documents; a test of timeouts makes it short). ``allow_private_webhooks``:
        accept http:// and loopback webhook URLs (tests); the providers do not."""
        self.clock = clock or EmulatedClock()
        self.bank = Bank(self.clock)
        self.queue = WebhookQueue(self.clock, timeout=response_timeout)
        private = allow_private_webhooks
        self.sepay = SePay(self.clock, self.queue, allow_private_webhooks=private)
        self.sepay.api.per_second = api_requests_per_second
        self.casso = Casso(self.clock, self.queue, allow_private_webhooks=private)
        self.payos = PayOS(self.clock, self.queue, allow_private_webhooks=private)
        self.payos_api = PayOSApi(self.payos)
        self.app = web.Application()
        self.add_routes(self.app)
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application, prefix: str = "") -> None:
        """Serve the providers' APIs under ``prefix`` (the playground shares its server)."""
        self._prefix = prefix
        app.router.add_get(prefix + "/sepay/v2/transactions", self.sepay.api.list_transactions)
        app.router.add_get(prefix + "/casso/v2/transactions", self.casso.list_transactions)
        self.payos_api.add_routes(app, prefix + "/payos")

    def serve_at(self, base_url: str) -> None:
        """The address the APIs are reached at (``start`` sets it; the playground too)."""
        self.base_url = base_url.rstrip("/") + self._prefix
        self.sepay.base_url = self.base_url + "/sepay"
        self.casso.base_url = self.base_url + "/casso"
        self.payos.base_url = self.base_url + "/payos"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.serve_at(f"http://{host}:{self._runner.addresses[0][1]}")
        return self.base_url

    async def stop(self) -> None:
        await self.queue.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- money moves --------------------------------------------------------------------------

    def open_account(self, bank_bin: str, number: str, holder: str, owner: str) -> Account:
        return self.bank.open_account(bank_bin, number, holder, owner)

    async def transfer(
        self,
        account: Account,
        amount: int,
        content: str,
        *,
        mangling: Mangling = Mangle.NONE,
        payer: Payer | None = None,
        sub_account: str | None = None,
        direction: Literal["in", "out"] = "in",
        copies: int = 1,
    ) -> BankTransaction:
        """A transfer to (or from) ``account``; every provider watching the account
        notifies at once (``copies`` > 1: the same notification several times together).
        Returns when each first attempt has been answered; failures wait for ``advance``."""
        tx = self.bank.transfer(
            account, amount, content,
            mangling=mangling, payer=payer, sub_account=sub_account, direction=direction,
        )  # fmt: skip
        await asyncio.gather(
            self.sepay.notify(tx, copies), self.casso.notify(tx, copies),
            self.payos.notify(tx, copies),
        )  # fmt: skip
        return tx

    async def pay(
        self,
        account_number: str,
        amount: int,
        content: str,
        *,
        bank_bin: str | None = None,
        mangling: Mangling = Mangle.MBVCB,
    ) -> BankTransaction:
        """ "Pay this order": a customer's transfer to the account with that number, the
        content mangled as MB Bank does by default; whichever provider watches it notifies."""
        account = self.bank.account(account_number, bank_bin)
        return await self.transfer(account, amount, content, mangling=mangling)

    async def advance(self, delta: timedelta | None = None, *, minutes: float = 0) -> None:
        """Move the clock, making the retries that fall due on the way."""
        await self.queue.advance((delta or timedelta()) + timedelta(minutes=minutes))

    # -- what happened ------------------------------------------------------------------------

    def deliveries(self, provider: str | None = None) -> list[Delivery]:
        return [d for d in self.queue.deliveries if provider in (None, d.provider)]

    async def send_again(self, delivery: Delivery) -> Delivery:
        """The same notification once more (a provider's replay): a duplicate for the shop."""
        return await self.queue.send_again(delivery)
