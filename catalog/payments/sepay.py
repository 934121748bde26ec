"""SePay (developer.sepay.vn): its webhook checked and read, and API v2's transactions.

Authentication, whichever the producer's webhook uses [documented]:
``Authorization: Apikey <key>``, or HMAC-SHA256 with ``X-SePay-Timestamp`` (refused more
than 5 minutes off) and ``X-SePay-Signature: sha256=<hex>`` over ``"<timestamp>.<raw
body>"`` (the string signed is the one three independent integrations verify; SePay's own
page could not be read to confirm it, so a bare hex digest is accepted too).

A notification is keyed by the bank's reference on the account (``referenceCode``, which
API v2 lists as ``reference_number``): the webhook's integer ``id`` and API v2's UUID name
the same transfer differently, and a transfer found by reconciliation must not be counted
again when its webhook is retried. Without a reference, the webhook's ``id`` keys it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from catalog.models import PaymentProvider
from catalog.payments.directory import ProducerKeys
from catalog.payments.incoming import (
    Incoming,
    Malformed,
    bank_time,
    body_object,
    identifier,
    text,
    whole_dong,
)
from catalog.rules import SHOP_TIMEZONE

TIMESTAMP_TOLERANCE = timedelta(minutes=5)
PER_PAGE = 100  # API v2's largest page
MAX_PAGES = 50
MAX_WAITS = 5  # 429s honoured in one listing


def authentic(headers: Mapping[str, str], body: bytes, keys: ProducerKeys, now: datetime) -> bool:
    """Whether the request carries the producer's API key or HMAC signature."""
    if keys.sepay_api_key:
        scheme, _, given = headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "apikey" and hmac.compare_digest(
            given.strip().encode(), keys.sepay_api_key.encode()
        ):
            return True
    if keys.sepay_hmac_secret:
        return _signed(headers, body, keys.sepay_hmac_secret, now)
    return False


def _signed(headers: Mapping[str, str], body: bytes, secret: str, now: datetime) -> bool:
    stamp = headers.get("X-SePay-Timestamp", "").strip()
    if not stamp.isdigit():
        return False
    sent = datetime.fromtimestamp(int(stamp), tz=now.tzinfo)
    if abs(now - sent) > TIMESTAMP_TOLERANCE:
        return False
    given = headers.get("X-SePay-Signature", "").strip().removeprefix("sha256=")
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.lower().encode(), digest.encode())


def account_of(payload: object) -> tuple[str, str]:
    """The account and virtual account a payload names (for routing), unchecked."""
    body = payload if isinstance(payload, dict) else {}
    return str(body.get("accountNumber") or ""), str(body.get("subAccount") or "")


def read(payload: object) -> Incoming:
    """The webhook's payload; ``Malformed`` when a documented field is missing or wrong."""
    body = body_object(payload)
    direction = text(body, "transferType", required=True)
    if direction not in ("in", "out"):
        raise Malformed("transferType")
    amount = whole_dong(body.get("transferAmount"), "transferAmount")
    if amount < 0:
        raise Malformed("transferAmount")
    account = text(body, "accountNumber", required=True)
    reference = text(body, "referenceCode")
    webhook_id = identifier(body, "id")
    return Incoming(
        provider=PaymentProvider.sepay,
        transaction_id=_key(account, reference, webhook_id),
        account_number=account,
        incoming=direction == "in",
        amount=amount,
        content=text(body, "content"),
        code=text(body, "code"),
        reference=reference,
        transacted_at=bank_time(body.get("transactionDate")),
        sub_account=text(body, "subAccount"),
        payload=body,
    )


def _key(account: str, reference: str, webhook_id: str) -> str:
    return f"ref:{account}:{reference}"[:64] if reference else f"id:{webhook_id}"


# -- API v2: the transactions, for reconciliation -----------------------------------------


class ApiFailed(Exception):
    """The provider's API could not be read (network, refusal, a malformed answer)."""


async def transactions(
    session: aiohttp.ClientSession, base_url: str, token: str, since: datetime
) -> list[Incoming]:
    """Money in since ``since`` on the company's accounts, oldest pages first."""
    found: list[Incoming] = []
    query = {
        "transaction_date_from": since.astimezone(SHOP_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S"),
        "transfer_type": "in",
        "per_page": str(PER_PAGE),
    }
    waits = 0
    page = 1
    while page <= MAX_PAGES:
        url = f"{base_url.rstrip('/')}/v2/transactions"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with session.get(
                url, params={**query, "page": str(page)}, headers=headers
            ) as reply:
                if reply.status == 429 and waits < MAX_WAITS:
                    waits += 1
                    await asyncio.sleep(_retry_after(reply.headers.get("Retry-After")))
                    continue
                if reply.status != 200:
                    raise ApiFailed(f"SePay API: HTTP {reply.status}")
                answer = await reply.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise ApiFailed(f"SePay API: {err}") from err
        rows, more = _page(answer)
        found += [incoming for row in rows if (incoming := _listed(row)) is not None]
        if not more:
            break
        page += 1
    return found


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), 10.0)
    except ValueError:
        return 1.0


def _page(answer: Any) -> tuple[list[Any], bool]:
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise ApiFailed("SePay API: unexpected answer")
    pagination = (answer.get("meta") or {}).get("pagination") or {}
    return answer["data"], bool(pagination.get("has_more"))


def _listed(row: Any) -> Incoming | None:
    """A row of API v2 in the webhook's terms (None when it cannot be read)."""
    if not isinstance(row, dict) or row.get("transfer_type", "in") != "in":
        return None
    try:
        amount = whole_dong(row.get("amount_in"), "amount_in")
        account = text(row, "account_number", required=True)
        reference = text(row, "reference_number")
        listed_id = identifier(row, "id")
    except Malformed:
        return None
    if amount <= 0:
        return None
    return Incoming(
        provider=PaymentProvider.sepay,
        transaction_id=_key(account, reference, f"v2:{listed_id}"),
        account_number=account,
        incoming=True,
        amount=amount,
        content=text(row, "transaction_content"),
        code=text(row, "code"),
        reference=reference,
        transacted_at=bank_time(row.get("transaction_date")),
        sub_account=text(row, "va"),
        payload=row,
    )
