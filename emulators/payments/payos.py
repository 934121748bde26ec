"""payOS (payos.vn/docs, SDK payOSHQ/payos-lib-python 1.1.0): payment links on a merchant's
account, paid by transfers to it, and the webhook each payment sends.

- A merchant has ``x-client-id``, ``x-api-key`` and a checksum key, and one bank account. A
  link's ``description`` may be 25 characters on an account linked through payOS and 9 on
  any other (payOS's documentation); merchants here are "other" unless said otherwise.
- A transfer to the merchant's account whose content (folded, letters and digits only)
  contains a live link's description pays that link: PENDING → UNDERPAID → PAID as the
  amounts add up (several transfers may pay one link). Transfers that pay no link are not
  notified: payOS knows only its links.
- Every payment is posted to the webhook confirmed with ``/confirm-webhook``:
  ``{code, desc, success, data, signature}``, ``signature`` = ``data_signature(data)``. No
  retry schedule is documented; SePay's is used.
- Every answer of the API is ``{code, desc, data, signature}`` with ``code`` "00" on success
  and ``signature`` over ``data``."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from emulators.payments.bank import BANKS, Account, BankTransaction, fold
from emulators.payments.clock import VIETNAM, EmulatedClock, bank_time
from emulators.payments.delivery import SCHEDULE, Delivery, WebhookQueue
from emulators.payments.urls import check_webhook_url
from emulators.payments.vietqr import vietqr_payload

Status = Literal["PENDING", "PROCESSING", "PAID", "UNDERPAID", "CANCELLED", "EXPIRED", "FAILED"]
PAYABLE = ("PENDING", "UNDERPAID")


def _text(value: Any) -> str:
    if value is None or value in ("undefined", "null"):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [{k: v[k] for k in sorted(v)} if isinstance(v, dict) else v for v in value]
        return json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return str(value)


def data_signature(data: dict[str, Any], checksum_key: str) -> str:
    """hex HMAC-SHA256 of ``k=v&…`` over the sorted keys, values not URL-encoded."""
    text = "&".join(f"{key}={_text(data[key])}" for key in sorted(data))
    return hmac.new(checksum_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def request_signature(body: dict[str, Any], checksum_key: str) -> str:
    """The signature of ``POST /v2/payment-requests``: five fields in alphabetical order."""
    fields = ("amount", "cancelUrl", "description", "orderCode", "returnUrl")
    text = "&".join(f"{name}={_text(body.get(name))}" for name in fields)
    return hmac.new(checksum_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def _plain(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", fold(text))


@dataclass
class PayOSMerchant:
    client_id: str
    api_key: str
    checksum_key: str
    account: Account
    name: str
    linked_through_payos: bool = False
    webhook_url: str = ""

    @property
    def description_limit(self) -> int:
        return 25 if self.linked_through_payos else 9


@dataclass
class PaymentLink:
    id: str
    merchant: PayOSMerchant
    order_code: int
    amount: int
    description: str
    cancel_url: str
    return_url: str
    created_at: datetime
    expired_at: int | None = None  # unix seconds
    status: Status = "PENDING"
    transactions: list[BankTransaction] = field(default_factory=list)
    canceled_at: datetime | None = None
    cancellation_reason: str | None = None

    @property
    def amount_paid(self) -> int:
        return sum(tx.amount for tx in self.transactions)

    def expire(self, now: datetime) -> None:
        if self.status == "PENDING" and self.expired_at and now.timestamp() > self.expired_at:
            self.status = "EXPIRED"

    def created(self, base_url: str) -> dict[str, Any]:
        """``data`` of the answer to its creation."""
        merchant = self.merchant
        account = merchant.account
        return {
            "bin": merchant.account.bank.bin,
            "accountNumber": merchant.account.number,
            "accountName": merchant.account.holder,
            "amount": self.amount,
            "description": self.description,
            "orderCode": self.order_code,
            "currency": "VND",
            "paymentLinkId": self.id,
            "status": self.status,
            "expiredAt": self.expired_at,
            "checkoutUrl": f"{base_url}/web/{self.id}",
            "qrCode": vietqr_payload(
                account.bank.bin, account.number, self.amount, self.description
            ),
        }

    def info(self) -> dict[str, Any]:
        """``data`` of ``GET /v2/payment-requests/{id}`` and of a cancellation."""
        return {
            "id": self.id,
            "orderCode": self.order_code,
            "amount": self.amount,
            "amountPaid": self.amount_paid,
            "amountRemaining": max(0, self.amount - self.amount_paid),
            "status": self.status,
            "createdAt": self.created_at.isoformat(),
            "transactions": [_transaction(self.merchant, tx) for tx in self.transactions],
            "canceledAt": self.canceled_at.isoformat() if self.canceled_at else None,
            "cancellationReason": self.cancellation_reason,
        }


def _counter(tx: BankTransaction) -> dict[str, Any]:
    return {
        "counterAccountBankId": tx.payer.bin,
        "counterAccountBankName": BANKS[tx.payer.bin].brand if tx.payer.bin in BANKS else "",
        "counterAccountName": fold(tx.payer.name),
        "counterAccountNumber": tx.payer.account,
        "virtualAccountName": "",
        "virtualAccountNumber": tx.sub_account or "",
    }


def _transaction(merchant: PayOSMerchant, tx: BankTransaction) -> dict[str, Any]:
    return {
        "reference": tx.reference,
        "amount": tx.amount,
        "accountNumber": merchant.account.number,
        "description": tx.content,
        "transactionDateTime": tx.at.astimezone(VIETNAM).isoformat(),
        **_counter(tx),
    }


# The data of the test call /confirm-webhook makes (payOS's documented sample).
SAMPLE_DATA = {
    "orderCode": 123,
    "amount": 3000,
    "description": "VQRIO123",
    "accountNumber": "12345678",
    "reference": "TF230204212323",
    "transactionDateTime": "2023-02-04 18:25:00",
    "currency": "VND",
    "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18",
    "code": "00",
    "desc": "Thành công",
    "counterAccountBankId": "",
    "counterAccountBankName": "",
    "counterAccountName": "",
    "counterAccountNumber": "",
    "virtualAccountName": "",
    "virtualAccountNumber": "",
}


class PayOS:
    def __init__(
        self, clock: EmulatedClock, queue: WebhookQueue, *, allow_private_webhooks: bool
    ) -> None:
        self.clock = clock
        self.queue = queue
        self.allow_private_webhooks = allow_private_webhooks
        self.merchants: list[PayOSMerchant] = []
        self.links: list[PaymentLink] = []
        self.base_url = ""  # stands for https://api-merchant.payos.vn

    def add_merchant(
        self,
        account: Account,
        client_id: str,
        api_key: str,
        checksum_key: str,
        *,
        name: str = "",
        linked_through_payos: bool = False,
        webhook_url: str = "",
    ) -> PayOSMerchant:
        if any(m.client_id == client_id or m.account is account for m in self.merchants):
            raise ValueError("that client id or account already has a payOS merchant")
        if webhook_url:  # as if confirmed already
            check_webhook_url(webhook_url, allow_private=self.allow_private_webhooks)
        merchant = PayOSMerchant(
            client_id, api_key, checksum_key, account, name or account.holder,
            linked_through_payos, webhook_url,
        )  # fmt: skip
        self.merchants.append(merchant)
        return merchant

    def merchant(self, client_id: str | None, api_key: str | None) -> PayOSMerchant | None:
        return next(
            (m for m in self.merchants if m.client_id == client_id and m.api_key == api_key),
            None,
        )

    def link(self, merchant: PayOSMerchant, key: str) -> PaymentLink | None:
        """A merchant's link by its id or its order code."""
        found = next(
            (
                link
                for link in self.links
                if link.merchant is merchant and key in (link.id, str(link.order_code))
            ),
            None,
        )
        if found is not None:
            found.expire(self.clock.now())
        return found

    def new_link(self, merchant: PayOSMerchant, body: dict[str, Any]) -> PaymentLink:
        link = PaymentLink(
            id=uuid.uuid4().hex,
            merchant=merchant,
            order_code=body["orderCode"],
            amount=body["amount"],
            description=body["description"],
            cancel_url=body["cancelUrl"],
            return_url=body["returnUrl"],
            created_at=self.clock.now(),
            expired_at=body.get("expiredAt"),
        )
        self.links.append(link)
        return link

    def webhook_body(self, merchant: PayOSMerchant, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "code": "00",
            "desc": "success",
            "success": True,
            "data": data,
            "signature": data_signature(data, merchant.checksum_key),
        }

    async def post_webhook(
        self, merchant: PayOSMerchant, url: str, data: dict[str, Any], *, copies: int = 1,
        schedule: tuple[Any, ...] = SCHEDULE,
    ) -> list[Delivery]:  # fmt: skip
        payload = self.webhook_body(merchant, data)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return await self.queue.send(
            "payos", url, payload, body, lambda _body: {}, schedule=schedule, copies=copies
        )

    async def notify(self, tx: BankTransaction, copies: int = 1) -> list[Delivery]:
        merchant = next((m for m in self.merchants if m.account is tx.account), None)
        if merchant is None or tx.direction != "in":
            return []
        content = _plain(tx.content)
        live = [self.link(merchant, link.id) for link in self.links if link.merchant is merchant]
        paid = [
            link
            for link in reversed(live)
            if link is not None and link.status in PAYABLE and _plain(link.description) in content
        ]
        if not paid:
            return []
        link = paid[0]
        link.transactions.append(tx)
        link.status = "PAID" if link.amount_paid >= link.amount else "UNDERPAID"
        if not merchant.webhook_url:
            return []
        data = {
            "orderCode": link.order_code,
            "amount": tx.amount,
            "description": tx.content,
            "accountNumber": merchant.account.number,
            "reference": tx.reference,
            "transactionDateTime": bank_time(tx.at),
            "currency": "VND",
            "paymentLinkId": link.id,
            "code": "00",
            "desc": "Thành công",
            **_counter(tx),
        }
        return await self.post_webhook(merchant, merchant.webhook_url, data, copies=copies)
