"""Bank transfers in the playground: the emulated bank with every demo producer's account,
SePay watching them all, its notifications to the bot's receiver (mounted on the page's own
server), and the page's "pay this order" button."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from sqlalchemy import select

from bot.config import Config, PaymentsSettings, ProducerPayments
from bot.payments.receiver import PATH, Receiver
from catalog.demo.data import PRODUCERS
from catalog.models import Order, PaymentMethod, Producer
from catalog.rules import UNPAID, format_order_number, transfer_content
from catalog.uow import UnitOfWork
from emulators.payments import ApiKeyAuth, PaymentCode, PaymentsEmulator
from playground.http import fail, json_response

API_TOKEN = "PLAYGROUNDSEPAYTOKEN"
API_KEY = "playground-sepay-key"
PROVIDERS_PREFIX = "/providers"


class PlaygroundPayments:
    def __init__(self) -> None:
        self.emulator = PaymentsEmulator(allow_private_webhooks=True)
        self._company = self.emulator.sepay.add_company(API_TOKEN, PaymentCode("DH", 5, 7))
        for producer in PRODUCERS:
            account = self.emulator.open_account(
                producer.bank_bin, producer.bank_account, producer.bank_account_name,
                producer.code,
            )  # fmt: skip
            self.emulator.sepay.link(self._company, account)

    def add_routes(self, app: web.Application, receiver: Callable[[], Receiver | None]) -> None:
        """The providers' APIs, and the bot's receiver (whichever bot runs now)."""
        self.emulator.add_routes(app, PROVIDERS_PREFIX)

        async def receive(request: web.Request) -> web.StreamResponse:
            current = receiver()
            if current is None:
                return web.json_response({"success": False}, status=503)
            return await current.handle(request)

        app.router.add_post(PATH, receive)

    def serve_at(self, url: str) -> None:
        """The server is up at ``url``: SePay posts every transfer to its receiver."""
        self.emulator.serve_at(url)
        self.emulator.sepay.add_webhook(
            self._company, f"{url}/payments/sepay", ApiKeyAuth(API_KEY)
        )

    def settings(self, config: Config) -> PaymentsSettings:
        """Every demo producer on SePay; no port of its own (the page's server receives)."""
        keys = ProducerPayments(provider="sepay", sepay_api_key=API_KEY, sepay_api_token=API_TOKEN)
        return config.payments.model_copy(
            update={
                "webhook_port": 0,
                "sepay_api_base": self.emulator.sepay.base_url,
                "producers": {producer.code: keys for producer in PRODUCERS},
            }
        )

    async def pay_latest(self, uow: UnitOfWork, user_id: int) -> web.Response:
        """The customer's newest order waiting for a transfer, paid in full from their bank,
        the content as MB Bank writes it."""
        async with uow.reading():
            found = (
                await uow.session.execute(
                    select(Order.id, Order.total, Order.amount_paid, Producer.bank_account)
                    .join(Producer, Producer.id == Order.producer_id)
                    .where(
                        Order.user_id == user_id,
                        Order.payment_method == PaymentMethod.bank_transfer,
                        Order.payment_status.in_(UNPAID),
                        Producer.bank_account.is_not(None),
                    )
                    .order_by(Order.id.desc())
                    .limit(1)
                )
            ).first()
        if found is None or found.bank_account is None:
            raise fail(404, "no order of this customer waits for a bank transfer")
        number = format_order_number(found.id)
        amount = found.total - found.amount_paid
        await self.emulator.pay(found.bank_account, amount, transfer_content(number))
        return json_response({"ok": True, "order": number, "amount": amount})
