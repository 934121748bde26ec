"""Casso (developer.casso.vn): its webhook v2 checked and read, and the transaction list.

Webhook v2, as Casso's published samples (CassoHQ/casso-webhook-v2-verify-signature) sign
it: ``X-Casso-Signature: t=<unix ms>,v1=<hex>``, v1 = HMAC-SHA512(security key,
``t + "." + JSON of the whole body``), the JSON compact with keys sorted at every level.
The samples disagree beyond that: JavaScript's ``JSON.stringify`` keeps non-ASCII letters,
Python's ``json.dumps`` escapes them (``\\u1ea1``), PHP's ``json_encode`` escapes them and
``/`` too. Each form is accepted. Casso documents no freshness window for ``t`` (nor
whether a retry is signed anew), so none is enforced: a replay is a duplicate, and
duplicates change nothing.

Casso documents neither the answer it expects nor its retries [not confirmed]: any 2xx is
taken as received by similar services, and the shop answers 200 ``{"success": true}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from catalog.models import PaymentProvider
from catalog.payments.incoming import (
    Incoming,
    Malformed,
    bank_time,
    body_object,
    identifier,
    text,
    whole_dong,
)
from catalog.payments.sepay import ApiFailed
from catalog.rules import SHOP_TIMEZONE

SIGNATURE_HEADER = "X-Casso-Signature"
_PARTS = re.compile(r"\s*(t|v1)\s*=\s*([0-9A-Za-z]+)\s*")
PAGE_SIZE = 100
MAX_PAGES = 50


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def signed_forms(body: Any) -> list[str]:
    """The JSON texts Casso's samples sign: unescaped (JavaScript), escaped (Python),
    escaped with ``\\/`` (PHP)."""
    ordered = _sorted(body)
    plain = json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)
    escaped = json.dumps(ordered, separators=(",", ":"), ensure_ascii=True)
    return list(dict.fromkeys((plain, escaped, escaped.replace("/", "\\/"))))


def authentic(headers: Mapping[str, str], body: Any, checksum_key: str) -> bool:
    """Whether ``X-Casso-Signature`` signs the parsed body with the producer's key."""
    parts: dict[str, str] = {}
    for piece in headers.get(SIGNATURE_HEADER, "").split(","):
        if match := _PARTS.fullmatch(piece):
            parts[match.group(1)] = match.group(2)
    stamp, given = parts.get("t", ""), parts.get("v1", "").lower()
    if not stamp.isdigit() or not given or not checksum_key:
        return False
    for form in signed_forms(body):
        digest = hmac.new(
            checksum_key.encode(), f"{stamp}.{form}".encode(), hashlib.sha512
        ).hexdigest()
        if hmac.compare_digest(given.encode(), digest.encode()):
            return True
    return False


def account_of(payload: object) -> tuple[str, str]:
    data = payload.get("data") if isinstance(payload, dict) else None
    data = data if isinstance(data, dict) else {}
    return str(data.get("accountNumber") or ""), str(data.get("virtualAccountNumber") or "")


def read(payload: object) -> Incoming:
    """``{"error": 0, "data": {...}}``; money out comes with a negative amount."""
    body = body_object(payload)
    data = body_object(body.get("data"))
    amount = whole_dong(data.get("amount"), "amount")
    return Incoming(
        provider=PaymentProvider.casso,
        transaction_id=f"id:{identifier(data, 'id')}",
        account_number=text(data, "accountNumber", required=True),
        incoming=amount > 0,
        amount=abs(amount),
        content=text(data, "description"),
        reference=text(data, "reference"),
        transacted_at=bank_time(data.get("transactionDateTime")),
        sub_account=text(data, "virtualAccountNumber"),
        payload=body,
    )


async def transactions(
    session: aiohttp.ClientSession, base_url: str, api_key: str, since: datetime
) -> list[Incoming]:
    """``GET /v2/transactions`` from ``since``'s day to today (Vietnam dates), money in."""
    local = since.astimezone(SHOP_TIMEZONE)
    query = {
        "fromDate": local.strftime("%Y-%m-%d"),
        "toDate": (datetime.now(SHOP_TIMEZONE) + timedelta(days=1)).strftime("%Y-%m-%d"),
        "pageSize": str(PAGE_SIZE),
        "sort": "ASC",
    }
    found: list[Incoming] = []
    for page in range(1, MAX_PAGES + 1):
        try:
            async with session.get(
                f"{base_url.rstrip('/')}/v2/transactions",
                params={**query, "page": str(page)},
                headers={"Authorization": f"Apikey {api_key}"},
            ) as reply:
                if reply.status != 200:
                    raise ApiFailed(f"Casso API: HTTP {reply.status}")
                answer = await reply.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise ApiFailed(f"Casso API: {err}") from err
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            raise ApiFailed("Casso API: unexpected answer")
        found += [incoming for row in data["records"] if (incoming := _listed(row))]
        if not data.get("nextPage"):
            break
    return found


def _listed(row: Any) -> Incoming | None:
    if not isinstance(row, dict):
        return None
    try:
        amount = whole_dong(row.get("amount"), "amount")
        listed_id = identifier(row, "id")
        account = text(row, "bankSubAccId", required=True)
    except Malformed:
        return None
    if amount <= 0:
        return None
    return Incoming(
        provider=PaymentProvider.casso,
        transaction_id=f"id:{listed_id}",
        account_number=account,
        incoming=True,
        amount=amount,
        content=text(row, "description"),
        reference=text(row, "tid"),
        transacted_at=bank_time(row.get("when")),
        sub_account=text(row, "virtualAccount"),
        payload=row,
    )
