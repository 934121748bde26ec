"""SePay (developer.sepay.vn): webhooks for the accounts a company links, and API v2's
transaction list.

A company (``SePayCompany``) links bank accounts, sets its payment-code structure (prefix of
2-5 letters, a number of digits or letters) and its webhooks: a URL, the events (money in,
out, or both), the accounts, "skip transactions without a code", and the authentication:

- ``ApiKeyAuth``: ``Authorization: Apikey <key>`` [documented];
- ``HmacAuth``: ``X-SePay-Timestamp: <unix seconds>`` and
  ``X-SePay-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>``. SePay's
  page names the headers and the 5-minute replay window but its string-to-sign could not be
  read; this is the form three independent integrations verify. The timestamp is the real
  time of the attempt (a receiver compares it with its own clock), not the emulated one;
- ``NoAuth``.

The payload's fields and types follow the documentation and SePay's Laravel package. Any 2xx
answer ends the retries (SePay's error page: it retries on no connection, more than 30 s, or
a status outside 200-299); the documented answer is ``{"success": true}``, and
``Attempt.answer_json()`` shows whether the shop gave it."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from emulators.payments.bank import Account, BankTransaction
from emulators.payments.clock import EmulatedClock, bank_time
from emulators.payments.delivery import SCHEDULE, Delivery, WebhookQueue
from emulators.payments.sepay_api import SePayTransactionsApi
from emulators.payments.urls import check_webhook_url


@dataclass(frozen=True)
class PaymentCode:
    """Company → General settings → Payment code structure."""

    prefix: str
    min_length: int
    max_length: int
    kind: Literal["NumberOnly", "NumberAndLetter"] = "NumberOnly"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z]{2,5}", self.prefix):
            raise ValueError("the prefix is 2 to 5 letters")
        if not 1 <= self.min_length <= self.max_length:
            raise ValueError("the suffix length is a range of at least one character")

    def find(self, content: str) -> str | None:
        """The first code in ``content`` (the prefix in any case), as it is written there."""
        suffix = "[0-9]" if self.kind == "NumberOnly" else "[0-9A-Za-z]"
        pattern = rf"{re.escape(self.prefix)}{suffix}{{{self.min_length},{self.max_length}}}"
        match = re.search(rf"(?i){pattern}(?!{suffix})", content)
        return match.group() if match else None


@dataclass(frozen=True)
class ApiKeyAuth:
    key: str


@dataclass(frozen=True)
class HmacAuth:
    secret: str  # SePay shows it as whsec_…


@dataclass(frozen=True)
class NoAuth:
    pass


@dataclass
class SePayWebhook:
    url: str
    auth: ApiKeyAuth | HmacAuth | NoAuth
    event: Literal["in", "out", "all"] = "in"
    account_numbers: tuple[str, ...] | None = None  # None: every linked account
    skip_without_code: bool = False
    retry: bool = True  # "Auto retry on server error"

    def wants(self, tx: BankTransaction, code: str | None) -> bool:
        return (
            self.event in ("all", tx.direction)
            and (self.account_numbers is None or tx.account.number in self.account_numbers)
            and not (self.skip_without_code and code is None)
        )


@dataclass
class SePayCompany:
    api_token: str  # API v2: Authorization: Bearer <token>
    payment_code: PaymentCode | None = None
    accounts: list[Account] = field(default_factory=list)
    webhooks: list[SePayWebhook] = field(default_factory=list)


@dataclass
class SePayTransaction:
    id: int  # the webhook's id
    uuid: str  # API v2's id
    tx: BankTransaction
    company: SePayCompany
    code: str | None
    deliveries: list[Delivery] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        tx = self.tx
        return {
            "id": self.id,
            "gateway": tx.account.bank.brand,
            "transactionDate": bank_time(tx.at),
            "accountNumber": tx.account.number,
            "code": self.code,
            "content": tx.content,
            "transferType": tx.direction,
            "transferAmount": tx.amount,
            "accumulated": tx.balance_after,
            "subAccount": tx.sub_account,
            "referenceCode": tx.reference,  # the same as API v2's reference_number
            "description": f"BankAPINotify {tx.content}",
        }


def signer(auth: ApiKeyAuth | HmacAuth | NoAuth) -> Any:
    def sign(body: bytes) -> dict[str, str]:
        if isinstance(auth, ApiKeyAuth):
            return {"Authorization": f"Apikey {auth.key}"}
        if isinstance(auth, HmacAuth):
            timestamp = str(int(time.time()))
            digest = hmac.new(
                auth.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            return {"X-SePay-Timestamp": timestamp, "X-SePay-Signature": f"sha256={digest}"}
        return {}

    return sign


class SePay:
    def __init__(
        self, clock: EmulatedClock, queue: WebhookQueue, *, allow_private_webhooks: bool
    ) -> None:
        self.clock = clock
        self.queue = queue
        self.allow_private_webhooks = allow_private_webhooks
        self.companies: list[SePayCompany] = []
        self.transactions: list[SePayTransaction] = []
        self.api = SePayTransactionsApi(self)
        self.base_url = ""  # stands for https://userapi.sepay.vn
        self._ids = itertools.count(92704)

    def add_company(self, api_token: str, payment_code: PaymentCode | None = None) -> SePayCompany:
        if any(c.api_token == api_token for c in self.companies):
            raise ValueError("that API token belongs to another company")
        company = SePayCompany(api_token, payment_code)
        self.companies.append(company)
        return company

    def link(self, company: SePayCompany, account: Account) -> None:
        if self.company_of(account) is not None:
            raise ValueError(f"account {account.number} is already linked to SePay")
        company.accounts.append(account)

    def add_webhook(self, company: SePayCompany, url: str, auth: Any, **options: Any) -> None:
        check_webhook_url(url, allow_private=self.allow_private_webhooks)
        company.webhooks.append(SePayWebhook(url, auth, **options))

    def company_of(self, account: Account) -> SePayCompany | None:
        return next((c for c in self.companies if account in c.accounts), None)

    async def notify(self, tx: BankTransaction, copies: int = 1) -> list[Delivery]:
        company = self.company_of(tx.account)
        if company is None:
            return []
        code = company.payment_code.find(tx.content) if company.payment_code else None
        record = SePayTransaction(next(self._ids), str(uuid.uuid4()), tx, company, code)
        self.transactions.append(record)
        payload = record.payload()
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        for webhook in company.webhooks:
            if webhook.wants(tx, code):
                record.deliveries += await self.queue.send(
                    "sepay", webhook.url, payload, body, signer(webhook.auth),
                    schedule=SCHEDULE if webhook.retry else SCHEDULE[:1], copies=copies,
                )  # fmt: skip
        return record.deliveries
