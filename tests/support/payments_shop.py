"""The shop's producers at the emulated bank and providers, the environment that gives the
bot their keys, and reading the shop's database from a test (SQLite or PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.models import PaymentMethod, PaymentProvider, Product, utcnow
from catalog.payments.incoming import Incoming
from catalog.services import cart, orders
from catalog.services.orders import DeliveryDetails, OrderView
from catalog.services.payments.applying import apply
from catalog.services.payments.notifications import Outcome, producer_accounts, store
from catalog.uow import UnitOfWork
from emulators.payments import (
    Account,
    ApiKeyAuth,
    HmacAuth,
    PaymentCode,
    PaymentsEmulator,
    PayOSMerchant,
)

# The integration tests' producers and their accounts (the demo's).
BABE_SKU = "BABE-SA-10"
QV_SKU = "QUANGVINH-SEN-AC"
BABE_ACCOUNT = "1500205012345"
QV_ACCOUNT = "12010000123456"
CUSTOMER = 4242

DETAILS = DeliveryDetails("Lê Thu <Hà>", "+84912345678", "Hà Nội", "Phường Láng", "1 Láng")

# The demo producers' accounts (catalog/demo/data.py), as the emulated bank holds them.
ACCOUNTS = {
    "BABE": ("970405", "1500205012345", "CO SO SAN XUAT TINH BOT NGHE BA BE"),
    "TANTHINH": ("970415", "102876543210", "HTX GOM TAN THINH"),
    "QUANGVINH": ("970418", "12010000123456", "GOM SU QUANG VINH"),
    "MYDUC": ("970422", "0868123405", "TO TAM MY DUC"),
    "HOANGLONG": ("970415", "105002345678", "HTX HOANG LONG"),
    "VUNART": ("970416", "257600123", "HTX VUN ART"),
}
SEPAY_KEY = "babe-sepay-" + uuid.uuid4().hex[:8]
SEPAY_TOKEN = "SEPAYTOKENBABE" + uuid.uuid4().hex[:8].upper()
HMAC_SECRET = "whsec_" + uuid.uuid4().hex
CASSO_KEY = "casso-checksum-" + uuid.uuid4().hex
CASSO_API_KEY = "casso-api-" + uuid.uuid4().hex[:8]
PAYOS = (
    "payos-client-" + uuid.uuid4().hex[:6],
    "payos-api-key",
    "payos-checksum-" + uuid.uuid4().hex,
)


@dataclass
class Providers:
    """Who watches which producer's account: BABE and TANTHINH on SePay (API key, HMAC),
    QUANGVINH on Casso (signing its JSON with Python's escapes), MYDUC on payOS, HOANGLONG
    on SePay with a webhook whose key is not the shop's, VUNART on payOS with keys payOS
    does not know."""

    emulator: PaymentsEmulator
    url: str
    accounts: dict[str, Account] = field(default_factory=dict)
    merchant: PayOSMerchant | None = None

    def environment(self) -> dict[str, str]:
        client, key, checksum = PAYOS
        return {
            "PAYMENTS_WEBHOOK_PORT": self.url.rsplit(":", 1)[1].split("/")[0],
            "SEPAY_API_BASE": self.emulator.sepay.base_url,
            "CASSO_API_BASE": self.emulator.casso.base_url,
            "PAYOS_API_BASE": self.emulator.payos.base_url,
            "PAYMENTS_BABE_PROVIDER": "sepay",
            "PAYMENTS_BABE_SEPAY_API_KEY": SEPAY_KEY,
            "PAYMENTS_BABE_SEPAY_API_TOKEN": SEPAY_TOKEN,
            "PAYMENTS_TANTHINH_PROVIDER": "sepay",
            "PAYMENTS_TANTHINH_SEPAY_HMAC_SECRET": HMAC_SECRET,
            "PAYMENTS_QUANGVINH_PROVIDER": "casso",
            "PAYMENTS_QUANGVINH_CASSO_CHECKSUM_KEY": CASSO_KEY,
            "PAYMENTS_QUANGVINH_CASSO_API_KEY": CASSO_API_KEY,
            "PAYMENTS_MYDUC_PROVIDER": "payos",
            "PAYMENTS_MYDUC_PAYOS_CLIENT_ID": client,
            "PAYMENTS_MYDUC_PAYOS_API_KEY": key,
            "PAYMENTS_MYDUC_PAYOS_CHECKSUM_KEY": checksum,
            "PAYMENTS_HOANGLONG_PROVIDER": "sepay",
            "PAYMENTS_HOANGLONG_SEPAY_API_KEY": "the-shops-own-key",
            "PAYMENTS_VUNART_PROVIDER": "payos",
            "PAYMENTS_VUNART_PAYOS_CLIENT_ID": "unknown-client",
            "PAYMENTS_VUNART_PAYOS_API_KEY": "unknown-key",
            "PAYMENTS_VUNART_PAYOS_CHECKSUM_KEY": "unknown-checksum",
        }


def watch_accounts(
    emulator: PaymentsEmulator, port: int, *, sepay_webhook: bool = True
) -> Providers:
    """Open the producers' accounts and set the providers up as their owners would.
    ``sepay_webhook``: False leaves BABE's SePay without a webhook (every transfer missed)."""
    url = f"http://127.0.0.1:{port}/payments"
    providers = Providers(emulator, url)
    for code, (bin_, number, holder) in ACCOUNTS.items():
        providers.accounts[code] = emulator.open_account(bin_, number, holder, code)
    dh = PaymentCode("DH", 5, 5)
    babe = emulator.sepay.add_company(SEPAY_TOKEN, dh)
    emulator.sepay.link(babe, providers.accounts["BABE"])
    if sepay_webhook:
        emulator.sepay.add_webhook(babe, f"{url}/sepay", ApiKeyAuth(SEPAY_KEY))
    potter = emulator.sepay.add_company("SEPAYTOKENTANTHINH", dh)
    emulator.sepay.link(potter, providers.accounts["TANTHINH"])
    emulator.sepay.add_webhook(potter, f"{url}/sepay", HmacAuth(HMAC_SECRET))
    strangers = emulator.sepay.add_company("SEPAYTOKENHOANGLONG", dh)
    emulator.sepay.link(strangers, providers.accounts["HOANGLONG"])
    emulator.sepay.add_webhook(strangers, f"{url}/sepay", ApiKeyAuth("not-the-shops-key"))
    casso = emulator.casso.add_business(
        CASSO_API_KEY, webhook_url=f"{url}/casso", checksum_key=CASSO_KEY, signed_json="python"
    )
    emulator.casso.link(casso, providers.accounts["QUANGVINH"])
    providers.merchant = emulator.payos.add_merchant(providers.accounts["MYDUC"], *PAYOS)
    return providers


# -- the shop's database ---------------------------------------------------------------------


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@asynccontextmanager
async def postgres_shop(server: str, media: Path) -> AsyncIterator[str]:
    """A PostgreSQL database with the demo catalog, dropped afterwards."""
    name = f"payments_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn=plain(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), media)
    finally:
        await engine.dispose()
    try:
        yield url
    finally:
        admin = await asyncpg.connect(dsn=plain(server))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(text(sql), params))
    finally:
        await engine.dispose()


