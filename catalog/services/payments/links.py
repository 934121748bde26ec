"""The VietQR code a customer pays an order with: the producer's own account (SePay and
Casso watch it), or the payOS payment link made for the order, whose ``qrCode`` it is.

A payOS link is made once per order (kept in ``payment_links``): showing the order again
shows the same code. When payOS cannot make one, the customer still has their order and a
plain VietQR to the producer's account, and is told the producer confirms it by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from sqlalchemy import Connection, select

from catalog import rules
from catalog.db import upsert
from catalog.models import PaymentLink, PaymentProvider
from catalog.payments import payos
from catalog.payments.directory import PaymentsDirectory
from catalog.payments.sepay import ApiFailed
from catalog.services.orders.views import OrderView
from catalog.uow import UnitOfWork
from catalog.vietqr import build_payload, parse_payload

log = logging.getLogger(__name__)

PAYOS_TIMEOUT = aiohttp.ClientTimeout(total=8)


@dataclass(frozen=True, slots=True)
class TransferCode:
    payload: str  # what the banking app scans
    purpose: str  # the transfer's content, for whoever types it by hand
    # The provider tells the shop when the money arrives (else the producer checks).
    automatic: bool
    # payOS could not make the order's link: this is the producer's plain account.
    fallback: bool = False
    checkout_url: str = ""


class CheckoutPayments:
    """What the checkout asks of payments: how long a transfer order waits for its money,
    and the code to pay each order with."""

    def __init__(self, directory: PaymentsDirectory | None = None) -> None:
        self.directory = directory or PaymentsDirectory()

    @property
    def window(self) -> timedelta:
        return self.directory.window

    async def transfer_code(self, uow: UnitOfWork, order: OrderView) -> TransferCode | None:
        """None when the order's producer takes no transfers."""
        if not (order.bank_bin and order.bank_account):
            return None
        purpose = rules.transfer_content(order.number)
        keys = self.directory.keys(order.producer_code)
        watched = keys is not None and keys.can_authenticate()
        plain = TransferCode(
            build_payload(
                bank_bin=order.bank_bin,
                account=order.bank_account,
                amount=order.total,
                purpose=purpose,
            ),
            purpose,
            automatic=watched and keys is not None and keys.provider != PaymentProvider.payos,
        )
        if keys is None or keys.provider != PaymentProvider.payos:
            return plain
        link = await saved_link(uow, order.id)
        if link is None:
            try:
                link = await self._new_link(uow, order)
            except ApiFailed as err:
                log.warning("payOS link for %s not made: %s", order.number, err)
                return TransferCode(plain.payload, purpose, automatic=False, fallback=True)
        return _code_of(link)

    async def _new_link(self, uow: UnitOfWork, order: OrderView) -> SavedLink:
        keys = self.directory.keys(order.producer_code)
        assert keys is not None
        async with aiohttp.ClientSession(timeout=PAYOS_TIMEOUT) as session:
            data = await payos.create_link(
                session,
                self.directory.payos_api,
                keys,
                order_code=rules.payos_order_code(order.id),
                amount=order.total,
                description=rules.payos_description(order.number),
                return_url=self.directory.return_url,
            )
        try:
            parse_payload(data["qrCode"])
        except ValueError as err:
            raise ApiFailed(f"payOS API: a QR code that is not VietQR ({err})") from err
        link = PaymentLink(
            order_id=order.id,
            order_code=rules.payos_order_code(order.id),
            link_id=str(data["paymentLinkId"])[:64],
            qr_code=data["qrCode"][:512],
            checkout_url=str(data.get("checkoutUrl") or "")[:300],
        )
        await uow.short_write(lambda connection: _keep(connection, link))
        # A link made at the same moment by a second tap: the one kept is the one shown.
        kept = await saved_link(uow, order.id)
        return kept or SavedLink(link.qr_code, link.checkout_url)


def _keep(connection: Connection, link: PaymentLink) -> None:
    connection.execute(
        upsert(connection, PaymentLink)
        .values(
            order_id=link.order_id,
            order_code=link.order_code,
            link_id=link.link_id,
            qr_code=link.qr_code,
            checkout_url=link.checkout_url,
            created_at=rules.shop_now(),
        )
        .on_conflict_do_nothing(index_elements=["order_id"])
    )


@dataclass(frozen=True, slots=True)
class SavedLink:
    qr_code: str
    checkout_url: str


async def saved_link(uow: UnitOfWork, order_id: int) -> SavedLink | None:
    async with uow.reading():
        row = (
            await uow.session.execute(
                select(PaymentLink.qr_code, PaymentLink.checkout_url).where(
                    PaymentLink.order_id == order_id
                )
            )
        ).first()
        return SavedLink(row.qr_code, row.checkout_url) if row else None


def _code_of(link: SavedLink) -> TransferCode:
    purpose = parse_payload(link.qr_code).get("62.08", "")
    return TransferCode(link.qr_code, purpose, automatic=True, checkout_url=link.checkout_url)
