"""Casso (developer.casso.vn): webhook v2 for a business's linked accounts, and
``GET /v2/transactions`` (stands for https://oauth.casso.vn/v2/transactions).

Webhook v2, as CassoHQ/casso-webhook-v2-verify-signature shows it: the body
``{"error": 0, "data": {...}}``; the header ``X-Casso-Signature: t=<unix ms>,v1=<hex>`` where
v1 = HMAC-SHA512(key, t + "." + JSON of the body with keys sorted at every level). Casso's
samples disagree on that JSON beyond "compact": JavaScript's ``JSON.stringify`` keeps
non-ASCII letters, Python's ``json.dumps`` escapes them as ``\\uXXXX``, PHP's ``json_encode``
escapes them and ``/`` too. The samples' data are ASCII, where all three agree (re-computed:
the Python/PHP/Go vector matches). ``signed_json`` picks one per business; JavaScript by
default. ``t`` is the real time of the attempt, not the emulated one.

Casso documents neither the answer it expects nor its retries: any 2xx ends them here, and
failures are retried on SePay's schedule."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from aiohttp import web

from emulators.payments.bank import BANKS, Account, BankTransaction, fold
from emulators.payments.clock import VIETNAM, EmulatedClock, bank_time
from emulators.payments.delivery import Delivery, WebhookQueue
from emulators.payments.urls import check_webhook_url

SignedJson = Literal["javascript", "python", "php"]


def signed_json(value: Any, style: SignedJson) -> str:
    """The body as Casso signs it: keys sorted at every level, no spaces."""

    def sort(item: Any) -> Any:
        return {k: sort(item[k]) for k in sorted(item)} if isinstance(item, dict) else item

    text = json.dumps(sort(value), separators=(",", ":"), ensure_ascii=style != "javascript")
    return text.replace("/", "\\/") if style == "php" else text


def signature_header(key: str, body: dict[str, Any], style: SignedJson, t_ms: int) -> str:
    message = f"{t_ms}.{signed_json(body, style)}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha512).hexdigest()
    return f"t={t_ms},v1={digest}"


@dataclass
class CassoBusiness:
    api_key: str  # Authorization: Apikey <key>
    access_token: str | None = None  # Authorization: Bearer <token> (OAuth2)
    accounts: list[Account] = field(default_factory=list)
    webhook_url: str = ""
    checksum_key: str = ""  # the webhook v2 "security key"
    signed_json: SignedJson = "javascript"
    income_only: bool = False


@dataclass
class CassoTransaction:
    id: int
    tx: BankTransaction
    business: CassoBusiness
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return self.tx.amount if self.tx.direction == "in" else -self.tx.amount

    def data(self) -> dict[str, Any]:
        tx = self.tx
        return {
            "id": self.id,
            "reference": tx.reference,
            "description": tx.content,
            "amount": self.amount,
            "runningBalance": tx.balance_after,
            "transactionDateTime": bank_time(tx.at),
            "accountNumber": tx.account.number,
            "bankName": tx.account.bank.brand,
            "bankAbbreviation": tx.account.bank.abbreviation,
            "virtualAccountNumber": tx.sub_account or "",
            "virtualAccountName": "",
            "counterAccountName": fold(tx.payer.name),
            "counterAccountNumber": tx.payer.account,
            "counterAccountBankId": tx.payer.bin,
            "counterAccountBankName": BANKS[tx.payer.bin].brand if tx.payer.bin in BANKS else "",
        }

    def record(self) -> dict[str, Any]:
        """As ``GET /v2/transactions`` lists it."""
        tx = self.tx
        return {
            "id": self.id,
            "tid": tx.reference,
            "description": tx.content,
            "amount": self.amount,
            "cusum_balance": tx.balance_after,
            "when": tx.at.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M:%S"),
            "bankSubAccId": tx.account.number,
            "paymentChannel": "Napas247",
            "virtualAccount": tx.sub_account or "",
            "virtualAccountName": "",
            "corresponsiveName": fold(tx.payer.name),
            "corresponsiveAccount": tx.payer.account,
            "corresponsiveBankId": tx.payer.bin,
            "corresponsiveBankName": BANKS[tx.payer.bin].brand if tx.payer.bin in BANKS else "",
            "accountId": 700 + sum(map(ord, tx.account.number)),
            "bankCodeName": tx.account.bank.brand.lower(),
        }


class Casso:
    def __init__(
        self, clock: EmulatedClock, queue: WebhookQueue, *, allow_private_webhooks: bool
    ) -> None:
        self.clock = clock
        self.queue = queue
        self.allow_private_webhooks = allow_private_webhooks
        self.businesses: list[CassoBusiness] = []
        self.transactions: list[CassoTransaction] = []
        self.requests: list[tuple[str, int]] = []  # (query string, status) of every API call
        self.base_url = ""  # stands for https://oauth.casso.vn
        self._ids = itertools.count(218897)

    def add_business(self, api_key: str, **settings: Any) -> CassoBusiness:
        business = CassoBusiness(api_key, **settings)
        if business.webhook_url:
            self.set_webhook(business, business.webhook_url, business.checksum_key)
        self.businesses.append(business)
        return business

    def set_webhook(self, business: CassoBusiness, url: str, checksum_key: str) -> None:
        check_webhook_url(url, allow_private=self.allow_private_webhooks)
        if not checksum_key:
            raise ValueError("webhook v2 needs its security key")
        business.webhook_url, business.checksum_key = url, checksum_key

    def link(self, business: CassoBusiness, account: Account) -> None:
        if any(account in b.accounts for b in self.businesses):
            raise ValueError(f"account {account.number} is already linked to Casso")
        business.accounts.append(account)

    async def notify(self, tx: BankTransaction, copies: int = 1) -> list[Delivery]:
        business = next((b for b in self.businesses if tx.account in b.accounts), None)
        if business is None:
            return []
        record = CassoTransaction(next(self._ids), tx, business)
        self.transactions.append(record)
        if not business.webhook_url or (business.income_only and tx.direction == "out"):
            return []
        payload = {"error": 0, "data": record.data()}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        key, style = business.checksum_key, business.signed_json

        def sign(_body: bytes) -> dict[str, str]:
            t_ms = int(time.time() * 1000)
            return {"X-Casso-Signature": signature_header(key, payload, style, t_ms)}

        record.deliveries = await self.queue.send(
            "casso", business.webhook_url, payload, body, sign, copies=copies
        )
        return record.deliveries

    # -- GET /v2/transactions -------------------------------------------------------------

    async def list_transactions(self, request: web.Request) -> web.Response:
        try:
            body = self._list(request)
            status = 200
        except ValueError as err:
            code = 401 if str(err) == "Unauthorized" else 400
            body, status = {"error": code, "message": str(err), "data": None}, code
        self.requests.append((request.query_string, status))
        return web.json_response(body, status=status)

    def _list(self, request: web.Request) -> dict[str, Any]:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        business = next(
            (
                b
                for b in self.businesses
                if (scheme == "Apikey" and secret == b.api_key)
                or (scheme == "Bearer" and b.access_token and secret == b.access_token)
            ),
            None,
        )
        if business is None:
            raise ValueError("Unauthorized")
        query = request.query
        today = self.clock.now().date()
        start = _date(query.get("fromDate"), today - timedelta(days=7))
        end = _date(query.get("toDate"), today)
        page, size = _positive(query.get("page"), 1), _positive(query.get("pageSize"), 10)
        sort = query.get("sort") or "ASC"
        if sort not in ("ASC", "DESC"):
            raise ValueError("sort must be ASC or DESC")
        rows = [
            r
            for r in self.transactions
            if r.business is business and start <= r.tx.at.astimezone(VIETNAM).date() <= end
        ]
        rows.sort(key=lambda r: (r.tx.at, r.id), reverse=sort == "DESC")
        pages = max(1, math.ceil(len(rows) / size))
        return {
            "error": 0,
            "message": "success",
            "data": {
                "page": page,
                "pageSize": size,
                "nextPage": page + 1 if page < pages else None,
                "prevPage": page - 1 if page > 1 else None,
                "totalPages": pages,
                "totalRecords": len(rows),
                "records": [r.record() for r in rows[(page - 1) * size : page * size]],
            },
        }


def _date(raw: str | None, default: Any) -> Any:
    if not raw:
        return default
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=VIETNAM).date()
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def _positive(raw: str | None, default: int) -> int:
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"not a positive number: {raw!r}")
    return int(raw)