async def transfer_order(
    url: str,
    customer: int,
    sku: str,
    quantity: int = 1,
    window: timedelta = timedelta(days=1),
    channel: str = "telegram",
) -> tuple[int, int]:
    """A bank-transfer order placed for ``customer`` (who has talked to the bot on
    ``channel``), due in ``window``: its id and total."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        async with UnitOfWork(factory).reading() as uow:
            product_id = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
        assert product_id is not None
        await cart.add_to_cart(
            UnitOfWork(factory), user_id=customer, product_id=product_id, quantity=quantity
        )
        placed = await orders.place_order(
            UnitOfWork(factory),
            user_id=customer,
            details=DETAILS,
            payment=PaymentMethod.bank_transfer,
            idempotency_key=f"e2e-{customer}-{sku}-{uuid.uuid4().hex[:6]}",
            payment_window=window,
            channel=channel,
        )
        [order] = placed.orders
        return order.id, order.total
    finally:
        await engine.dispose()


async def place(
    uow: UnitOfWork,
    sku: str = BABE_SKU,
    *,
    customer: int = CUSTOMER,
    quantity: int = 1,
    payment: PaymentMethod = PaymentMethod.bank_transfer,
    window: timedelta = timedelta(hours=24),
    channel: str = "telegram",
) -> OrderView:
    """An order of ``sku`` placed through the services (bank transfer by default)."""
    async with uow.reading():
        product_id = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
    assert product_id is not None
    await cart.add_to_cart(uow, user_id=customer, product_id=product_id, quantity=quantity)
    placed = await orders.place_order(
        uow,
        user_id=customer,
        details=DETAILS,
        payment=payment,
        idempotency_key=f"pay-{customer}-{sku}-{utcnow().timestamp()}",
        payment_window=window,
        channel=channel,
    )
    [order] = placed.orders
    return order


# -- a notification, as the receiver takes it ---------------------------------------------

_ids = iter(range(92_700, 10**9))


async def transfer(
    uow: UnitOfWork,
    account: str,
    amount: int,
    content: str,
    *,
    transaction_id: str | None = None,
    code: str = "",
) -> Outcome:
    """What the receiver does with a notification: store it, apply it if new."""
    incoming = notification(account, amount, content, transaction_id=transaction_id, code=code)
    owner = (await producer_accounts(uow)).get(account)
    stored = await store(uow, incoming, owner.producer_id if owner else None)
    if not stored.new:
        return Outcome("duplicate")
    return await apply(uow, stored.id)


def notification(
    account: str, amount: int, content: str, *, transaction_id: str | None = None, code: str = ""
) -> Incoming:
    """SePay's notification of money in to ``account``, as the receiver reads it."""
    return Incoming(
        provider=PaymentProvider.sepay,
        transaction_id=transaction_id or f"id:{next(_ids)}",
        account_number=account,
        incoming=True,
        amount=amount,
        content=content,
        code=code,
        reference="FT26341000012345",
    )
